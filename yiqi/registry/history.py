"""An instrument's change history as people read it: each version with the fields changed since the one before."""

import datetime as dt

from .models import Instrument


def _plain(value):
    """A history value as JSON-friendly text: numbers as strings (exact), dates in ISO format, countries as codes."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def history_entries(instrument: Instrument, limit: int | None = None) -> list:
    """Versions newest first; each gets ``changes``: dicts of field, label, old and new value."""
    records = instrument.history.select_related("history_user").order_by("-history_date", "-history_id")
    # One extra version so the oldest one shown can still be compared with its predecessor.
    records = list(records[: limit + 1] if limit else records)
    for newer, older in zip(records, [*records[1:], None], strict=True):
        newer.changes = [
            {
                "field": change.field,
                "label": str(Instrument._meta.get_field(change.field).verbose_name),
                "old": _plain(change.old),
                "new": _plain(change.new),
            }
            for change in (newer.diff_against(older).changes if older is not None else [])
        ]
    return records[:limit] if limit else records
