"""The catalogue's other kinds of S&T resources (science data, literature, reports, natural resources): one
``ResourceDocument`` per published resource with its own facet columns, kept current from the resources'
``resources_published_changed`` signal (and rebuilt with the instrument index), and found by the same text
analysis as instruments. The one place the catalogue reads ``yiqi.resources``; the instrument search and its
ranking do not change.

A few thousand documents at most: a query's words are matched by scanning the space-delimited ``terms`` column
(every CJK bigram of a Chinese word, every form of a Latin word), and each facet is one GROUP BY.
"""

import math
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from yiqi.resources.models import AccessLevel, Licence, NaturalKind, Resource, ResourceKind, ResourceStatus

from . import text
from .models import ResourceDocument
from .query import units_of

# The facets, the kinds each belongs to (None: every kind), and their value labels (None: the value is its label).
RESOURCE_FACETS = {
    "kind": (None, ResourceKind),
    "subject": (None, None),
    "access_level": (None, AccessLevel),
    "licence": ((ResourceKind.DATASET,), Licence),
    "data_format": ((ResourceKind.DATASET,), None),
    "natural_kind": ((ResourceKind.NATURAL,), NaturalKind),
    "species": ((ResourceKind.NATURAL,), None),
}
RESOURCE_FACET_TITLES = {
    "kind": _("资源类别"),
    "subject": _("学科领域"),
    "access_level": _("开放方式"),
    "licence": _("许可协议"),
    "data_format": _("数据格式"),
    "natural_kind": _("资源库类型"),
    "species": _("物种/类别"),
}
BADGES = ("kind", "access_level", "licence", "data_format", "natural_kind")
TEXT_FIELDS = (
    "name",
    "description",
    "subject",
    "keywords",
    "authors",
    "source_title",
    "collection",
    "species",
)
FACET_VALUES_SHOWN = 20
MAX_VALUES_PER_FACET = 20
MAX_VALUE_LENGTH = 200
PAGE_SIZE = 20
MAX_PAGE = 10_000

# -- indexing ---------------------------------------------------------------------------------------------------


def _terms(resource: Resource) -> str:
    found: set[str] = set()
    for name in TEXT_FIELDS:
        found.update(term for term, _count in text.analyze(getattr(resource, name) or "", True))
    return f" {' '.join(sorted(found))} " if found else ""


def _document(resource: Resource) -> ResourceDocument:
    return ResourceDocument(
        id=resource.pk,
        kind=resource.kind,
        name=resource.name,
        description=(resource.description or "")[:300],
        unit_id=resource.unit_id,
        unit_name=resource.unit.name[:100],
        subject=resource.subject,
        access_level=resource.access_level,
        licence=resource.licence,
        data_format=resource.data_format,
        natural_kind=resource.natural_kind,
        species=resource.species,
        year=resource.year,
        published_at=resource.published_at,
        terms=_terms(resource),
    )


@transaction.atomic
def reindex_resources(ids) -> None:
    """Index the published ones among these resources and drop the others (withdrawn, deleted, back in review)."""
    ids = sorted({int(i) for i in ids if i})
    published = Resource.objects.filter(pk__in=ids, status=ResourceStatus.PUBLISHED).select_related("unit")
    ResourceDocument.objects.filter(id__in=ids).delete()
    ResourceDocument.objects.bulk_create([_document(resource) for resource in published])


@transaction.atomic
def rebuild_resource_index() -> int:
    """Every published resource afresh (with the nightly instrument build); returns the number indexed."""
    ResourceDocument.objects.all().delete()
    published = Resource.objects.filter(status=ResourceStatus.PUBLISHED).select_related("unit")
    return len(
        ResourceDocument.objects.bulk_create((_document(r) for r in published.iterator()), batch_size=500)
    )


# -- searching --------------------------------------------------------------------------------------------------


