"""Filters for the directory: regions, departments, organisations, sub-units."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yiqi.core import codes

from .models import Department, Organization, Region, SubUnit


class RegionCodeFilter(django_filters.CharFilter):
    """A region code that includes everything inside it: a province's code matches its cities and counties."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 6)
        kwargs.setdefault("label", _("行政区划代码（含下级）"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        region = Region.objects.filter(code=value).first()
        if region is None:
            return qs.none()
        return qs.filter(region.descendant_codes_q(self.field_name))


class RegionFilter(django_filters.FilterSet):
    parent = django_filters.ModelChoiceFilter(label=_("上级区划"), queryset=Region.objects.all())
    level = django_filters.TypedChoiceFilter(
        label=_("级别"), choices=Region.Level.choices, coerce=int, method="filter_level"
    )

    class Meta:
        model = Region
        fields = []

    def filter_level(self, queryset, name, value: int):
        return queryset.filter(codes.level_q(value))


class DepartmentFilter(django_filters.FilterSet):
    region = RegionCodeFilter()

    class Meta:
        model = Department
        fields = []


class OrganizationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("单位类型"), choices=Organization.Kind.choices)
    region = RegionCodeFilter()
    department = django_filters.ModelChoiceFilter(
        label=_("主管部门"), queryset=Department.objects.all(), field_name="supervising_department"
    )
    is_management_unit = django_filters.BooleanFilter(label=_("管理单位"))
    q = django_filters.CharFilter(label=_("名称包含"), method="filter_name", max_length=100)

    class Meta:
        model = Organization
        fields = []

    def filter_name(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))


class SubUnitFilter(django_filters.FilterSet):
    unit = django_filters.ModelChoiceFilter(
        label=_("管理单位"), queryset=Organization.objects.management_units()
    )
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=SubUnit.Kind.choices)

    class Meta:
        model = SubUnit
        fields = []
