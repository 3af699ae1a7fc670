"""The public catalogue: search results with facets, as pages and as the API."""

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from yiqi.accounts.access import access_for
from yiqi.organizations.models import Organization

from . import domestic
from .labels import FACET_TITLES, SORT_LABELS
from .other_resources import (
    RESOURCE_FACET_TITLES,
    clean_filters,
    other_resource_kinds,
    search_resources,
)
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


class ResourcePage(forms.Form):
    q = forms.CharField(required=False, max_length=200)
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)


def resource_search_from_params(params):
    """The resource search a page's or the API's GET parameters describe (bad paging falls to the first page)."""
    paging = ResourcePage(params)
    chosen = paging.cleaned_data if paging.is_valid() else {}
    return search_resources(
        chosen.get("q") or "", filters=clean_filters(params), page=chosen.get("page") or 1
    )


class ResourceCatalogView(TemplateView):
    """Science data, literature, reports and natural resources in the public catalogue, each kind with its facets."""

    template_name = "catalog/resources.html"

    def get_context_data(self, **kwargs):
        result = resource_search_from_params(self.request.GET)
        facets = [
            (key, RESOURCE_FACET_TITLES[key], values) for key, values in result.facets.items() if values
        ]
        return super().get_context_data(result=result, facets=facets, **kwargs)


class DomesticQuery(forms.Form):
    """The showcase's and the share's parameters; a bad one is a field error, not a silent default."""

    kind = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部国产仪器")), *domestic.FLAG_CHOICES]
    )
    top_class = forms.RegexField(label=_("仪器大类"), required=False, regex=r"\A[0-9]{2}\Z")
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year and year > timezone.localdate().year:
            raise forms.ValidationError(_("年度不能晚于今年。"))
        return year or timezone.localdate().year


class DomesticShowcaseView(TemplateView):
    """The public showcase of domestic instruments with their use figures and ratings."""

    template_name = "catalog/domestic_showcase.html"

    def get_context_data(self, **kwargs):
        query = DomesticQuery(self.request.GET)
        choice = query.cleaned_data if query.is_valid() else {}
        page = domestic.showcase(
            kind=choice.get("kind", ""),
            top_class=choice.get("top_class", ""),
            page=self.request.GET.get("page"),
        )
        return super().get_context_data(query=query, classes=domestic.top_classes(), **page, **kwargs)


class DomesticShareView(LoginRequiredMixin, TemplateView):
    """The domestic share by class, value and hours: the province for the authority, a department's units."""

    template_name = "catalog/domestic_share.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not domestic.sees_domestic_share(access_for(request.user)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        query = DomesticQuery(self.request.GET)
        year = query.cleaned_data["year"] if query.is_valid() else timezone.localdate().year
        share = domestic.domestic_share(domestic.share_units(access_for(self.request.user)), year)
        return super().get_context_data(query=query, share=share, **kwargs)
