"""The one filter definition for charge lists: the web pages and the API share it."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
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


class ChargeFilter(django_filters.FilterSet):
    month = MonthFilter(label=_("出账月份"), help_text=_("如 2026-11"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Charge.Status.choices)
    instrument = django_filters.ModelChoiceFilter(
        label=_("仪器"), queryset=Instrument.objects.none(), empty_label=_("全部")
    )

    class Meta:
        model = Charge
        fields = []
        form = FilterForm

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        # The instruments on the charges this list holds: "my bills" offers the few the user was billed for, not
        # every instrument the user may see (the platform authority's would be the whole province).
        self.filters["instrument"].queryset = Instrument.objects.filter(
            pk__in=self.queryset.order_by().values("instrument_id")
        ).order_by("name")
