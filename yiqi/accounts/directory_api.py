"""Read-only directory API: regions, supervising departments, organisations and their sub-units.

Management units, departments, regions and sub-units are public directory data. An organisation's credit code and
address are shown only to platform admins, its own members and the department admins supervising it; organisations
that are not management units (enterprises that registered to use instruments) are visible only to platform admins
and their own members. It lives here, above ``organizations``, because who sees what is decided by ``Access``.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets

from yiqi.organizations.filters import DepartmentFilter, OrganizationFilter, RegionFilter, SubUnitFilter
from yiqi.organizations.models import Department, Organization, Region, SubUnit

from .access import AccessMixin, access_for
from .scoping import can_see_private_details, visible_organizations

# --- serializers ------------------------------------------------------------------------------------------------


class RegionSerializer(serializers.ModelSerializer):
    level = serializers.ChoiceField(choices=Region.Level.choices, read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "parent", "level"]


class DepartmentSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Department
        fields = ["id", "name", "region", "region_name"]


class OrganizationSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    supervising_department_name = serializers.CharField(
        source="supervising_department.name", read_only=True, allow_null=True
    )
    credit_code = serializers.SerializerMethodField(
        help_text=_("统一社会信用代码；仅平台管理员、本单位人员和主管部门管理员可见，其他人为 null。")
    )
    address = serializers.SerializerMethodField(
        help_text=_("地址；仅平台管理员、本单位人员和主管部门管理员可见，其他人为 null。")
    )

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "credit_code",
            "region",
            "region_name",
            "address",
            "postcode",
            "website",
            "is_management_unit",
            "supervising_department",
            "supervising_department_name",
        ]

    def _shows_private(self, organization: Organization) -> bool:
        return can_see_private_details(self.context["access"], organization)

    def get_credit_code(self, organization: Organization) -> str | None:
        return organization.credit_code if self._shows_private(organization) else None

    def get_address(self, organization: Organization) -> str | None:
        return organization.address if self._shows_private(organization) else None


class SubUnitSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = SubUnit
        fields = ["id", "unit", "unit_name", "name", "kind"]


# --- viewsets ---------------------------------------------------------------------------------------------------


@extend_schema(tags=["directory"])
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """Administrative divisions (GB/T 2260)."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    lookup_value_regex = r"\d{6}"


@extend_schema(tags=["directory"])
class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Supervising departments (行政主管部门)."""

    queryset = Department.objects.select_related("region")
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilter


@extend_schema(tags=["directory"])
class OrganizationViewSet(AccessMixin, viewsets.ReadOnlyModelViewSet):
    """Management units (public) and, for their own members, user organisations."""

    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter

    def get_queryset(self):
        return visible_organizations(
            self.access, Organization.objects.select_related("region", "supervising_department")
        )


@extend_schema(tags=["directory"])
class SubUnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Internal bodies of units that hold instruments: key laboratories, testing centres, ..."""

    serializer_class = SubUnitSerializer
    filterset_class = SubUnitFilter

    def get_queryset(self):
        units = visible_organizations(access_for(self.request.user))
        return SubUnit.objects.filter(unit__in=units).select_related("unit")


def register_routes(router) -> None:
    router.register("regions", RegionViewSet, basename="api-region")
    router.register("departments", DepartmentViewSet, basename="api-department")
    router.register("organizations", OrganizationViewSet, basename="api-organization")
    router.register("sub-units", SubUnitViewSet, basename="api-sub-unit")
