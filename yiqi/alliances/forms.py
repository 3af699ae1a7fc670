"""Forms of the alliance pages; the rules live in ``services``."""

from django import forms

from yiqi.core.forms import BootstrapFormMixin

from .models import Alliance


class AllianceForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Alliance
        fields = ("name", "description", "member_category", "priority_days", "mutual_qualification")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class TermsForm(AllianceForm):
    class Meta(AllianceForm.Meta):
        fields = ("description", "member_category", "priority_days", "mutual_qualification")
