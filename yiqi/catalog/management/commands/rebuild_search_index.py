"""``manage.py rebuild_search_index``: build the catalogue's search index afresh from the published records."""

from django.core.management.base import BaseCommand

from yiqi.catalog.indexing import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the full-text search index of published instruments (bulk; about a minute per 100,000)."

    def handle(self, *args, **options):
        verbose = options["verbosity"] > 1
        counts = rebuild_index(log=self.stdout.write if verbose else None)
        self.stdout.write(
            self.style.SUCCESS(
                f"Search index rebuilt in {counts['seconds']} s: {counts['documents']} documents, "
                f"{counts['terms']} terms, {counts['postings']} postings."
            )
        )
