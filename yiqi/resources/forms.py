"""Forms of the resource pages; the rules live in ``services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Resource
from .services import PURPOSE_MAX_LENGTH, fields_for

COMMON_FIELDS = ("name", "description", "subject", "keywords", "access_level")


class ResourceForm(forms.ModelForm):
    """The common fields and those of the resource's kind only."""

    landing_url = forms.URLField(label=_("访问地址"), required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = Resource
        fields = (
            *COMMON_FIELDS,
            *{name for kind in ("dataset", "literature", "natural") for name in fields_for(kind)},
        )
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "supply_conditions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        keep = set(COMMON_FIELDS) | set(fields_for(kind))
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        order = [*COMMON_FIELDS, *fields_for(kind)]
        self.order_fields(order)
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            )


class RequestForm(forms.Form):
    purpose = forms.CharField(
        label=_("用途说明"),
        max_length=PURPOSE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )
    quantity = forms.IntegerField(
        label=_("申请数量"),
        min_value=1,
        max_value=10000,
        initial=1,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )


class DecisionForm(forms.Form):
    action = forms.CharField()
    comment = forms.CharField(required=False, max_length=500)
    delivery_note = forms.CharField(required=False, max_length=1000)
    delivery_link = forms.URLField(required=False, assume_scheme="https")
