"""On PostgreSQL the database itself refuses to change or delete a claim or a batch once it is paid out (the
services and the read-only admin refuse too)."""

from django.db import migrations

TABLES = ("vouchers_claim", "vouchers_batch")
CREATE = """
CREATE FUNCTION vouchers_paid_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'paid' THEN
        RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' row ' || OLD.id || ' is paid out and cannot change';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
""" + "".join(
    f"CREATE TRIGGER {table}_paid_is_final BEFORE UPDATE OR DELETE ON {table} "
    "FOR EACH ROW EXECUTE FUNCTION vouchers_paid_is_final();\n"
    for table in TABLES
)
DROP = "".join(f"DROP TRIGGER IF EXISTS {table}_paid_is_final ON {table};\n" for table in TABLES) + (
    "DROP FUNCTION IF EXISTS vouchers_paid_is_final();"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("vouchers", "0002_ledger_append_only")]

    operations = [migrations.RunPython(create, drop)]
