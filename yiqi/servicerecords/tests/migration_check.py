"""Run as a script against a fresh database: migrate to the schema before service records, load a demo province
dumped from that version, take its figures, migrate to the newest schema and take them again. Prints JSON.

Usage: DATABASE_URL=... python -m yiqi.servicerecords.tests.migration_check FIXTURE.json.gz
"""

import gzip
import json
import os
import sys
from collections import defaultdict
from decimal import Decimal

import django

# The last migration of each app before service records and the one audit trail.
BEFORE = {
    "core": "0001_initial",
    "registry": "0004_private_import_files",
    "booking": "0002_no_overlap_on_postgresql",
    "orders": "0002_estimated_hours_question_label",
    "fees": "0003_charge_events",
    "usage": "0002_totals_index_and_events",
    "feedback": "0004_delete_complaintsequence",
    "catalog": "0003_kinds_and_collapsing",  # its domestic facet (0004) needs registry 0010
    "servicerecords": None,
    # Apps newer than service records did not exist yet.
    "monitoring": None,
    "interlocks": None,
    "vouchers": None,
    "resources": None,
    "census": None,
    "exchange": None,
    "experts": None,
    "outcomes": None,
    "evaluation": None,
    "purchases": None,
    "demands": None,
}


def _targets(loader, before: bool):
    targets = []
    for app, name in loader.graph.leaf_nodes():
        targets.append((app, BEFORE[app]) if before and app in BEFORE else (app, name))
    return targets


def _written_loader(connection):
    """The migrations as they were written, without the squashed ones that replace them: an old database reached
    the schema before service records through them (the squashed ones only build new databases)."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection, replace_migrations=False)
    for key, squashed in loader.replacements.items():
        loader.graph.remove_replacement_node(key, squashed.replaces)
    return loader


def _load(apps, path: str) -> None:
    """Insert dumpdata rows through the historical models (loaddata would use today's models)."""
    with gzip.open(path, "rt", encoding="utf-8") as dump:
        rows = json.load(dump)
    by_model = defaultdict(list)
    many = []
    for row in rows:
        model = apps.get_model(row["model"])
        fields = {}
        for name, value in row["fields"].items():
            field = model._meta.get_field(name)
            if field.many_to_many:
                many.append((model, row["pk"], name, value))
            elif field.is_relation:
                fields[field.attname] = value
            else:
                fields[name] = field.to_python(value) if value is not None else None
        by_model[model].append(model(pk=row["pk"], **fields))
    for model, objs in by_model.items():
        model.objects.bulk_create(objs, batch_size=500)
    for model, pk, name, values in many:
        getattr(model.objects.get(pk=pk), name).set(values)


def _rows(cursor, sql):
    cursor.execute(sql)
    return cursor.fetchall()


# The old event tables: (table, the object column, the model it audits).
EVENT_TABLES = (
    ("booking_bookingevent", "booking_id", "booking.booking", "from_status, to_status, comment"),
    ("orders_orderevent", "order_id", "orders.testorder", "from_status, to_status, comment"),
    ("fees_chargeevent", "charge_id", "fees.charge", "'', '', note"),
    ("feedback_complaintevent", "complaint_id", "feedback.complaint", "from_status, to_status, comment"),
    ("registry_registrationevent", "instrument_id", "registry.instrument", "from_status, to_status, comment"),
    ("usage_usagerecordevent", "record_number", "usage.usagerecord", "'', '', ''"),
)


def _events(c, after: bool) -> dict:
    """Every audit row per audited model: (object, actor, from, to, comment, time), old tables or the one trail."""
    events = {}
    for table, column, model, rest in EVENT_TABLES:
        if after:
            app, name = model.split(".")
            sql = (
                "SELECT e.object_id, e.actor_id, e.from_state, e.to_state, e.comment, e.created_at"
                " FROM core_auditevent e JOIN django_content_type t ON t.id = e.content_type_id"
                f" WHERE t.app_label = '{app}' AND t.model = '{name}'"
            )
        else:
            sql = f"SELECT {column}, actor_id, {rest}, created_at FROM {table}"
        events[model] = sorted(tuple(str(v) for v in row) for row in _rows(c, sql))
    return events


def _figures(connection, after: bool) -> dict:
    def money(value):
        return str(Decimal(value or 0).quantize(Decimal("0.01")))

    with connection.cursor() as c:
        counts = {
            t: _rows(c, f"SELECT COUNT(*) FROM {t}")[0][0]
            for t in (
                "booking_booking",
                "orders_testorder",
                "fees_charge",
                "fees_chargeline",
                "usage_usagerecord",
                "feedback_rating",
                "feedback_complaint",
            )
        }
        # Which booking or order each charge, usage record, rating and complaint belongs to.
        if after:
            service_of = {}
            for kind, table in (("booking", "booking_booking"), ("order", "orders_testorder")):
                for pk, record_id in _rows(c, f"SELECT id, record_id FROM {table}"):
                    service_of[record_id] = f"{kind}:{pk}"

            def links(table):
                return {
                    row[0]: service_of.get(row[1]) for row in _rows(c, f"SELECT id, record_id FROM {table}")
                }
        else:

            def links(table):
                return {
                    row[0]: f"booking:{row[1]}" if row[1] else (f"order:{row[2]}" if row[2] else None)
                    for row in _rows(c, f"SELECT id, booking_id, order_id FROM {table}")
                }

        statements = defaultdict(Decimal)
        for unit, payer, billed_at, total in _rows(
            c,
            "SELECT unit_id, payer_organization_id, billed_at, total FROM fees_charge WHERE billed_at IS NOT NULL",
        ):
            month = str(billed_at)[:7]
            statements[f"{unit}/{payer}/{month}"] += Decimal(total)
        usage = {
            str(unit): [money(h), money(x), money(f), int(n)]
            for unit, h, x, f, n in _rows(
                c,
                "SELECT unit_id, SUM(machine_hours), SUM(CASE WHEN is_external THEN machine_hours ELSE 0 END),"
                " SUM(fee), COUNT(*) FROM usage_usagerecord GROUP BY unit_id",
            )
        }
        charges = {
            status: [money(t), money(q), n]
            for status, t, q, n in _rows(
                c, "SELECT status, SUM(total), SUM(quoted_total), COUNT(*) FROM fees_charge GROUP BY status"
            )
        }
        figures = {
            "counts": counts,
            "charges": charges,
            "statements": {k: money(v) for k, v in sorted(statements.items())},
            "usage_by_unit": usage,
            "charge_services": links("fees_charge"),
            "usage_services": links("usage_usagerecord"),
            "rating_services": links("feedback_rating"),
            "complaint_services": links("feedback_complaint"),
        }
        figures["events"] = _events(c, after)
        if after:
            figures["records"] = {
                f"{kind}/{status}": n
                for kind, status, n in _rows(
                    c, "SELECT kind, status, COUNT(*) FROM servicerecords_servicerecord GROUP BY kind, status"
                )
            }
    return json.loads(json.dumps(figures, default=str))


def main(path: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiqi.settings")
    django.setup()
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.loader = _written_loader(connection)
    executor.migrate(_targets(executor.loader, before=True))
    executor.loader = _written_loader(connection)
    nodes = [node for node in _targets(executor.loader, before=True) if node[1] is not None]
    apps = executor.loader.project_state(nodes, at_end=True).apps
    _load(apps, path)
    before = _figures(connection, after=False)
    executor = MigrationExecutor(connection)
    executor.migrate(_targets(executor.loader, before=False))
    after = _figures(connection, after=True)
    print(json.dumps({"before": before, "after": after}))


if __name__ == "__main__":
    main(sys.argv[1])
