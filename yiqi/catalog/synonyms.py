"""The synonym dictionary: the shipped file, and the table the platform authority edits."""

from dataclasses import dataclass, field
from pathlib import Path

from . import text

SYNONYM_FILE = text.DATA_DIR / "synonyms.txt"
MAX_SPAN_UNITS = 6  # longest synonym entry, in query units (words / Latin tokens)


def parse_synonym_lines(lines) -> list[tuple[str, str]]:
    """``(words, expands_to)`` per non-comment line of the synonyms file (``a, b => c, d`` is one way)."""
    entries = []
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        words, _, targets = line.partition("=>")
        entries.append(
            (", ".join(text.split_synonym_list(words)), ", ".join(text.split_synonym_list(targets)))
        )
    return entries


def shipped_entries(path: Path = SYNONYM_FILE) -> list[tuple[str, str]]:
    return parse_synonym_lines(path.read_text(encoding="utf-8").splitlines())


@dataclass
class SynonymTable:
    """Query-time lookups: a chunk's key → the other forms to search for; pinyin key → Chinese forms."""

    expansions: dict[str, list[str]] = field(default_factory=dict)
    pinyin: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_entries(cls, entries) -> "SynonymTable":
        table = cls()
        for words, targets in entries:
            sources = text.split_synonym_list(words)
            targets = text.split_synonym_list(targets)
            group = sources + [t for t in targets if t not in sources]
            for word in sources:
                key = text.synonym_key(word)
                if not key:
                    continue
                forms = table.expansions.setdefault(key, [])
                for other in group:
                    if text.synonym_key(other) != key and other not in forms:
                        forms.append(other)
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
        from .models import Synonym

        return cls.from_entries(
            Synonym.objects.filter(enabled=True).order_by("id").values_list("words", "expands_to")
        )

    def forms(self, key: str) -> list[str] | None:
        return self.expansions.get(key)
