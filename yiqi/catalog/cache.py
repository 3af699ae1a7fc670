"""Facet and sort columns of every indexed document, held in each process's memory.

Counting nine facets over tens of thousands of matches with GROUP BY queries takes hundreds of milliseconds;
counting them from in-memory columns with numpy (``bincount`` over small integer codes) takes one or two. The columns are loaded once per process from
``SearchDocument`` and kept current from ``IndexChange``, an append-only log read with one indexed query per
search (``id > low water``). Change ids may commit out of order (PostgreSQL sequences), so ids above the low
water mark that were already applied are remembered and a gap is waited for up to ``GAP_TIMEOUT`` seconds
(a rolled-back transaction leaves a gap for ever) before the mark moves past it.
"""

import threading
import time
import zlib
from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.db.models import Max
from django.utils.translation import gettext_lazy

from yiqi.organizations.models import Organization, Region
from yiqi.registry.models import Instrument, InstrumentCategory

from .models import IndexChange, SearchDocument
from .synonyms import SynonymTable

LOOKBACK = 100  # change ids below the newest that may still be in flight when everything is (re)loaded
GAP_TIMEOUT = 60.0
MAX_CHANGES = 5000  # more pending changes than this: reload everything

# Value bands in CNY: key, label, lower bound (inclusive).
VALUE_BANDS = (
    ("lt50", gettext_lazy("50万元以下"), 0),
    ("50-200", gettext_lazy("50–200万元"), 500_000_00),
    ("200-500", gettext_lazy("200–500万元"), 2_000_000_00),
    ("ge500", gettext_lazy("500万元及以上"), 5_000_000_00),
)
SERVICE_MODES = (
    ("self_operation", gettext_lazy("可自主上机")),
    ("commissioned_testing", gettext_lazy("可委托测试")),
)
DOMESTIC_KINDS = (
    ("made_in_china", gettext_lazy("国产仪器")),
    ("original", gettext_lazy("国产原创")),
    ("core_parts", gettext_lazy("核心部件国产替代")),
)
SHARING_RANK = {"external": 0, "internal": 1, "not_shared": 2}
STATUS_RANK = {"normal": 0, "idle": 1, "under_repair": 2, "to_be_scrapped": 3, "scrapped": 4}
MAX_QUALITY = 1000

COLUMNS = (
    "id",
    "name",
    "name_en",
    "model",
    "category",
    "region",
    "unit_id",
    "unit_name",
    "unit_kind",
    "original_value",
    "offers_self_operation",
    "offers_commissioned_testing",
    "made_in_china",
    "domestic_original",
    "domestic_core_parts",
    "sharing_mode",
    "operating_status",
    "published_at",
    "quality",
    "free_minutes",
    "dirty",
)


def value_band(cents: int) -> str:
    band = VALUE_BANDS[0][0]
    for key, _, low in VALUE_BANDS:
        if cents >= low:
            band = key
    return band


