"""Search index tables and the synonym dictionary.

The index is plain tables, so it works the same on SQLite and PostgreSQL:

* ``SearchTerm``: the vocabulary (normalised words, bigrams, Latin tokens) with document frequencies;
* ``PostingBlock``: per term, the packed postings ``(document, weight)`` of the last full build;
* ``SearchPosting``: ``(term, document, weight)`` rows for documents re-indexed since then, read by term
  through a covering index (an append-only delta, folded into the blocks by the next full build);
* ``SearchDocument``: one denormalised row per *published* instrument with its facet and sort columns and
  its own terms (the forward index, to update document frequencies and postings incrementally);
* ``PinyinKey`` / ``SpellKey``: full pinyin and initials of Chinese name words, and one-deletion keys of Latin
  words (SymSpell) for typo tolerance;
* ``IndexChange``: an append-only log that tells every process which documents to reload into its facet cache.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Synonym(models.Model):
    """A group of words that mean the same instrument (or, one way, words that expand to others)."""

    words = models.CharField(
        _("同义词"),
        max_length=500,
        help_text=_("以逗号分隔，例如：SEM, 扫描电镜, 扫描电子显微镜。检索任一词时同时检索其余各词。"),
    )
    expands_to = models.CharField(
        _("单向扩展为"),
        max_length=500,
        blank=True,
        help_text=_("可选，以逗号分隔。填写后为单向：检索“同义词”中的词时也检索这些词，反之不然。"),
    )
    categories = models.CharField(
        _("对应分类"),
        max_length=200,
        blank=True,
        help_text=_(
            "以空格分隔的仪器分类代码（小类或中类），例如：010102。检索这些词时，该分类的仪器排在前面。"
        ),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    enabled = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("检索同义词")
        verbose_name_plural = _("检索同义词")
        ordering = ["id"]

    def __str__(self):
        return self.words if not self.expands_to else f"{self.words} → {self.expands_to}"

    def clean(self):
        from .text import split_synonym_list

        if not split_synonym_list(self.words):
            raise ValidationError({"words": _("请至少填写一个词。")})
        if not self.expands_to and not self.categories and len(split_synonym_list(self.words)) < 2:
            raise ValidationError({"words": _("同义词组至少需要两个词，或填写“单向扩展为”或“对应分类”。")})
        codes = split_codes(self.categories)
        if codes:
            from yiqi.registry.models import InstrumentCategory

            known = set(InstrumentCategory.objects.filter(code__in=codes).values_list("code", flat=True))
            unknown = [code for code in codes if code not in known]
            if unknown:
                raise ValidationError(
                    {"categories": _("未知的分类代码：%(codes)s") % {"codes": "、".join(unknown)}}
                )
        self.categories = " ".join(codes)


def split_codes(value: str) -> list[str]:
    """Classification codes written with spaces or commas between them, in order, each once."""
    return list(dict.fromkeys(re.findall(r"\d{6}", value or "")))


class SearchTerm(models.Model):
    text = models.CharField(max_length=64, unique=True)
    df = models.IntegerField(default=0)  # number of indexed documents holding the term

    def __str__(self):
        return self.text


class PostingBlock(models.Model):
    """All postings of one term as of the last full build, packed: read in one row, decoded in C.

    ``docs`` holds little-endian int64 document ids in ascending order, ``weights`` the matching int16 weights.
    Documents changed since the build are *dirty*: their block entries are ignored and their current postings
    are rows of ``SearchPosting``.
    """

    term = models.IntegerField(primary_key=True)  # SearchTerm id
    docs = models.BinaryField()
    weights = models.BinaryField()

    def __str__(self):
        return f"block {self.term}"


class SearchPosting(models.Model):
    """Postings of the documents re-indexed since the last full build (the dirty ones)."""

    pk = models.CompositePrimaryKey("doc", "term")
    doc = models.BigIntegerField()  # Instrument id
    term = models.IntegerField()  # SearchTerm id
    weight = models.SmallIntegerField()  # field-weighted, saturated term frequency (×100)

    class Meta:
        indexes = [models.Index(fields=["term", "doc", "weight"], name="catalog_posting_term")]

    def __str__(self):
        return f"{self.term}@{self.doc}"


class SearchDocument(models.Model):
    """A published instrument as the search sees it: facet values and sort keys, no joins needed."""

    id = models.BigIntegerField(primary_key=True)  # Instrument id
    name = models.CharField(max_length=100)  # normalised (lower case, NFKC): is the record the kind asked for
    name_en = models.CharField(max_length=200, default="")  # normalised, likewise
    model = models.CharField(max_length=100, default="")  # identical instruments at one unit collapse
    category = models.CharField(max_length=6)
    region = models.CharField(max_length=6)  # the management unit's region
    unit_id = models.BigIntegerField()
    unit_name = models.CharField(max_length=100)
    unit_kind = models.CharField(max_length=20)
    original_value = models.DecimalField(max_digits=14, decimal_places=2)
    offers_self_operation = models.BooleanField()
    offers_commissioned_testing = models.BooleanField()
    # Domestic instruments (the catalogue's "国产仪器" facet): made in China, original design, core parts replaced.
    made_in_china = models.BooleanField(default=False)
    domestic_original = models.BooleanField(default=False)
    domestic_core_parts = models.BooleanField(default=False)
    sharing_mode = models.CharField(max_length=20)
    operating_status = models.CharField(max_length=20)
    published_at = models.DateTimeField(null=True)
    # Users' ratings (feedback.services.quality_signal, 0–1000): higher ranks earlier among equal scores.
    quality = models.IntegerField(default=0)
    # Free bookable minutes in the coming seven days (``availability.refresh_free_slots``, run periodically).
    free_minutes = models.IntegerField(default=0)
    terms = models.BinaryField()  # forward index: packed int32 term ids and int16 weights
    dirty = models.BooleanField(default=False)  # re-indexed since the last build: postings in SearchPosting

    def __str__(self):
        return self.name


class PinyinKey(models.Model):
    key = models.CharField(max_length=64)  # "zhipuyi" or initials "zpy"
    text = models.CharField(max_length=64)  # the Chinese words it stands for: "质谱仪"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "text"], name="catalog_pinyin_unique")]

    def __str__(self):
        return f"{self.key} → {self.text}"


class SpellKey(models.Model):
    key = models.CharField(max_length=40)  # a Latin term or the term with one letter deleted
    term = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "term"], name="catalog_spell_unique")]

    def __str__(self):
        return f"{self.key} → {self.term}"


class IndexChange(models.Model):
    """``instrument_id`` > 0: reload that document; 0: reload everything; -1: synonyms changed."""

    id = models.BigAutoField(primary_key=True)
    instrument_id = models.BigIntegerField()

    RELOAD_ALL = 0
    SYNONYMS = -1

    def __str__(self):
        return f"{self.pk}: {self.instrument_id}"


class ResourceDocument(models.Model):
    """A published S&T resource (data set, literature, report, natural resource) as the catalogue finds it: its
    kind, its own facet columns and its analysed terms. Few enough to be matched by a scan of ``terms``."""

    id = models.BigIntegerField(primary_key=True)  # Resource id
    kind = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    description = models.CharField(max_length=300, default="")  # the start of the description, for the list
    unit_id = models.BigIntegerField()
    unit_name = models.CharField(max_length=100)
    subject = models.CharField(max_length=100, default="")
    access_level = models.CharField(max_length=20, default="")
    licence = models.CharField(max_length=20, default="")
    data_format = models.CharField(max_length=50, default="")
    natural_kind = models.CharField(max_length=20, default="")
    species = models.CharField(max_length=200, default="")
    year = models.IntegerField(null=True)
    published_at = models.DateTimeField(null=True)
    terms = models.TextField(default="")  # " term term … ": every analysed term once, space-delimited

    class Meta:
        indexes = [models.Index(fields=["kind", "-published_at", "-id"], name="catalog_resource_kind")]

    def __str__(self):
        return self.name
