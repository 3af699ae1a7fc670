from django.db.models import Count, Q
from django.views.generic import DetailView, ListView

from yiqi.accounts.access import access_for
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.scoping import visible_instruments

from .filters import OrganizationFilter
from .models import Organization
from .scoping import can_see_private_details, visible_organizations


class UnitListView(ListView):
    template_name = "organizations/unit_list.html"
    paginate_by = 50

    def get_queryset(self):
        units = visible_organizations(access_for(self.request.user), Organization.objects.management_units())
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
    template_name = "organizations/unit_detail.html"

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
