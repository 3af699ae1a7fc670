"""Pages that compose several domains: the home page, the workspace, and the unit directory with its instruments."""

from functools import partial

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Q
from django.views.generic import DetailView, ListView, TemplateView

from yiqi.accounts.access import access_for
from yiqi.accounts.scoping import can_see_private_details, visible_organizations
from yiqi.booking import services as booking
from yiqi.core.memo import ask
from yiqi.feedback import services as feedback
from yiqi.fees import services as fees
from yiqi.orders import services as orders
from yiqi.organizations.filters import OrganizationFilter
from yiqi.organizations.models import Organization
from yiqi.registry import summaries
from yiqi.registry.models import InstrumentCategory, RegistrationStatus
from yiqi.registry.scoping import visible_instruments
from yiqi.usage import presenters as usage

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


# The workspace's panels' counts, as questions each panel's presenter answers from (``memo.answers``).
WORKSPACE_COUNTS = (
    summaries.workspace_counts,
    booking.booking_workspace_counts,
    orders.order_workspace_counts,
    fees.fee_workspace_counts,
    usage.usage_workspace_counts,
    feedback.feedback_workspace_counts,
)


class WorkspaceView(LoginRequiredMixin, TemplateView):
    template_name = "portal/workspace.html"

    def get_context_data(self, **kwargs):
        access = access_for(self.request.user)
        # Every panel's counts are asked now and answered in one read with the page's frame; the page's own are
        # callables the template calls, so that nothing asks before the frame does.
        for counts in WORKSPACE_COUNTS:
            ask(counts(access))
        return super().get_context_data(
            can_read_log=readlog.can_read_log(access),
            review_count=partial(summaries.review_count, access),
            review_items=summaries.review_queue(access)[:10],
            status_counts=partial(summaries.status_counts, access) if access.staff_unit_ids else None,
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
