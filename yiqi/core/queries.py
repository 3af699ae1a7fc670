"""Query shapes several panels share."""

from django.db.models import Count, QuerySet, Window


def rows_and_total(queryset: QuerySet, limit: int) -> tuple[list, int]:
    """The first ``limit`` rows and how many rows there are in all, from one query (a window count): a panel that
    shows "10 of 37" reads once."""
    rows = list(queryset.annotate(rows_in_all=Window(Count("pk")))[:limit])
    return rows, rows[0].rows_in_all if rows else 0
