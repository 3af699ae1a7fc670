"""``manage.py demo_data``: fill an empty database with a realistic demo province (see ``yiqi/demo/builder.py``)."""

from django.core.management.base import BaseCommand, CommandError

from yiqi.demo.alliances import build_alliances
from yiqi.demo.builder import DEMO_PASSWORD, BuildOptions, DemoBuilder
from yiqi.demo.census import build_census
from yiqi.demo.evaluation import build_evaluation
from yiqi.demo.exchange import build_exchange
from yiqi.demo.monitoring import build_monitoring
from yiqi.demo.outcomes import build_outcomes
from yiqi.demo.purchases import build_purchases
from yiqi.demo.resources import build_resources
from yiqi.demo.vouchers import build_vouchers
from yiqi.organizations.models import Organization


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError("must be positive")
    return number


class Command(BaseCommand):
    help = "Build a deterministic demo province (Shaanxi) with units, people and instruments into an empty database."

    def add_arguments(self, parser):
        parser.add_argument(
            "--instruments", type=positive, default=16000, help="number of instruments (16000)"
        )
        parser.add_argument("--seed", type=int, default=2026, help="random seed (2026); same seed, same data")
        parser.add_argument("--units", type=positive, default=300, help="number of management units (300)")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (and succeed) when the database already holds organisations",
        )

    def handle(self, *args, **options):
        if Organization.objects.exists():
            if options["if_empty"]:
                self.stdout.write("Demo data skipped: the database already holds organisations.")
                return
            raise CommandError(
                "The database is not empty (organisations exist). Use a fresh database or --if-empty."
            )
        build = BuildOptions(instruments=options["instruments"], seed=options["seed"], units=options["units"])
        self.stdout.write(
            f"Building demo province: {build.units} units, {build.instruments} instruments, seed {build.seed} …"
        )
        builder = DemoBuilder(build, log=self.stdout.write)
        counts = builder.build()
        counts["voucher_services"] = build_vouchers()
        counts.update(build_monitoring(seed=build.seed))
        counts["resources"] = build_resources(options["seed"])
        counts.update(build_census())
        counts.update(build_alliances())
        counts.update(build_outcomes(build.seed))  # before the evaluation, whose figures count them
        counts.update(build_exchange())
        counts.update(build_evaluation(build.seed))
        counts.update(build_purchases(build.seed))
        self.stdout.write(self.style.SUCCESS(f"Demo data built in {builder.timings['total']:.1f} s."))
        for key, value in counts.items():
            self.stdout.write(f"  {key.replace('_', ' ')}: {value}")
        timings = ", ".join(f"{k} {v:.1f} s" for k, v in builder.timings.items() if k != "total")
        self.stdout.write(f"  phases: {timings}")
        last = builder.units[-1].prefix if builder.units else "unit001"
        self.stdout.write(
            "\n".join(
                [
                    f"Log in as admin / {DEMO_PASSWORD} (superuser and platform administrator).",
                    f"Every demo account shares the password {DEMO_PASSWORD}. Usernames:",
                    "  dept01 … department administrators (one per supervising department)",
                    f"  unit001-admin, unit001-officer, unit001-tech1 … ({last}-…): unit administrator,"
                    " information officer, instrument managers / technicians",
                    f"  user001 … user{builder.options.external_users:03d}: external users"
                    " in user organisations",
                    f"  expert01 … expert{builder.options.experts:02d}: reviewers;"
                    f"  eval01 … eval{builder.options.evaluators:02d}: evaluators",
                ]
            )
        )
