"""Filters of the usage record list: the page, its CSV export and the API share them."""

import datetime as dt

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yiqi.core.forms import DateInput
from yiqi.organizations.models import Organization
from yiqi.registry.filters import FilterForm

from .models import UsageRecord
from .totals import moment, validate_period_date


class UsageRecordFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_keyword", max_length=100)
    unit = django_filters.ModelChoiceFilter(
        label=_("管理单位"), queryset=Organization.objects.management_units(), empty_label=_("全部")
    )
    instrument = django_filters.NumberFilter(
        label=_("仪器"), min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput
    )
    source = django_filters.ChoiceFilter(label=_("来源"), choices=UsageRecord.Source.choices)
    service = django_filters.ChoiceFilter(
        label=_("服务对象"),
        choices=[("external", _("对外服务")), ("internal", _("单位内使用"))],
        method="filter_service",
    )
    purpose = django_filters.ChoiceFilter(label=_("用途"), choices=UsageRecord.Purpose.choices)
    start = django_filters.DateFilter(
        label=_("开始日期"), method="filter_start", widget=DateInput(), validators=[validate_period_date]
    )
    end = django_filters.DateFilter(
        label=_("截止日期（含）"), method="filter_end", widget=DateInput(), validators=[validate_period_date]
    )

    class Meta:
        model = UsageRecord
        fields = []
        form = FilterForm

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.filters["unit"].queryset = units.order_by("name")

    def filter_keyword(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(instrument__name__icontains=value)
            | Q(instrument__asset_number=value)
            | Q(user_name__icontains=value)
            | Q(service_content__icontains=value)
        )

    def filter_start(self, queryset, name, value):
        return queryset.filter(started_at__gte=moment(value))

    def filter_end(self, queryset, name, value):
        # The whole end day counts: before the next local midnight.
        return queryset.filter(started_at__lt=moment(value + dt.timedelta(days=1)))

    def filter_service(self, queryset, name, value):
        return queryset.filter(is_external=value == "external")
