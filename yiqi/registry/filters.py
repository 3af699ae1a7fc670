"""The one filter definition for instrument lists: web pages, exports and the API share it."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yiqi.accounts.access import access_for
from yiqi.core import codes
from yiqi.core.forms import BootstrapFormMixin
from yiqi.organizations.filters import RegionCodeFilter
from yiqi.organizations.models import Department, Organization

from . import deadlines
from .models import Instrument, RegistrationStatus


class FilterForm(BootstrapFormMixin, forms.Form):
    pass


class InstrumentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_keyword", max_length=100)
    scope = django_filters.ChoiceFilter(
        label=_("范围"),
        choices=[("mine", pgettext_lazy("范围", "本单位")), ("supervised", _("所辖单位"))],
        method="filter_scope",
        empty_label=_("全部"),
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("管理单位"),
        queryset=Organization.objects.management_units(),
        field_name="unit",
        empty_label=_("全部"),
    )
    department = django_filters.ModelChoiceFilter(
        label=_("主管部门"),
        queryset=Department.objects.all(),
        field_name="unit__supervising_department",
        empty_label=_("全部"),
    )
    region = RegionCodeFilter(field_name="unit__region")
    category = django_filters.CharFilter(label=_("分类代码"), method="filter_category", max_length=6)
    kind = django_filters.ChoiceFilter(label=_("资源类型"), choices=Instrument.Kind.choices)
    status = django_filters.ChoiceFilter(
        label=_("入网状态"), choices=RegistrationStatus.choices, field_name="registration_status"
    )
    sharing_mode = django_filters.ChoiceFilter(label=_("共享方式"), choices=Instrument.SharingMode.choices)
    operating_status = django_filters.ChoiceFilter(
        label=_("运行状态"), choices=Instrument.OperatingStatus.choices
    )
    value_min = django_filters.NumberFilter(
        label=_("原值不低于（元）"), field_name="original_value", lookup_expr="gte"
    )
    value_max = django_filters.NumberFilter(
        label=_("原值不高于（元）"), field_name="original_value", lookup_expr="lte"
    )
    mandatory = django_filters.ChoiceFilter(
        label=_("入网类型"),
        choices=[("yes", _("强制入网（达到原值门槛）")), ("no", _("自愿申报"))],
        method="filter_mandatory",
    )
    deadline = django_filters.ChoiceFilter(
        label=_("入网期限"),
        choices=[("overdue", _("已逾期")), ("due_soon", _("10个工作日内到期"))],
        method="filter_deadline",
    )
    ordering = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(
            ("updated_at", "updated"),
            ("original_value", "value"),
            ("acceptance_date", "accepted"),
            ("registration_due", "due"),
            ("name", "name"),
        ),
        # Labels of our own: django-filter's generated ones ("Value (descending)") are English on every page.
        choices=[
            ("-updated", _("最近更新")),
            ("updated", _("最早更新")),
            ("-value", _("原值从高到低")),
            ("value", _("原值从低到高")),
            ("-accepted", _("验收日期从新到旧")),
            ("accepted", _("验收日期从旧到新")),
            ("due", _("入网截止日期从近到远")),
            ("-due", _("入网截止日期从远到近")),
            ("name", _("名称")),
            ("-name", _("名称倒序")),
        ],
    )

    class Meta:
        model = Instrument
        fields = []
        form = FilterForm

    def filter_keyword(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(name_en__icontains=value)
            | Q(model_spec__icontains=value)
            | Q(manufacturer__icontains=value)
            | Q(asset_number=value)
        )

    def filter_scope(self, queryset, name, value):
        """The visitor's own units (本单位), or the units their departments supervise (所辖单位)."""
        access = access_for(getattr(self.request, "user", None))
        if value == "mine":
            return queryset.filter(unit_id__in=access.staff_unit_ids)
        return queryset.filter(unit__supervising_department_id__in=access.department_ids)

    def filter_category(self, queryset, name, value):
        if not value.isdigit() or len(value) != 6:
            return queryset.none()
        # A class or middle class includes everything below it.
        return queryset.filter(codes.within_q(value, "category_id"))

    def filter_mandatory(self, queryset, name, value):
        q = deadlines.mandatory_q()
        return queryset.filter(q) if value == "yes" else queryset.exclude(q)

    def filter_deadline(self, queryset, name, value):
        return deadlines.overdue(queryset) if value == "overdue" else deadlines.due_soon(queryset)
