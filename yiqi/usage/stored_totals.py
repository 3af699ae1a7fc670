"""Each management unit's usage summed per day and per month, kept by the database itself.

Triggers on ``usage_usagerecord`` add every inserted record to its unit's day and month, subtract every deleted
one and move every updated one, whatever wrote it (services, bulk upserts, telemetry verification, raw SQL), so a
period's totals read a few rows per unit instead of every record: a province's year is 12 months of 300 units
plus some days, instead of 700,000 records. Days and months are UTC, so the triggers need no time zone; a period
in local time reads its whole UTC months, the whole UTC days around them and the records of its two partial edge
days (``period_sums``). On PostgreSQL the triggers run per statement over the transition tables (a bulk insert
costs one grouped upsert), on SQLite per row.

Loaders that bypass triggers (``session_replication_role = replica``) call ``rebuild`` afterwards.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q, Sum

from yiqi.core.money import to_fen
from yiqi.core.queries import among

from .models import UsageRecord, UsageTotal

RECORDS = UsageRecord._meta.db_table
TOTALS = UsageTotal._meta.db_table
# What a total adds up; each change is signed, so a deletion or the old side of an update is subtracted.
SUMMED = (
    "machine_hours",
    "external_hours",
    "checked_records",
    "checked_hours",
    "verified_hours",
    "verified_external_hours",
)
COLUMNS = f"span, start, unit_id, {', '.join(SUMMED)}"
ZERO = Decimal("0.00")
# A UTC day and month of an SQLite datetime (text in UTC), per span.
SQLITE_STARTS = {UsageTotal.Span.DAY: "date({t})", UsageTotal.Span.MONTH: "strftime('%Y-%m-01', {t})"}


def _changes(row: str, sign: str) -> list[str]:
    """SQLite: one record's contribution to each of ``SUMMED``, negative with ``sign="-"``."""
    return [
        f"{sign}{row}.machine_hours",
        f"CASE WHEN {row}.is_external THEN {sign}{row}.machine_hours ELSE 0 END",
        f"CASE WHEN {row}.verified_hours IS NOT NULL THEN {sign}1 ELSE 0 END",
        f"CASE WHEN {row}.verified_hours IS NOT NULL THEN {sign}{row}.machine_hours ELSE 0 END",
        f"{sign}COALESCE({row}.verified_hours, 0)",
        f"CASE WHEN {row}.is_external THEN {sign}COALESCE({row}.verified_hours, 0) ELSE 0 END",
    ]


def _sqlite_adds(row: str) -> str:
    """SQLite: add a new record to its day and month, making them when they are not there yet."""
    values = ", ".join(_changes(row, ""))
    added = ", ".join(f"{name} = {name} + excluded.{name}" for name in SUMMED)
    return " ".join(
        f"INSERT INTO {TOTALS} ({COLUMNS}) "
        f"VALUES ('{span}', {start.format(t=f'{row}.started_at')}, {row}.unit_id, {values}) "
        f"ON CONFLICT (span, start, unit_id) DO UPDATE SET {added};"
        for span, start in SQLITE_STARTS.items()
    )


def _sqlite_subtracts(row: str) -> str:
    """SQLite: take an old record out of its day and month, which its insert made. Never makes a row: a flush of
    the test database (DELETE of every table, in any order) must leave none behind for units it deleted."""
    taken = ", ".join(
        f"{name} = {name} + {change}" for name, change in zip(SUMMED, _changes(row, "-"), strict=True)
    )
    return " ".join(
        f"UPDATE {TOTALS} SET {taken} WHERE span = '{span}' AND start = {start.format(t=f'{row}.started_at')} "
        f"AND unit_id = {row}.unit_id;"
        for span, start in SQLITE_STARTS.items()
    )


# The columns the sums depend on: updates of other columns (fees, notes, evidence) cost nothing.
WATCHED = "unit_id, started_at, is_external, machine_hours, verified_hours"

