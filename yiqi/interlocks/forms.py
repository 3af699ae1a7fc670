from django import forms
from django.utils.translation import gettext_lazy as _

from yiqi.core.forms import BootstrapFormMixin


class OverrideForm(BootstrapFormMixin, forms.Form):
    enable = forms.TypedChoiceField(
        label=_("操作"),
        choices=[("1", _("人工放行")), ("0", _("人工锁定"))],
        coerce=lambda value: value == "1",
    )
    reason = forms.CharField(label=_("原因"), max_length=300)
    hours = forms.DecimalField(
        label=_("放行时长（小时）"), min_value=0.25, max_value=24, decimal_places=2, initial=1, required=False
    )
