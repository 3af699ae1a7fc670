"""``manage.py import_national FILE``: bring a province's records over from an existing platform.

FILE is a JSON array of national records (types 1, 2, 4, 5, 6, 7, as they travel: each with ``instruType``, or an
envelope with ``insCode``, ``instruType`` and ``instruList``) or, with ``--unit``, one unit's instrument workbook
(the registry's template). Every record is checked first; without ``--write`` nothing is written and the command
prints what would be created and updated, or every problem by record and field. With ``--write`` all units are
written in one transaction, or nothing at all. Importing the same file again changes nothing.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from yiqi.exchange.services import migration


class Command(BaseCommand):
    help = "Import national records (JSON) or a unit's instrument workbook; checks everything before writing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--unit", default="", help="the unit's national code, for an .xlsx workbook")
        parser.add_argument("--user", default="", help="username recorded as creator in the history")
        parser.add_argument(
            "--write", action="store_true", help="write when nothing is wrong (default: preview)"
        )

    def handle(self, *args, file: Path, unit: str, user: str, write: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        actor = get_user_model().objects.filter(username=user).first() if user else None
        if user and actor is None:
            raise CommandError(f"no user {user!r}")
        plan = migration.plan_file(file.name, file.read_bytes(), actor, unit)
        summary = plan.summary()
        for error in summary["errors"]:
            where = " ".join(str(part) for part in (error["sheet"], error["column"]) if part)
            self.stderr.write(
                f"{where}: {error['message']}" + (f" [{error['value']}]" if error["value"] else "")
            )
        if not plan.ok:
            raise CommandError(f"{plan.error_count} problem(s); nothing written")
        for unit_row in summary["units"]:
            self.stdout.write(
                "{unit} ({code}): {created} new, {updated} updated, {unchanged} unchanged, "
                "{customs} customs records".format(**unit_row)
            )
        for row in summary["checked_only"]:
            self.stdout.write(f"type {row['type']}: {row['count']} records checked, not imported")
        if write:
            migration.apply(plan)
            self.stdout.write(self.style.SUCCESS(f"written: {summary['records']} records"))
        else:
            self.stdout.write("preview only: run again with --write to import")
