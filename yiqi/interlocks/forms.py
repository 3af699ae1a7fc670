from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from yiqi.core.forms import BootstrapFormMixin
from yiqi.monitoring.models import Device

from .configuration import SETTINGS
from .models import Interlock


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


def _settings_fields() -> dict:
    """The settings' fields as the model defines them (labels, help, and its limits, so that a form reports every
    bad value at once); the service checks them again."""
    fields = fields_for_model(Interlock, fields=SETTINGS)
    for name, field in fields.items():
        field.validators = [*field.validators, *Interlock._meta.get_field(name)._validators]
    return fields


_Settings = forms.Form.__class__("_Settings", (forms.Form,), _settings_fields())


class InterlockSettingsForm(BootstrapFormMixin, _Settings):
    pass


class FitInterlockForm(InterlockSettingsForm):
    device = forms.ModelChoiceField(label=_("监测设备"), queryset=Device.objects.none(), empty_label=None)
    field_order = ["device", *SETTINGS]

    def __init__(self, *args, devices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["device"].queryset = devices
        self.fields["device"].label_from_instance = lambda device: f"{device.instrument.name} · {device.uid}"
