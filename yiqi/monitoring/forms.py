from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ReconciliationItem


class ExplainForm(forms.Form):
    reason = forms.ChoiceField(label=_("原因"), choices=ReconciliationItem.Reason.choices)
    explanation = forms.CharField(label=_("说明"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class ReviewForm(forms.Form):
    action = forms.ChoiceField(
        label=_("审核"), choices=[("accept", _("认可说明")), ("confirm", _("确认问题"))]
    )
    comment = forms.CharField(
        label=_("意见"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