class DocumentCache:
    def __init__(self):
        self.lock = threading.RLock()
        self.loaded = False
        self.low_water = 0
        self.applied: set[int] = set()
        self.gap_since: dict[int, float] = {}
        self.version = 0
        self.derived: dict = {}  # caches valid for one version (sort orders, browse facets)
        self.synonyms: SynonymTable | None = None
        self._reset()

    def _reset(self):
        self.slot: dict[int, int] = {}  # instrument id → slot (row of the columns)
        self.free: list[int] = []
        self.ids: list[int] = []  # 0 in a free slot
        # Facet columns hold small integer codes into ``vocab`` (one vocabulary per kind of value), so that
        # numpy counts them with bincount and filters them through a lookup table.
        self.vocab: dict[str, Vocabulary] = {
            "category": Vocabulary(),  # leaf, middle and top class codes
            "region": Vocabulary(),  # region, city and province codes
            "unit": Vocabulary(),  # unit ids
            "name": Vocabulary(),  # normalised instrument names
            "name_en": Vocabulary(),
            "model": Vocabulary(),
            "unit_kind": Vocabulary(),
            "value_band": Vocabulary(k for k, _, _ in VALUE_BANDS),
            "sharing_mode": Vocabulary(Instrument.SharingMode.values),
            "operating_status": Vocabulary(Instrument.OperatingStatus.values),
        }
        self.columns: dict[str, list] = {name: [] for name in COLUMN_VOCAB}
        self.unit_names: dict[int, str] = {}
        self.labels: dict[str, dict] = {}
        self.dirty: set[int] = set()  # documents whose postings are delta rows, not block entries

    # -- keeping current ----------------------------------------------------------------------------------------

    def current(self) -> "Snapshot":
        """Catch up with the index and hand out this version's columns: searches read them without a lock."""
        with self.lock:
            self.sync()
            snapshot = self.derived.get("snapshot")
            if snapshot is None:
                snapshot = self.derived["snapshot"] = Snapshot(
                    version=self.version,
                    arrays=self.arrays(),
                    vocab=self.vocab,
                    dirty=frozenset(self.dirty),
                    derived=self.derived,
                    synonyms=self.get_synonyms(),
                    cache=self,
                )
            return snapshot

    def sync(self) -> None:
        with self.lock:
            if not self.loaded:
                return self._load_all()
            table = connection.ops.quote_name(IndexChange._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT id, instrument_id FROM {table} WHERE id > %s ORDER BY id LIMIT %s",
                    [self.low_water, MAX_CHANGES + 1],
                )
                rows = cursor.fetchall()
            if len(rows) > MAX_CHANGES:
                return self._load_all()
            new = [(cid, iid) for cid, iid in rows if cid not in self.applied]
            if not new:
                return self._advance()
            if any(iid == IndexChange.RELOAD_ALL for _, iid in new):
                return self._load_all()
            if any(iid == IndexChange.SYNONYMS for _, iid in new):
                self.synonyms = None
                self._changed()  # cached matches used the old synonyms
            docs = {iid for _, iid in new if iid > 0}
            if docs:
                self._reload(docs)
            self.applied.update(cid for cid, _ in new)
            self._advance()

    def _advance(self) -> None:
        now = time.monotonic()
        while True:
            following = self.low_water + 1
            if following in self.applied:
                self.applied.discard(following)
                self.gap_since.pop(following, None)
                self.low_water = following
                continue
            if self.applied and max(self.applied) > following:
                since = self.gap_since.setdefault(following, now)
                if now - since >= GAP_TIMEOUT:
                    self.gap_since.pop(following, None)
                    self.low_water = following
                    continue
            break

    def _load_all(self) -> None:
        newest = IndexChange.objects.aggregate(m=Max("id"))["m"] or 0
        recent = IndexChange.objects.filter(id__gt=newest - LOOKBACK).values_list("id", flat=True)
        self._reset()
        self._load_labels()
        for row in SearchDocument.objects.order_by("id").values_list(*COLUMNS).iterator(chunk_size=5000):
            self._put(row)
        self.low_water = max(0, newest - LOOKBACK)
        self.applied = set(recent)
        self.gap_since = {}
        self.synonyms = None
        self.loaded = True
        self._changed()
        self._advance()

    def _reload(self, ids: set[int]) -> None:
        found = set()
        for row in SearchDocument.objects.filter(id__in=sorted(ids)).values_list(*COLUMNS):
            self._put(row)
            found.add(row[0])
        for doc in ids - found:
            self.dirty.discard(doc)
            slot = self.slot.pop(doc, None)
            if slot is not None:
                self.ids[slot] = 0
                self.free.append(slot)
        if any(c not in self.labels["category"] for c in self.vocab["category"].values):
            self._load_labels()
        self._changed()

    def _changed(self) -> None:
        self.version += 1
        self.derived = {}

    def _load_labels(self) -> None:
        self.labels = {
            "category": dict(InstrumentCategory.objects.values_list("code", "name")),
            "region": dict(Region.objects.values_list("code", "name")),
        }

    def _put(self, row) -> None:
        (doc, name, name_en, model, category, region, unit, unit_name, unit_kind, value, self_op, commissioned,
         made_in_china, original, core_parts, sharing, status, published, quality, free_minutes, dirty) = row  # fmt: skip
        if dirty:
            self.dirty.add(doc)
        else:
            self.dirty.discard(doc)
        cents = int(round(value * 100))
        categories, regions = self.vocab["category"], self.vocab["region"]
        values = {
            "name": self.vocab["name"].code(name),
            "name_en": self.vocab["name_en"].code(name_en),
            "model": self.vocab["model"].code(model),
            "free": free_minutes > 0,
            "leaf": categories.code(category),
            "middle": categories.code(category[:4] + "00"),
            "top": categories.code(category[:2] + "0000"),
            "region": regions.code(region),
            "city": regions.code(region[:4] + "00"),
            "province": regions.code(region[:2] + "0000"),
            "unit": self.vocab["unit"].code(unit),
            "unit_kind": self.vocab["unit_kind"].code(unit_kind),
            "value_band": self.vocab["value_band"].code(value_band(cents)),
            "sharing_mode": self.vocab["sharing_mode"].code(sharing),
            "operating_status": self.vocab["operating_status"].code(status),
            "self_operation": bool(self_op),
            "commissioned": bool(commissioned),
            "made_in_china": bool(made_in_china),
            "domestic_original": bool(original),
            "domestic_core_parts": bool(core_parts),
            "value": cents,
            "published": int(published.timestamp()) if published else 0,
            "quality": max(0, min(MAX_QUALITY, quality)),
            "sharing_rank": SHARING_RANK.get(sharing, 3),
            "status_rank": STATUS_RANK.get(status, 7),
            # A fixed pseudo-random order for the last tie: neither the oldest nor the newest always first, and the
            # same on every database (from what the record says, not its id).
            "shuffle": zlib.crc32(f"{name}\x1f{model}\x1f{unit_name}".encode()),
        }
        slot = self.slot.get(doc)
        if slot is None and self.free:
            slot = self.free.pop()
        if slot is None:
            self.slot[doc] = len(self.ids)
            self.ids.append(doc)
            for column, value in values.items():
                self.columns[column].append(value)
        else:
            self.slot[doc] = slot
            self.ids[slot] = doc
            for column, value in values.items():
                self.columns[column][slot] = value
        self.unit_names[unit] = unit_name

    # -- derived, per version -----------------------------------------------------------------------------------

    def arrays(self) -> dict[str, np.ndarray]:
        """The columns as numpy arrays, the live slots and the sort ranks (built once per version)."""
        arrays = self.derived.get("arrays")
        if arrays is None:
            arrays = {
                name: np.array(values, dtype=COLUMN_TYPES.get(name, np.int32))
                for name, values in self.columns.items()
            }
            ids = arrays["ids"] = np.array(self.ids, dtype=np.int64)
            live = np.flatnonzero(ids > 0)
            arrays["live"] = live
            # Sort ranks: position of each slot in each order (the last key first, as lexsort takes them); ties
            # end with a fixed shuffle, then the id, so both databases agree. "relevance" orders equally relevant
            # records (and the browse list): free this week, open to society, operating, rated (with a prior).
            for sort, keys in (
                ("ties", ("ids", "shuffle", "-quality", "status_rank", "sharing_rank")),
                ("relevance", ("ids", "shuffle", "-quality", "status_rank", "sharing_rank", "-free")),
                ("rating", ("ids", "shuffle", "status_rank", "sharing_rank", "-free", "-quality")),
                ("value", ("ids", "-value")),
                ("newest", ("ids", "-published")),
            ):
                order = live[
                    np.lexsort(
                        [
                            -arrays[k[1:]][live].astype(np.int64) if k[0] == "-" else arrays[k][live]
                            for k in keys
                        ]
                    )
                ]
                rank = np.full(len(ids), len(ids), dtype=np.int64)
                rank[order] = np.arange(len(order))
                arrays[f"order_{sort}"], arrays[f"rank_{sort}"] = order, rank
            order_ids = np.argsort(ids[live], kind="stable")
            arrays["sorted_ids"], arrays["sorted_slots"] = ids[live][order_ids], live[order_ids]
            self.derived["arrays"] = arrays
        return arrays

    def get_synonyms(self) -> SynonymTable:
        if self.synonyms is None:
            self.synonyms = SynonymTable.load()
        return self.synonyms

    # -- labels ---------------------------------------------------------------------------------------------------

    def label(self, facet: str, value) -> str:
        if facet in ("top_class", "middle_class"):
            return self.labels["category"].get(value, value)
        if facet == "city":
            return self.labels["region"].get(value, value)
        if facet == "unit":
            return self.unit_names.get(int(value), str(value)) if str(value).isdigit() else str(value)
        choices = _choice_labels().get(facet)
        if choices is not None:
            return str(choices.get(value, value))
        return str(value)


