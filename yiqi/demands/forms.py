from django import forms
from django.utils.translation import gettext_lazy as _

from yiqi.core.forms import BootstrapFormMixin, DateInput
from yiqi.organizations.models import Region

from .models import Need, Response
from .services import FIELDS


class NeedForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Need
        fields = FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "deadline": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.order_by("code")


class ResponseForm(BootstrapFormMixin, forms.Form):
    match = forms.IntegerField(widget=forms.HiddenInput)
    response = forms.ChoiceField(
        label=_("回复"), choices=[c for c in Response.choices if c[0] != Response.PENDING]
    )
    quote = forms.DecimalField(
        label=_("报价（元）"), required=False, min_value=0, decimal_places=2, max_digits=12
    )
    message = forms.CharField(label=_("回复说明"), required=False, max_length=500)
