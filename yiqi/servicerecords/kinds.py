"""Each kind of service tells the record layer where its own page is; the record never imports a kind's app."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class KindInfo:
    relation: str  # the reverse one-to-one accessor from a record to the kind's row, e.g. "booking"
    url_name: str  # the kind's detail page, taking the kind's row's pk


_KINDS: dict[str, KindInfo] = {}


def register(kind: str, *, relation: str, url_name: str) -> None:
    """Called from the kind's ``AppConfig.ready``."""
    _KINDS[kind] = KindInfo(relation, url_name)


def detail_relations(prefix: str = "") -> list[str]:
    """``select_related`` paths that load every kind's row with its record (``prefix`` e.g. ``"record__"``)."""
    return [f"{prefix}{info.relation}" for info in _KINDS.values()]


def detail_of(record):
    """The kind's own row (a booking, an order, ...) behind ``record``."""
    info = _KINDS.get(record.kind)
    return getattr(record, info.relation, None) if info else None


def detail_url(record) -> str:
    info = _KINDS.get(record.kind)
    detail = detail_of(record)
    return reverse(info.url_name, args=[detail.pk]) if detail is not None else ""