def _choice_labels() -> dict[str, dict]:
    """Labels of the fixed facet values (lazy strings: translated when shown)."""
    return {
        "unit_kind": dict(Organization.Kind.choices),
        "value_band": {k: label for k, label, _ in VALUE_BANDS},
        "service_mode": dict(SERVICE_MODES),
        "sharing_mode": dict(Instrument.SharingMode.choices),
        "operating_status": dict(Instrument.OperatingStatus.choices),
        "free_this_week": {"yes": gettext_lazy("7天内有空闲时段")},
        "domestic": dict(DOMESTIC_KINDS),
    }


@dataclass(frozen=True)
class Snapshot:
    """One version of the columns. Vocabularies only ever grow, so codes read from ``arrays`` stay valid."""

    version: int
    arrays: dict
    vocab: dict
    dirty: frozenset
    derived: dict  # caches of this version (matches, browse counts); replaced, never cleared, on change
    synonyms: SynonymTable
    cache: "DocumentCache"

    def label(self, facet: str, value) -> str:
        return self.cache.label(facet, value)


class Vocabulary:
    """Values of one kind and their small integer codes, in order of first appearance."""

    def __init__(self, values=()):
        self.values: list = []
        self.index: dict = {}
        for value in values:
            self.code(value)

    def code(self, value) -> int:
        code = self.index.get(value)
        if code is None:
            code = self.index[value] = len(self.values)
            self.values.append(value)
        return code

    def table(self, wanted) -> np.ndarray:
        """A boolean lookup table over the codes: True for the wanted values."""
        table = np.zeros(len(self.values) + 1, dtype=bool)
        table[[self.index[v] for v in wanted if v in self.index]] = True
        return table


# Code columns kept per slot; which vocabulary each refers to.
COLUMN_VOCAB = {
    "name": "name",
    "name_en": "name_en",
    "model": "model",
    "free": None,
    "shuffle": None,
    "leaf": "category",
    "middle": "category",
    "top": "category",
    "region": "region",
    "city": "region",
    "province": "region",
    "unit": "unit",
    "unit_kind": "unit_kind",
    "value_band": "value_band",
    "sharing_mode": "sharing_mode",
    "operating_status": "operating_status",
    "self_operation": None,
    "commissioned": None,
    "made_in_china": None,
    "domestic_original": None,
    "domestic_core_parts": None,
    "value": None,
    "published": None,
    "quality": None,
    "sharing_rank": None,
    "status_rank": None,
}
COLUMN_TYPES = {
    "free": np.bool_,
    "shuffle": np.int64,
    "self_operation": np.bool_,
    "commissioned": np.bool_,
    "made_in_china": np.bool_,
    "domestic_original": np.bool_,
    "domestic_core_parts": np.bool_,
    "value": np.int64,
    "published": np.int64,
}


documents = DocumentCache()
