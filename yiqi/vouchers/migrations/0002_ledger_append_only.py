"""On PostgreSQL the database itself refuses to change or delete ledger rows (the model and manager refuse too)."""

from django.db import migrations

CREATE = """
CREATE FUNCTION vouchers_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'vouchers_ledgerentry is append-only';
END;
$$;
CREATE TRIGGER vouchers_ledger_append_only BEFORE UPDATE OR DELETE ON vouchers_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION vouchers_ledger_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS vouchers_ledger_append_only ON vouchers_ledgerentry;
DROP FUNCTION IF EXISTS vouchers_ledger_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("vouchers", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
