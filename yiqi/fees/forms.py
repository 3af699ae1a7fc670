"""Web forms. They only collect input: every rule is checked in ``services`` (errors come back per field)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiqi.core.forms import BootstrapFormMixin, DateInput

from .models import FeeItem


class FeeItemForm(BootstrapFormMixin, forms.ModelForm):
    # Plain text, so that "12.345" or "-5" reaches the service and gets its message, not the browser's.
    rate_internal = forms.CharField(label=_("本单位价格（元）"), max_length=20)
    rate_academic = forms.CharField(label=_("高校院所价格（元）"), max_length=20)
    rate_external = forms.CharField(label=_("企业及个人价格（元）"), max_length=20)

    class Meta:
        model = FeeItem
        fields = [
            "name",
            "component",
            "basis",
            "applies_to",
            "rate_internal",
            "rate_academic",
            "rate_external",
            "note",
            "position",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("rate_internal", "rate_academic", "rate_external"):
            self.fields[name].widget.attrs["inputmode"] = "decimal"

    def _post_clean(self):
        # Copy the cleaned values onto the instance without the model's own validation: the service validates.
        for name, value in self.cleaned_data.items():
            setattr(self.instance, name, value)


class AdjustmentForm(BootstrapFormMixin, forms.Form):
    amount = forms.CharField(
        label=_("调整金额（元）"), max_length=20, help_text=_("加收填正数，减免填负数，如 -50.00。")
    )
    # Not required here: the service says what is missing in its own words.
    reason = forms.CharField(
        label=_("调整原因"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("批准")), ("reject", _("驳回"))], widget=forms.HiddenInput
    )
    comment = forms.CharField(label=_("审批意见"), max_length=300, required=False)


class PaymentForm(BootstrapFormMixin, forms.Form):
    reference = forms.CharField(
        label=_("缴费凭证号"), max_length=100, required=False, help_text=_("发票号、转账流水号等")
    )
    paid_on = forms.DateField(label=_("到账日期"), widget=DateInput, initial=timezone.localdate)
