"""Query shapes several panels share."""

from collections.abc import Hashable, Iterable

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Aggregate, Count, Expression, QuerySet, Subquery, Value, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.db.models.sql import Query


def rows_and_total(queryset: QuerySet, limit: int) -> tuple[list, int]:
    """The first ``limit`` rows and how many rows there are in all, from one query (a window count): a panel that
    shows "10 of 37" reads once."""
    rows = list(queryset.annotate(rows_in_all=Window(Count("pk")))[:limit])
    return rows, rows[0].rows_in_all if rows else 0


def total(queryset: QuerySet, aggregate: Aggregate, empty=0) -> Expression:
    """One aggregate over all of ``queryset``'s rows (a count, a sum), as a one-value expression another query can
    select: a question for ``memo.answers``. ``empty`` when there are no rows (or the queryset is ``none()``)."""
    rows = queryset.order_by().annotate(_all=Value(1)).values("_all")  # a constant: no GROUP BY, one row
    return Coalesce(Subquery(rows.annotate(value=aggregate).values("value")), Value(empty))


def read_together(questions: dict[Hashable, Expression], using: str = DEFAULT_DB_ALIAS) -> dict:
    """The values of one-value expressions (``Exists``, ``total``, a ``Subquery`` of one row) in one query that
    reads no table of its own: several panels' counts in one round trip."""
    if not questions:
        return {}
    query = Query(None)
    names = {f"answer{n}": key for n, key in enumerate(questions)}
    for name, key in names.items():
        query.add_annotation(questions[key], name)
    row = next(iter(query.get_compiler(using=using).results_iter()))
    return {key: value for key, value in zip(names.values(), row, strict=True)}


def among(ids: Iterable[int]) -> list[int] | RawSQL:
    """``ids`` for an ``__in`` filter. On PostgreSQL a long list goes as one array parameter (``SELECT unnest``)
    instead of a placeholder per id: with hundreds of ids, building and sending the query cost more than running
    it (an evaluation round's dozen queries over 300 units)."""
    ids = list(ids)
    if connection.vendor == "postgresql" and len(ids) > 50:
        return RawSQL("SELECT unnest(%s::bigint[])", [ids])
    return ids
