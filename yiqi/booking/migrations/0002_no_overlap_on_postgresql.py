"""PostgreSQL refuses two slot-holding bookings of one instrument whose times overlap.

SQLite has no exclusion constraints; there the booking service's check-then-insert runs inside a
``BEGIN IMMEDIATE`` transaction, which serialises every writer.
"""

from django.db import migrations

SLOT_HOLDING = "('requested', 'confirmed', 'checked_in', 'completed')"

CREATE = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE booking_booking ADD CONSTRAINT booking_no_overlap
    EXCLUDE USING gist (instrument_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (status IN {SLOT_HOLDING});
"""
DROP = "ALTER TABLE booking_booking DROP CONSTRAINT IF EXISTS booking_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("booking", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
