"""Forms of the census pages; the rules live in ``services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from yiqi.core.forms import BootstrapFormMixin, DateInput
from yiqi.core.validators import validate_plain_text
from yiqi.organizations.models import Department, Organization

from . import services
from .models import (
    FIGURES,
    LINE_FIELDS,
    RESOURCE_LINE_FIELDS,
    CensusLine,
    CensusResourceLine,
    CensusReturn,
    MarkKind,
)


class ScopeForm(forms.Form):
    """The filters the authority narrows the units in scope with (each left empty narrows nothing)."""

    departments = forms.ModelMultipleChoiceField(
        label=_("主管部门"),
        queryset=Department.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选则不限。"),
    )
    kinds = forms.MultipleChoiceField(
        label=_("单位类型"),
        choices=Organization.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选则不限。"),
    )
    search = forms.CharField(label=_("单位名称包含"), required=False, max_length=50)

    def scope(self):
        """The units the filters select (none while a filter is invalid)."""
        if not self.is_valid():
            return services.units_in_scope().none()
        return services.units_in_scope(
            department_ids=[d.pk for d in self.cleaned_data["departments"]],
            kinds=self.cleaned_data["kinds"],
            search=self.cleaned_data["search"],
        )


class OpenForm(BootstrapFormMixin, ScopeForm):
    """Year, deadline and the units in scope: narrowed by the filters, then ticked one by one once listed."""

    year = forms.IntegerField(label=_("普查年度"))
    deadline = forms.DateField(label=_("填报截止日期"), widget=DateInput())
    # Ticked after "列出范围内的单位"; never listed: every unit the filters select.
    units = forms.TypedMultipleChoiceField(
        label=_("范围内的单位"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    listed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    field_order = ("year", "deadline", "departments", "kinds", "search", "units")

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = [(u.pk, _unit_label(u)) for u in units]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("listed") and not cleaned.get("units") and "units" not in self.errors:
            self.add_error("units", _("请至少勾选一个单位。"))
        return cleaned

    def unit_ids(self, scope) -> list[int] | None:
        """The units the census covers: those ticked, else every unit the filters select (None: all)."""
        data = self.cleaned_data
        if data["listed"]:
            return data["units"]
        if data["departments"] or data["kinds"] or data["search"].strip():
            return list(scope.values_list("pk", flat=True))
        return None


def _unit_label(unit) -> str:
    department = unit.supervising_department.name if unit.supervising_department_id else ""
    return f"{unit.name}（{department}）" if department else unit.name


class LineForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = CensusLine
        fields = LINE_FIELDS


class FiguresForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = CensusReturn
        fields = (*FIGURES, "difference_note")
        widgets = {"difference_note": forms.Textarea(attrs={"rows": 3})}


class ResourceLineForm(BootstrapFormMixin, forms.ModelForm):
    """A resource's line; its kind is chosen only when the unit adds one the platform did not know."""

    class Meta:
        model = CensusResourceLine
        fields = ("kind", *RESOURCE_LINE_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            del self.fields["kind"]


class SelectForm(BootstrapFormMixin, forms.Form):
    """The supervising department picks one of the unit's instruments below the value line."""

    instrument = forms.ModelChoiceField(label=_("仪器"), queryset=None)

    def __init__(self, *args, instruments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].queryset = instruments
        self.fields["instrument"].label_from_instance = lambda i: f"{i.name}（{i.original_value}）"


class MarkForm(BootstrapFormMixin, forms.Form):
    unit = forms.TypedChoiceField(label=_("单位"), coerce=int)
    kind = forms.ChoiceField(label=_("类型"), choices=MarkKind.choices)
    reason = forms.CharField(
        label=_("理由"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_plain_text],
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]
