"""Pages that compose several domains: the home page, the workspace, and the unit directory with its instruments."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Q
from django.views.generic import DetailView, ListView, TemplateView

from yiqi.accounts.access import access_for
from yiqi.accounts.scoping import can_see_private_details, visible_organizations
from yiqi.organizations.filters import OrganizationFilter
from yiqi.organizations.models import Organization
from yiqi.registry import summaries
from yiqi.registry.models import InstrumentCategory, RegistrationStatus
from yiqi.registry.scoping import visible_instruments

from . import readlog
from .directory import directory_units


class HomeView(TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        figures = summaries.public_figures()
        figures["units"] = directory_units(access_for(self.request.user)).count()
        return super().get_context_data(
            figures=figures,
            top_categories=InstrumentCategory.objects.filter(parent__isnull=True),
            **kwargs,
        )


class WorkspaceView(LoginRequiredMixin, TemplateView):
    template_name = "portal/workspace.html"

    def get_context_data(self, **kwargs):
        access = access_for(self.request.user)
        review = summaries.review_queue(access)
        return super().get_context_data(
            can_read_log=readlog.can_read_log(access),
            review_count=review.count(),
            review_items=review[:10],
            status_counts=summaries.status_counts(access) if access.staff_unit_ids else None,
            **summaries.deadline_lists(access, limit=10),
            **kwargs,
        )


class UnitListView(ListView):
    template_name = "portal/unit_list.html"
    paginate_by = 50

    def get_queryset(self):
        units = directory_units(access_for(self.request.user))
        return (
            OrganizationFilter(self.request.GET, queryset=units)
            .qs.select_related("region", "supervising_department")
            .annotate(
                published=Count(
                    "instruments", filter=Q(instruments__registration_status=RegistrationStatus.PUBLISHED)
                )
            )
            .order_by("name")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(kinds=Organization.Kind.choices, **kwargs)


class UnitDetailView(DetailView):
    template_name = "portal/unit_detail.html"

    def get_queryset(self):
        return visible_organizations(access_for(self.request.user)).select_related(
            "region__parent", "supervising_department"
        )

    def get_context_data(self, **kwargs):
        access = access_for(self.request.user)
        unit = self.object
        return super().get_context_data(
            private=can_see_private_details(access, unit),
            sub_units=unit.sub_units.all(),
            instruments=visible_instruments(access)
            .filter(unit=unit)
            .select_related("unit", "category")
            .order_by("-original_value")[:50],
            **kwargs,
        )


class ReadLogView(LoginRequiredMixin, ListView):
    """Who downloaded results files and usage evidence, who exported lists: the unit admins' units, or everything
    for the platform authority."""

    template_name = "portal/read_log.html"
    paginate_by = 50

    def get_queryset(self):
        return readlog.visible_read_log(access_for(self.request.user))

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = readlog.read_log_rows(context["page_obj"].object_list)
        return context
