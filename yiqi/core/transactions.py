"""Work that follows a commit, once per transaction however many saves asked for it."""

from collections.abc import Callable, Iterable

from django.db import transaction


class _Batch:
    def __init__(self, key: str, work: Callable[[set[int]], None]):
        self.key, self.work, self.ids = key, work, set()

    def run(self):
        self.work(self.ids)


def after_commit_once(key: str, ids: Iterable, work: Callable[[set[int]], None]) -> None:
    """Gather ``ids`` under ``key`` and call ``work(ids)`` once when the current transaction commits (at once outside
    a transaction). A rolled-back transaction or savepoint drops its callbacks: a new batch starts then."""
    ids = {int(i) for i in ids if i}
    if not ids:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        work(ids)
        return
    batches = connection.__dict__.setdefault("yiqi_commit_batches", {})
    batch = batches.get(key)
    if batch is None or not any(entry[1] == batch.run for entry in connection.run_on_commit):
        batch = batches[key] = _Batch(key, work)
        transaction.on_commit(batch.run)
    batch.ids |= ids


def forget_batches() -> None:
    """Tests: drop batches that fixtures queued for a commit that never comes."""
    transaction.get_connection().__dict__.pop("yiqi_commit_batches", None)
