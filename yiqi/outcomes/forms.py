"""Forms of the results pages; the rules live in ``services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from yiqi.core.forms import BootstrapFormMixin, DateInput
from yiqi.registry.models import Instrument
from yiqi.servicerecords.models import ServiceRecord, ServiceStatus

from . import services
from .identifiers import CLEANERS
from .models import Outcome

RECORD_CHOICES = 200  # the unit's latest completed services offered to link, besides those already linked


class RecordChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, record):
        when = record.completed_at.date().isoformat() if record.completed_at else ""
        return (
            f"{record.reference or record.pk} · {record.instrument.name if record.instrument else ''} {when}"
        )


class OutcomeForm(BootstrapFormMixin, forms.ModelForm):
    """The fields of one kind, the unit's instruments, and the unit's services the result came from."""

    service_records = RecordChoice(label=_("服务记录"), queryset=ServiceRecord.objects.none(), required=False)

    class Meta:
        model = Outcome
        fields = (
            "title",
            "identifier",
            "source",
            "authors",
            "level",
            "date",
            "instruments",
            "service_records",
        )
        widgets = {"date": DateInput(), "instruments": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, kind: str, unit_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["identifier"].label = services.IDENTIFIER_LABELS[kind]
        self.fields["source"].label = services.SOURCE_LABELS[kind]
        for name in services.REQUIRED[kind]:
            self.fields[name].required = True
        if kind not in services.WITH_LEVEL:
            del self.fields["level"]
        self.fields["instruments"].queryset = Instrument.objects.filter(unit_id=unit_id).order_by("name")
        self.fields["instruments"].help_text = _("按住 Ctrl 键可多选。")
        linked = list(self.instance.service_records.values_list("pk", flat=True)) if self.instance.pk else []
        latest = list(
            ServiceRecord.objects.filter(unit_id=unit_id, status=ServiceStatus.COMPLETED)
            .order_by("-completed_at", "-pk")
            .values_list("pk", flat=True)[:RECORD_CHOICES]
        )
        self.fields["service_records"].queryset = (
            ServiceRecord.objects.filter(pk__in={*linked, *latest})
            .select_related("instrument")
            .order_by("-completed_at", "-pk")
        )

    def clean_identifier(self):
        """The number's form is checked here too, so it is reported with the other fields' mistakes."""
        value = self.cleaned_data.get("identifier", "").strip()
        if not value:
            return value
        try:
            return CLEANERS[self.kind](value)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class RecordOfMine(forms.ModelChoiceField):
    def label_from_instance(self, record):
        when = record.completed_at.date().isoformat() if record.completed_at else ""
        return f"{record.instrument.name} · {record.unit.name} {when}"


class AcknowledgementForm(BootstrapFormMixin, forms.Form):
    """A served user's paper that acknowledges the instrument they used."""

    service_record = RecordOfMine(label=_("服务记录"), queryset=ServiceRecord.objects.none())
    title = forms.CharField(label=_("论文题目"), max_length=300)
    doi = forms.CharField(label=_("DOI"), max_length=100, help_text=_("如 10.1016/j.actamat.2020.01.001"))
    journal = forms.CharField(label=_("期刊/会议"), max_length=200)
    authors = forms.CharField(label=_("作者"), max_length=300, required=False)
    date = forms.DateField(label=_("发表日期"), widget=DateInput())

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_record"].queryset = services.acknowledgeable_records(access)


class DecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[("confirm", "confirm"), ("decline", "decline")])
    comment = forms.CharField(required=False, max_length=500)
