"""A read on a hot path compiled once, then run with new values.

When to use it: only for a read that runs on every request of a hot path and whose building and compiling by Django
cost more than the database takes to answer it (measure first) — booking's one ``UNION ALL`` of every fact a request
is checked against. Anything else stays an ordinary queryset: a prepared read is harder to read and to change.

``PreparedRead(build)`` compiles the queryset once per thread, database and shape, and then only binds the
arguments. ``build(**arguments)`` returns the queryset; the arguments are ints, strings (keys), aware datetimes or
None, and may reach the SQL only as query parameters, either as given or (datetimes) shifted by a constant
(``start - MAX_SPAN``). Whether each argument is None is part of the shape (``IS NULL``).

The safety check: the SQL is compiled twice, from two different sets of stand-in values (never a request's). A
parameter equal in both is a constant; one that is an argument (plus the same shift) in both becomes a slot; anything
else — a value computed from an argument in another way (``since.date()``), or SQL whose text differs between the
two — is refused when first compiled, so a change to ``build`` cannot freeze a request's value into the cache. What
it cannot see is a branch that both sets take alike (an argument compared with the clock, say): that branch is
compiled once and used for every request. So ``build`` hands its arguments to lookups and never decides on them.
"""

import datetime as dt
import threading
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

_EPOCH = dt.datetime(1971, 1, 1, tzinfo=dt.UTC)


def _stand_in(value, n: int, second: bool):
    """The ``n``-th argument's stand-in of its type in the first or ``second`` set: distinct from every other
    argument's, and moved between the sets by an amount of its own, so a shifted parameter maps to one argument only."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        moved = dt.timedelta(days=1000 + 17 * n, seconds=1 + n) if second else dt.timedelta(0)
        return _EPOCH + dt.timedelta(days=3000 * n, seconds=7 * n) + moved
    if isinstance(value, int) and not isinstance(value, bool):
        # Small and positive: a lookup out of the field's range (e.g. a negative id) compiles to no SQL at all.
        return 20_011 + 100 * n + (1 + n if second else 0)
    if isinstance(value, str):
        return f"~prepared-read-{n}-{int(second)}~"
    raise TypeError(
        f"a prepared read takes ints, strings, aware datetimes or None, not {type(value).__name__}"
    )


class PreparedRead:
    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self._compiled = threading.local()

    def rows(self, using: str = DEFAULT_DB_ALIAS, **arguments) -> list[tuple]:
        """The queryset's rows (as its ``values_list`` gives them) for ``arguments``."""
        shape = (using, *sorted((name, value is None) for name, value in arguments.items()))
        cache = self._compiled.__dict__
        if shape not in cache:
            cache[shape] = self._compile(using, arguments)
        sql, slots, compiler = cache[shape]
        connection = connections[using]
        values = list(arguments.values())
        params = [slot(values) for slot in slots]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return list(compiler.results_iter(results=[rows], tuple_expected=True))

    def _compile(self, using: str, arguments: dict):
        names = list(arguments)
        first = {name: _stand_in(arguments[name], n, False) for n, name in enumerate(names)}
        second = {name: _stand_in(arguments[name], n, True) for n, name in enumerate(names)}
        compiler = self.build(**first).query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        sql_again, params_again = self.build(**second).query.get_compiler(using=using).as_sql()
        if sql != sql_again or len(params) != len(params_again):
            raise ValueError("the SQL of a prepared read must not depend on its arguments' values")
        connection = connections[using]
        slots = [
            self._slot(a, b, [first[name] for name in names], [second[name] for name in names], connection)
            for a, b in zip(params, params_again, strict=True)
        ]
        return sql, slots, compiler

    @staticmethod
    def _slot(a, b, first: list, second: list, connection) -> Callable:
        """How to bind one parameter: a constant, or argument ``n`` (shifted by a constant, for datetimes)."""
        if a == b:
            return lambda values: a
        adapt = connection.ops.adapt_datetimefield_value
        for n, (x, y) in enumerate(zip(first, second, strict=True)):
            if isinstance(x, int | str) and (a, b) == (x, y):
                return lambda values, n=n: values[n]
            compiled = _parsed(a)
            if isinstance(x, dt.datetime) and compiled is not None:
                shift = compiled - x
                if adapt(x + shift) == a and adapt(y + shift) == b:
                    return lambda values, n=n, shift=shift: adapt(values[n] + shift)
        raise ValueError(f"a prepared read's parameter {a!r} is neither a constant nor an argument")


def _parsed(param) -> dt.datetime | None:
    """A datetime parameter as compiled: a datetime (PostgreSQL) or its text, naive UTC (SQLite)."""
    if isinstance(param, dt.datetime):
        return param
    if isinstance(param, str):
        try:
            return dt.datetime.fromisoformat(param).replace(tzinfo=dt.UTC)
        except ValueError:
            return None
    return None
