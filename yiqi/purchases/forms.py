from django import forms
from django.utils.translation import gettext_lazy as _

from yiqi.core.forms import BootstrapFormMixin
from yiqi.experts.models import Expert
from yiqi.registry.categories import leaf_codes

from .models import Opinion, PurchaseApplication, Review
from .services import FIELDS

QUOTE_ROWS = 5


class ApplicationForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = PurchaseApplication
        fields = FIELDS
        widgets = {
            "specifications": forms.Textarea(attrs={"rows": 3}),
            "functions": forms.Textarea(attrs={"rows": 3}),
            "necessity": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = self.fields["category"].queryset.filter(code__in=leaf_codes())


def quotes_from(data) -> list[dict]:
    """The quote rows of a posted application form (supplier, model, amount per row)."""
    return [
        {name: data.get(f"quote-{i}-{name}", "") for name in ("supplier", "model", "amount")}
        for i in range(QUOTE_ROWS)
    ]


def quote_rows(application=None, data=None) -> list[dict]:
    if data is not None:
        return quotes_from(data)
    rows = (
        [{"supplier": q.supplier, "model": q.model, "amount": q.amount} for q in application.quotes.all()]
        if application
        else []
    )
    return rows + [{"supplier": "", "model": "", "amount": ""}] * (QUOTE_ROWS - len(rows))


class AssignForm(BootstrapFormMixin, forms.Form):
    expert = forms.ModelChoiceField(label=_("评议专家"), queryset=Expert.objects.none())

    def __init__(self, *args, experts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = experts if experts is not None else Expert.objects.none()


class ReviewForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Review
        fields = ["relevance", "necessity", "reasonableness", "recommendation", "reasons"]
        widgets = {"reasons": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.Meta.fields:
            self.fields[name].required = True


class DecisionForm(BootstrapFormMixin, forms.Form):
    opinion = forms.ChoiceField(label=_("评议意见"), choices=Opinion.choices)
    opinion_text = forms.CharField(
        label=_("意见说明"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    conditions = forms.CharField(
        label=_("共享条件"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000, required=False
    )


class LinkForm(BootstrapFormMixin, forms.Form):
    instrument = forms.IntegerField(label=_("仪器编号（ID）"), min_value=1)
