"""``manage.py search_relevance``: success@10, precision@10 and MRR of the catalogue search on this database."""

from django.core.management.base import BaseCommand

from yiqi.catalog.relevance import evaluate, report_lines


class Command(BaseCommand):
    help = (
        "Run the search relevance test set (yiqi/catalog/data/relevance_cases.txt) against the current index."
    )

    def add_arguments(self, parser):
        parser.add_argument("--worst", type=int, default=10, help="list this many weakest queries (10)")

    def handle(self, *args, **options):
        for line in report_lines(evaluate(), options["worst"]):
            self.stdout.write(line)
