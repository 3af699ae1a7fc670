"""The synonym dictionary and the kinds of instrument a query names.

The shipped file ``data/synonyms.txt`` seeds the table the platform authority edits (``Synonym``). Each entry
names the classification nodes (small or middle classes) its words stand for, so that a query that names a kind
of instrument — by a class name, a synonym, an abbreviation or a lab's short form — is resolved to those classes.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import text

SYNONYM_FILE = text.DATA_DIR / "synonyms.txt"
MAX_SPAN_UNITS = 6  # longest synonym entry, in query units (words / Latin tokens)
CODES_RE = re.compile(r"^\s*((?:\d{6}\s*)+)\|")
GENERIC_CLASS_NAMES = frozenset({"其他"})


@dataclass(frozen=True)
class Entry:
    words: str  # comma-separated
    expands_to: str = ""  # comma-separated; one way when given
    categories: str = ""  # space-separated class codes


def parse_synonym_lines(lines) -> list[Entry]:
    """One entry per non-comment line: ``codes | a, b, c`` or ``codes | a, b => c, d`` (one way)."""
    entries = []
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        codes = ""
        found = CODES_RE.match(line)
        if found:
            codes = " ".join(found.group(1).split())
            line = line[found.end() :]
        words, _, targets = line.partition("=>")
        entries.append(
            Entry(
                ", ".join(text.split_synonym_list(words)),
                ", ".join(text.split_synonym_list(targets)),
                codes,
            )
        )
    return entries


def shipped_entries(path: Path = SYNONYM_FILE) -> list[Entry]:
    return parse_synonym_lines(path.read_text(encoding="utf-8").splitlines())


def class_key(name: str) -> str:
    """A class or instrument name as looked up: without parenthesised notes, spaces and joiners."""
    return text.synonym_key(re.sub(r"[（(][^）)]*[）)]", "", text.normalize(name)))


@dataclass
class SynonymTable:
    """Query-time lookups: a chunk's key → the other forms to search for; pinyin key → Chinese forms; a chunk's
    key → the classification codes it names."""

    expansions: dict[str, list[str]] = field(default_factory=dict)
    pinyin: dict[str, list[str]] = field(default_factory=dict)
    kinds: dict[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def from_entries(cls, entries, categories=()) -> "SynonymTable":
        """``entries``: ``Entry`` items; ``categories``: ``(code, name)`` of the classification's nodes."""
        table = cls()
        kinds: dict[str, set[str]] = {}
        for code, name in categories:
            key = class_key(name)
            if key and name not in GENERIC_CLASS_NAMES:
                kinds.setdefault(key, set()).add(code)
        for entry in entries:
            sources = text.split_synonym_list(entry.words)
            targets = text.split_synonym_list(entry.expands_to)
            group = sources + [t for t in targets if t not in sources]
            codes = set(entry.categories.split())
            for word in sources:
                key = text.synonym_key(word)
                if not key:
                    continue
                if codes:
                    kinds.setdefault(text.stem(key), set()).update(codes)
                forms = table.expansions.setdefault(key, [])
                for other in group:
                    if text.synonym_key(other) != key and other not in forms:
                        forms.append(other)
        table.kinds = {key: frozenset(codes) for key, codes in kinds.items()}
        for forms_key, forms in list(table.expansions.items()):
            for form in [forms_key, *forms]:
                chinese = text.synonym_key(form)
                if text.is_cjk(chinese):
                    for key in text.pinyin_keys(chinese):
                        bucket = table.pinyin.setdefault(key, [])
                        if chinese not in bucket:
                            bucket.append(chinese)
        return table

    @classmethod
    def load(cls) -> "SynonymTable":
        from yiqi.registry.models import InstrumentCategory

        from .models import Synonym

        rows = (
            Synonym.objects.filter(enabled=True)
            .order_by("id")
            .values_list("words", "expands_to", "categories")
        )
        return cls.from_entries(
            [Entry(*row) for row in rows], InstrumentCategory.objects.values_list("code", "name")
        )

    def forms(self, key: str) -> list[str] | None:
        return self.expansions.get(key)

    def kinds_of(self, phrase: str) -> frozenset[str]:
        """The classification codes a phrase names (empty when it names none)."""
        key = class_key(phrase)
        return self.kinds.get(key) or self.kinds.get(text.stem(key)) or frozenset()
