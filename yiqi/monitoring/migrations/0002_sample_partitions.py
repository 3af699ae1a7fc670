"""On PostgreSQL the raw samples live in one partition per UTC day, so dropping an old day is instant.

The table Django created in 0001 is empty here; it is replaced by a partitioned table of the same columns and key,
with a default partition as a safety net (the maintenance job moves any rows it holds into their day). The days of the
retention period and the week ahead are created now; ``manage.py telemetry_maintenance`` (scheduled) keeps it so.
"""

from django.conf import settings
from django.db import migrations

PARTITIONED_TABLE = """
DROP TABLE monitoring_sample;
CREATE TABLE monitoring_sample (
    device_id bigint NOT NULL,
    t timestamp with time zone NOT NULL,
    instrument_id bigint NOT NULL,
    state varchar(10) NOT NULL,
    power_w double precision NULL,
    current_a double precision NULL,
    signals jsonb NULL,
    received_at timestamp with time zone NOT NULL,
    PRIMARY KEY (device_id, t)
) PARTITION BY RANGE (t);
CREATE INDEX "monitoring__instrum_fbbe4b_idx" ON monitoring_sample (instrument_id, t);
CREATE TABLE monitoring_sample_default PARTITION OF monitoring_sample DEFAULT;
"""

DAY_PARTITIONS = """
DO $$
DECLARE d date;
BEGIN
    FOR d IN SELECT generate_series(
        (now() AT TIME ZONE 'UTC')::date - %(past)s, (now() AT TIME ZONE 'UTC')::date + 7, interval '1 day'
    )::date LOOP
        EXECUTE format(
            'CREATE TABLE IF NOT EXISTS %%I PARTITION OF monitoring_sample FOR VALUES FROM (%%L) TO (%%L)',
            'monitoring_sample_p' || to_char(d, 'YYYYMMDD'),
            d::text || ' 00:00:00+00',
            (d + 1)::text || ' 00:00:00+00'
        );
    END LOOP;
END $$;
"""

PLAIN_TABLE = """
DROP TABLE monitoring_sample CASCADE;
CREATE TABLE monitoring_sample (
    device_id bigint NOT NULL,
    t timestamp with time zone NOT NULL,
    instrument_id bigint NOT NULL,
    state varchar(10) NOT NULL,
    power_w double precision NULL,
    current_a double precision NULL,
    signals jsonb NULL,
    received_at timestamp with time zone NOT NULL,
    PRIMARY KEY (device_id, t)
);
CREATE INDEX "monitoring__instrum_fbbe4b_idx" ON monitoring_sample (instrument_id, t);
"""


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    past = int(getattr(settings, "YIQI_TELEMETRY_RETENTION_DAYS", 90)) + 1
    with schema_editor.connection.cursor() as cursor:  # raw: the DO block's format() uses % itself
        cursor.execute(PARTITIONED_TABLE)
        cursor.execute(DAY_PARTITIONS % {"past": past})


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(PLAIN_TABLE)


class Migration(migrations.Migration):
    atomic = True

    dependencies = [("monitoring", "0001_initial")]

    operations = [migrations.RunPython(partition, unpartition, elidable=False)]
