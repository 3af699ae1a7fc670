"""Forms of the census pages; the rules live in ``services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import FIGURES, LINE_FIELDS, CensusLine, CensusReturn


class Styled:
    """Bootstrap classes on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            )


class OpenForm(Styled, forms.Form):
    year = forms.IntegerField(label=_("普查年度"))
    deadline = forms.DateField(label=_("填报截止日期"), widget=forms.DateInput(attrs={"type": "date"}))


class LineForm(Styled, forms.ModelForm):
    class Meta:
        model = CensusLine
        fields = LINE_FIELDS


class FiguresForm(Styled, forms.ModelForm):
    class Meta:
        model = CensusReturn
        fields = (*FIGURES, "difference_note")
        widgets = {"difference_note": forms.Textarea(attrs={"rows": 3})}
