"""Rows that several services write in one step (audit events, inbox notices), inserted together.

Inside ``with batched_inserts():`` every ``insert(rows)`` is held back and each model's rows go to the database in
one ``bulk_create`` when the block ends without an error (call it inside the transaction, so they commit with the
step). Outside such a block ``insert`` writes at once. The booking path uses this to keep its query count flat.
"""

from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models

_pending: ContextVar[dict | None] = ContextVar("yiqi_pending_inserts", default=None)


@contextmanager
def batched_inserts():
    if _pending.get() is not None:  # nested: the outermost block writes
        yield
        return
    pending: dict[type[models.Model], list[models.Model]] = {}
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    for model, rows in pending.items():
        model._default_manager.bulk_create(rows)


def insert(rows: Iterable[models.Model]) -> list[models.Model]:
    """Write the rows now, or at the end of the enclosing ``batched_inserts`` block (their ids are set then)."""
    rows = list(rows)
    if not rows:
        return rows
    pending = _pending.get()
    if pending is None:
        return type(rows[0])._default_manager.bulk_create(rows)
    pending.setdefault(type(rows[0]), []).extend(rows)
    return rows