SQLITE_CREATE = [
    f"CREATE TRIGGER usage_totals_insert AFTER INSERT ON {RECORDS} BEGIN {_sqlite_adds('NEW')} END",
    f"CREATE TRIGGER usage_totals_delete AFTER DELETE ON {RECORDS} BEGIN {_sqlite_subtracts('OLD')} END",
    f"CREATE TRIGGER usage_totals_update AFTER UPDATE OF {WATCHED} ON {RECORDS} BEGIN "
    f"{_sqlite_subtracts('OLD')} {_sqlite_adds('NEW')} END",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS usage_totals_{event}" for event in ("insert", "delete", "update")]

# The grouped, signed sums of a set of changed records ``c`` (columns: sign and the record's own) as rows of the
# totals table, a day and a month for each; rows whose changes cancel out (an update that moved nothing) are left
# out. Ordered by key, so two transactions lock the rows they share in the same order (no deadlock).
GROUPED = f"""
SELECT * FROM (
    SELECT s.span,
        CASE WHEN s.span = 'day' THEN (started_at AT TIME ZONE 'UTC')::date
            ELSE date_trunc('month', started_at AT TIME ZONE 'UTC')::date END AS start,
        unit_id,
        SUM(sign * machine_hours) AS machine_hours,
        COALESCE(SUM(sign * machine_hours) FILTER (WHERE is_external), 0) AS external_hours,
        COALESCE(SUM(sign) FILTER (WHERE verified_hours IS NOT NULL), 0) AS checked_records,
        COALESCE(SUM(sign * machine_hours) FILTER (WHERE verified_hours IS NOT NULL), 0) AS checked_hours,
        COALESCE(SUM(sign * verified_hours), 0) AS verified_hours,
        COALESCE(SUM(sign * verified_hours) FILTER (WHERE is_external), 0) AS verified_external_hours
    FROM (%s) c CROSS JOIN (VALUES ('day'), ('month')) s (span)
    GROUP BY 1, 2, 3
) g WHERE ({", ".join(SUMMED)}) <> (0, 0, 0, 0, 0, 0)
ORDER BY span, start, unit_id
"""
POSTGRES_UPSERT = (
    f"INSERT INTO {TOTALS} AS t ({COLUMNS}) {GROUPED} ON CONFLICT (span, start, unit_id) DO UPDATE SET "
    + ", ".join(f"{name} = t.{name} + EXCLUDED.{name}" for name in SUMMED)
)
# What each event changes: the rows the statement inserted, deleted, or both sides of the rows it updated.
POSTGRES_CHANGES = {
    "insert": ("NEW TABLE AS new_rows", "SELECT 1 AS sign, * FROM new_rows"),
    "delete": ("OLD TABLE AS old_rows", "SELECT -1 AS sign, * FROM old_rows"),
    "update": (
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "SELECT 1 AS sign, * FROM new_rows UNION ALL SELECT -1, * FROM old_rows",
    ),
}
# A function per event, its SQL static so PL/pgSQL plans it once per connection.
POSTGRES_CREATE = [
    statement
    for event, (tables, changes) in POSTGRES_CHANGES.items()
    for statement in (
        f"CREATE FUNCTION usage_totals_on_{event}() RETURNS trigger LANGUAGE plpgsql AS $body$ BEGIN "
        f"{POSTGRES_UPSERT % changes}; RETURN NULL; END; $body$",
        f"CREATE TRIGGER usage_totals_{event} AFTER {event.upper()} ON {RECORDS} REFERENCING {tables} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION usage_totals_on_{event}()",
    )
]
POSTGRES_DROP = [
    statement
    for event in POSTGRES_CHANGES
    for statement in (
        f"DROP TRIGGER IF EXISTS usage_totals_{event} ON {RECORDS}",
        f"DROP FUNCTION IF EXISTS usage_totals_on_{event}()",
    )
]


def install(schema_editor) -> None:
    """Create the triggers and fill the table from the records there are (the migration's forward step)."""
    postgres = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRES_CREATE if postgres else SQLITE_CREATE:
        schema_editor.execute(statement, params=None)
    rebuild(schema_editor.connection)


def uninstall(schema_editor) -> None:
    for statement in POSTGRES_DROP if schema_editor.connection.vendor == "postgresql" else SQLITE_DROP:
        schema_editor.execute(statement, params=None)


def rebuild(using=connection) -> None:
    """Every total again from the records (after a load that bypassed the triggers)."""
    with using.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TOTALS}")
        if using.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {TOTALS} ({COLUMNS}) " + GROUPED % f"SELECT 1 AS sign, * FROM {RECORDS}"
            )
            return
        sums = ", ".join(f"SUM({change})" for change in _changes("r", ""))
        for span, start in SQLITE_STARTS.items():
            cursor.execute(
                f"INSERT INTO {TOTALS} ({COLUMNS}) SELECT '{span}', {start.format(t='r.started_at')}, r.unit_id, "
                f"{sums} FROM {RECORDS} r GROUP BY 2, 3"
            )


