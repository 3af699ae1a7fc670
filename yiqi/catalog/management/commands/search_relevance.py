"""``manage.py search_relevance``: recall@10 and MRR of the catalogue search on the current database."""

from django.core.management.base import BaseCommand

from yiqi.catalog.relevance import CASES, evaluate


class Command(BaseCommand):
    help = "Run the search relevance test set (yiqi/catalog/relevance.py) against the current index."

    def add_arguments(self, parser):
        parser.add_argument("--worst", type=int, default=10, help="list this many weakest queries (10)")

    def handle(self, *args, **options):
        report = evaluate()
        self.stdout.write(
            f"{report['queries']} of {len(CASES)} queries have relevant records: "
            f"recall@10 {report['recall_at_k']:.3f}, MRR {report['mrr']:.3f}"
        )
        for kind, numbers in report["by_kind"].items():
            self.stdout.write(
                f"  {kind:13} {numbers['queries']:3} queries  recall@10 {numbers['recall']:.3f}"
                f"  MRR {numbers['mrr']:.3f}"
            )
        if report["skipped"]:
            self.stdout.write(f"  no relevant record for: {', '.join(report['skipped'])}")
        worst = sorted(report["rows"], key=lambda r: (r["recall"] + r["rr"], r["query"]))[: options["worst"]]
        for row in worst:
            self.stdout.write(
                f"  weakest: {row['query']!r:34} recall {row['recall']:.2f}  rr {row['rr']:.2f}"
                f"  ({row['relevant']} relevant)"
            )
