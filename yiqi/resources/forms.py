"""Forms of the resource pages; the rules live in ``services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Resource, validate_doi, validate_web_url
from .services import PURPOSE_MAX_LENGTH, SHAPES, fields_for

COMMON_FIELDS = ("name", "description", "subject", "keywords", "access_level")


class ResourceForm(forms.ModelForm):
    """The common fields and those of the resource's kind only."""

    landing_url = forms.URLField(
        label=_("访问地址"),
        required=False,
        max_length=200,
        assume_scheme="https",
        validators=[validate_web_url],
        help_text=_("以 http:// 或 https:// 开头；科学数据须填写 DOI 或访问地址（至少一项）。"),
    )
    doi = forms.CharField(
        label=_("DOI"),
        required=False,
        max_length=100,
        validators=[validate_doi],
        help_text=_("如 10.12345/abc.2024。"),
    )

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
    shape = forms.ChoiceField(label=_("申请方式"), required=False, widget=forms.RadioSelect)
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

    def __init__(self, *args, resource: Resource, **kwargs):
        super().__init__(*args, **kwargs)
        shapes = SHAPES[resource.kind]
        self.fields["shape"].choices = [(shape.value, shape.label) for shape in shapes]
        self.fields["shape"].initial = shapes[0].value
        if len(shapes) == 1:  # nothing to choose
            self.fields["shape"].widget = forms.HiddenInput()


class DecisionForm(forms.Form):
    action = forms.CharField()
    comment = forms.CharField(required=False, max_length=500)
    delivery_note = forms.CharField(required=False, max_length=1000)
    delivery_link = forms.URLField(required=False, assume_scheme="https")
    due_back = forms.DateField(required=False)
