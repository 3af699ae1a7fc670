"""Forms of the census pages; the rules live in ``services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from yiqi.core.forms import BootstrapFormMixin, DateInput

from .models import FIGURES, LINE_FIELDS, CensusLine, CensusReturn


class OpenForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label=_("普查年度"))
    deadline = forms.DateField(label=_("填报截止日期"), widget=DateInput())


class LineForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = CensusLine
        fields = LINE_FIELDS


class FiguresForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = CensusReturn
        fields = (*FIGURES, "difference_note")
        widgets = {"difference_note": forms.Textarea(attrs={"rows": 3})}
