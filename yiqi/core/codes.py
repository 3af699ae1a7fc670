"""Six-digit hierarchical codes ``AABBCC``: GB/T 2260 regions and the national instrument classification.

``AA0000`` is a top-level node, ``AABB00`` a middle one, anything else a leaf.
"""

from django.db.models import Q


def level_of(code: str) -> int:
    if code.endswith("0000"):
        return 1
    return 2 if code.endswith("00") else 3


def prefix(code: str) -> str:
    """The prefix every code inside this node starts with: ``610000`` → ``61``, ``610100`` → ``6101``."""
    return code[: {1: 2, 2: 4, 3: 6}[level_of(code)]]


def level_q(level: int, field: str = "code") -> Q:
    top, middle = Q(**{f"{field}__endswith": "0000"}), Q(**{f"{field}__endswith": "00"})
    return {1: top, 2: middle & ~top, 3: ~middle}[level]


def within_q(code: str, field: str) -> Q:
    """Objects whose ``field`` code is this node or lies inside it.

    A range rather than LIKE 'prefix%': both SQLite and PostgreSQL answer a range from the column's B-tree index.
    """
    start = prefix(code)
    return Q(**{f"{field}__gte": start.ljust(6, "0"), f"{field}__lte": start.ljust(6, "9")})
