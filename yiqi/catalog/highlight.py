"""Marking the query's words in a field: character spans and safe HTML with ``<mark>``."""

import unicodedata
from html import escape  # the same five characters as django.utils.html.escape, without its lazy wrapper

from django.utils.safestring import SafeString, mark_safe


def spans_of(value: str, strings: list[str]) -> list[tuple[int, int]]:
    """Merged ``(start, end)`` ranges of ``value`` where any of ``strings`` occurs (case and width folded)."""
    if not value or not strings:
        return []
    folded = unicodedata.normalize("NFKC", value).lower()
    if len(folded) != len(value):  # folding changed the length: fall back to lower case only
        folded = value.lower()
        if len(folded) != len(value):
            return []
    found = []
    for needle in strings:
        start = folded.find(needle)
        while start >= 0:
            found.append((start, start + len(needle)))
            start = folded.find(needle, start + 1)
    found.sort()
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def highlight(value: str, strings: list[str]) -> tuple[SafeString, list[tuple[int, int]]]:
    value = value or ""
    spans = spans_of(value, strings)
    parts, at = [], 0
    for start, end in spans:
        parts.append(escape(value[at:start]))
        parts.append(f"<mark>{escape(value[start:end])}</mark>")
        at = end
    parts.append(escape(value[at:]))
    return mark_safe("".join(parts)), spans  # noqa: S308 - every piece of the value is escaped
