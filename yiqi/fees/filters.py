"""The one filter definition for charge lists: the web pages and the API share it."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from yiqi.core.forms import BootstrapFormMixin
from yiqi.registry.models import Instrument

from .models import Charge
from .statements import month_range, parse_month


class MonthField(forms.CharField):
    """'2026-11' as the first day of that month."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-11"})

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_month(value)
        except ValidationError as error:
            raise ValidationError(error.messages) from None


@extend_schema_field(OpenApiTypes.STR)
class MonthFilter(django_filters.Filter):
    field_class = MonthField

    def filter(self, qs, value):
        if value is None:
            return qs
        start, end = month_range(value)
        return qs.filter(billed_at__gte=start, billed_at__lt=end)


class FilterForm(BootstrapFormMixin, forms.Form):
    pass


SEARCH_MAX_LENGTH = 100


class ChargeFilter(django_filters.FilterSet):
    month = MonthFilter(label=_("出账月份"), help_text=_("如 2026-11"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Charge.Status.choices)
    # A search box, not a list of every instrument: the platform authority's list spans the whole province.
    search = django_filters.CharFilter(
        label=_("仪器或单位"),
        help_text=_("仪器名称、资产编号或单位名称中的文字"),
        method="filter_search",
        max_length=SEARCH_MAX_LENGTH,
    )
    # By id, from links and the API; checked against the list's own instruments, never offered as a list.
    instrument = django_filters.ModelChoiceFilter(
        label=_("仪器"), queryset=Instrument.objects.none(), widget=forms.HiddenInput
    )

    class Meta:
        model = Charge
        fields = []
        form = FilterForm

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        # Only an instrument on the charges this list holds is a valid choice (one lookup for the id given).
        self.filters["instrument"].queryset = Instrument.objects.filter(
            pk__in=self.queryset.order_by().values("instrument_id")
        )

    def filter_search(self, queryset, name, value):
        """Charges whose instrument's name or asset number, or whose unit's name, holds every word given: within
        the list's own scope, so a search finds nothing the list would not show."""
        for word in value.split():
            queryset = queryset.filter(
                Q(instrument__name__icontains=word)
                | Q(instrument__asset_number__icontains=word)
                | Q(unit__name__icontains=word)
            )
        return queryset