# --- reading ------------------------------------------------------------------------------------------------------


def _first_at_or_after(moment: dt.datetime, *, month: bool = False) -> dt.datetime:
    """The first UTC midnight (or first of a month) at or after ``moment``."""
    utc = moment.astimezone(dt.UTC)
    floor = utc.replace(day=1 if month else utc.day, hour=0, minute=0, second=0, microsecond=0)
    if floor == utc:
        return floor
    return (floor + dt.timedelta(days=32)).replace(day=1) if month else floor + dt.timedelta(days=1)


def _last_at_or_before(moment: dt.datetime, *, month: bool = False) -> dt.datetime:
    utc = moment.astimezone(dt.UTC)
    return utc.replace(day=1 if month else utc.day, hour=0, minute=0, second=0, microsecond=0)


def _stored(since: dt.datetime, until: dt.datetime) -> tuple[Q | None, Q]:
    """Which stored totals cover [since, until), and which records the rest: whole months, whole days around them,
    then the partial days at the edges."""
    first_day, last_day = _first_at_or_after(since), _last_at_or_before(until)
    if first_day >= last_day:
        return None, Q(started_at__gte=since, started_at__lt=until)
    records = Q(started_at__gte=since, started_at__lt=first_day) | Q(
        started_at__gte=last_day, started_at__lt=until
    )
    first_month = _first_at_or_after(first_day, month=True)
    last_month = _last_at_or_before(last_day, month=True)
    days = Q(span=UsageTotal.Span.DAY, start__gte=first_day.date())
    if first_month >= last_month:
        return days & Q(start__lt=last_day.date()), records
    return (
        Q(span=UsageTotal.Span.MONTH, start__gte=first_month.date(), start__lt=last_month.date())
        | (days & Q(start__lt=first_month.date()))
        | Q(span=UsageTotal.Span.DAY, start__gte=last_month.date(), start__lt=last_day.date())
    ), records


def period_sums(unit_ids: Iterable[int], since: dt.datetime, until: dt.datetime) -> dict[int, dict]:
    """Each unit's sums of ``SUMMED`` over its records started in [since, until), from the stored totals and the
    records of the partial days at the edges. Units whose sums are all zero are left out."""
    unit_ids = list(unit_ids)
    stored, edges = _stored(since, until)
    # The units as one array (a subquery on PostgreSQL): joined to the few rows the index finds. As a long IN list
    # they made PostgreSQL scan every stored total (it prices each IN test as a walk along the list).
    units = among(unit_ids)
    totals = (
        UsageTotal.objects.filter(stored, unit_id__in=units)
        .values("unit_id")
        .annotate(**{f"sum_{name}": Sum(name) for name in SUMMED})
        if stored is not None
        else []
    )
    records = (
        UsageRecord.objects.filter(edges, unit_id__in=units)
        .order_by()
        .values("unit_id")
        .annotate(
            sum_machine_hours=Sum("machine_hours"),
            sum_external_hours=Sum("machine_hours", filter=Q(is_external=True)),
            sum_checked_records=Count("pk", filter=Q(verified_hours__isnull=False)),
            sum_checked_hours=Sum("machine_hours", filter=Q(verified_hours__isnull=False)),
            sum_verified_hours=Sum("verified_hours"),
            sum_verified_external_hours=Sum("verified_hours", filter=Q(is_external=True)),
        )
    )
    result: dict[int, dict] = {}
    for row in [*totals, *records]:
        sums = result.setdefault(row["unit_id"], dict.fromkeys(SUMMED, 0))
        for name in SUMMED:
            sums[name] += row[f"sum_{name}"] or 0
    for sums in result.values():
        for name in SUMMED:
            if name != "checked_records":
                # SQLite sums decimals as floats: back to two places.
                sums[name] = to_fen(sums[name]) if sums[name] else ZERO
    return {unit_id: sums for unit_id, sums in result.items() if any(sums.values())}