def _word_clause(word: str, kind: str) -> Q:
    """A document holds the word: every bigram of a Chinese word (the word is in its text), any form of a Latin one."""
    if kind == "cjk":
        grams = text.bigrams(word) or [word]
        clause = Q()
        for gram in grams:
            clause &= Q(terms__contains=f" {gram} " if len(gram) > 1 else gram)
        return clause
    forms = text.latin_forms(word) or [word]
    clause = Q()
    for form in forms:
        clause |= Q(terms__contains=f" {form} ")
    return clause


def matching(query: str) -> QuerySet[ResourceDocument]:
    """Documents holding every word of the query."""
    rows = ResourceDocument.objects.all()
    for unit in units_of(query if isinstance(query, str) else ""):
        rows = rows.filter(_word_clause(unit.text, unit.kind))
    return rows


def other_resource_kinds(query: str) -> list[dict]:
    """How many published resources of each kind match ``query`` (one query), for the instrument results page."""
    counts = dict(matching(query).values_list("kind").annotate(n=Count("id")).order_by())
    return [
        {"kind": kind, "label": label, "count": counts[kind]}
        for kind, label in ResourceKind.choices
        if counts.get(kind)
    ]


@dataclass
class ResourceFacetValue:
    value: str
    label: str
    count: int
    chosen: bool


@dataclass
class ResourceResult:
    query: str
    filters: dict[str, list[str]]
    total: int
    page: int
    documents: list[ResourceDocument]
    facets: dict[str, list[ResourceFacetValue]] = field(default_factory=dict)
    page_size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))


def clean_filters(params) -> dict[str, list[str]]:
    """The facet filters among ``params`` (a QueryDict or a dict of lists); unknown keys are ignored, values of a
    choice facet outside its choices are dropped (they match nothing)."""
    filters = {}
    for name, (_kinds, choices) in RESOURCE_FACETS.items():
        values = params.getlist(name) if hasattr(params, "getlist") else params.get(name) or []
        values = [str(v).strip()[:MAX_VALUE_LENGTH] for v in values[:MAX_VALUES_PER_FACET] if str(v).strip()]
        if choices is not None:
            values = [v for v in values if v in choices.values]
        if values:
            filters[name] = sorted(set(values))
    return filters


def _labelled(name: str, value: str) -> str:
    choices = RESOURCE_FACETS[name][1]
    return str(choices(value).label) if choices is not None and value in choices.values else value


def _facet_applies(name: str, kinds: list[str]) -> bool:
    applies_to = RESOURCE_FACETS[name][0]
    return applies_to is None or not kinds or any(kind in applies_to for kind in kinds)


def search_resources(query: str = "", *, filters: dict[str, list[str]], page: int = 1) -> ResourceResult:
    """Published resources matching the query and the chosen facet values, newest first, with each facet's
    counts under the other choices; a kind's own facets appear once that kind is chosen (or when nothing is).
    A fixed number of queries, whatever the rows."""
    base = matching(query)
    kinds = filters.get("kind", [])
    facets = {}
    for name in RESOURCE_FACETS:
        if not _facet_applies(name, kinds):
            continue
        others = base.filter(**{f"{k}__in": v for k, v in filters.items() if k != name})
        counts = (
            others.exclude(**{name: ""})
            .values_list(name)
            .annotate(n=Count("id"))
            .order_by("-n", name)[:FACET_VALUES_SHOWN]
        )
        chosen = set(filters.get(name, ()))
        facets[name] = [ResourceFacetValue(v, _labelled(name, v), n, v in chosen) for v, n in counts]
    rows = base.filter(**{f"{k}__in": v for k, v in filters.items()})
    total = rows.count()
    page = min(max(1, page), MAX_PAGE)
    start = (page - 1) * PAGE_SIZE
    documents = list(rows.order_by("-published_at", "-id").defer("terms")[start : start + PAGE_SIZE])
    for document in documents:  # what a result shows of its kind and terms of use, in the request's language
        document.badges = [
            (name, _labelled(name, getattr(document, name))) for name in BADGES if getattr(document, name)
        ]
    return ResourceResult(query, filters, total, page, documents, facets)
