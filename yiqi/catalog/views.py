"""The public catalogue: search results with facets, as pages and as the API."""

from django.http import QueryDict
from django.views.generic import TemplateView

from yiqi.accounts.access import access_for
from yiqi.organizations.models import Organization

from .labels import FACET_TITLES, SORT_LABELS
from .other_resources import other_resource_kinds
from .search import FILTERS, search

PAGE_SIZE = 20


def search_from_params(params: QueryDict, user=None, page_size: int = PAGE_SIZE):
    """Run a search described by GET parameters (the shareable URL of a search state). Equally relevant
    records near the user come first: ``near`` (a region code) or the region of the user's organisation."""
    filters = {key: params.getlist(key) for key in FILTERS if params.getlist(key)}
    return search(
        params.get("q", ""),
        filters=filters,
        sort=params.get("sort", "relevance"),
        page=params.get("page", 1),
        page_size=params.get("page_size", page_size),
        near=params.get("near") or home_region(user),
    )


def home_region(user) -> str:
    """The region of the (first) organisation the user belongs to; empty when unknown."""
    if user is None or not user.is_authenticated:
        return ""
    organizations = sorted(access_for(user).member_organization_ids)
    if not organizations:
        return ""
    return Organization.objects.filter(pk=organizations[0]).values_list("region_id", flat=True).first() or ""


def search_query_string(query: str, filters: dict[str, list[str]]) -> str:
    params = QueryDict(mutable=True)
    if query:
        params["q"] = query
    for key, values in sorted(filters.items()):
        params.setlist(key, values)
    return "?" + params.urlencode()


class CatalogSearchView(TemplateView):
    template_name = "catalog/search.html"

    def get_context_data(self, **kwargs):
        result = search_from_params(self.request.GET, self.request.user)
        for suggestion in result.suggestions:
            suggestion.url = search_query_string(suggestion.query, suggestion.filters)
        facets = [
            (key, FACET_TITLES[key], values, set(result.filters.get(key, ())))
            for key, values in result.facets.items()
            if values
        ]
        return super().get_context_data(
            result=result,
            facets=facets,
            sorts=SORT_LABELS.items(),
            has_filters=bool(result.filters),
            other_resources=other_resource_kinds(self.request.GET.get("q", "")),
            **kwargs,
        )
