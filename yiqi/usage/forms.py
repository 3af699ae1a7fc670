"""Forms of the usage pages. They only read input; the rules live in ``services`` and ``totals``."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiqi.core.forms import BootstrapFormMixin
from yiqi.core.uploads import EVIDENCE
from yiqi.organizations.models import Organization

from .models import UsageRecord

LOCAL_INPUT = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=LOCAL_INPUT)


class ManualUsageForm(BootstrapFormMixin, forms.Form):
    instrument = forms.ModelChoiceField(label=_("仪器"), queryset=None)
    user_name = forms.CharField(label=_("使用人"), max_length=50)
    user_organization = forms.ModelChoiceField(
        label=_("使用人单位"),
        queryset=Organization.objects.order_by("name"),
        required=False,
        help_text=_("不填或选本单位为校内（单位内）使用；选其他单位即为对外服务。"),
    )
    purpose = forms.ChoiceField(label=_("用途"), choices=UsageRecord.Purpose.choices)
    started_at = forms.DateTimeField(
        label=_("开始时间"), input_formats=[LOCAL_INPUT, "%Y-%m-%d %H:%M"], widget=LocalDateTimeInput()
    )
    ended_at = forms.DateTimeField(
        label=_("结束时间"), input_formats=[LOCAL_INPUT, "%Y-%m-%d %H:%M"], widget=LocalDateTimeInput()
    )
    machine_hours = forms.DecimalField(
        label=_("有效机时（小时）"),
        required=False,
        max_digits=8,
        decimal_places=2,
        help_text=_("留空则按起止时间计算；可以少于、不能多于起止时间之差。"),
    )
    sample_count = forms.IntegerField(label=_("样品数"), initial=0, required=False)
    service_content = forms.CharField(
        label=_("服务内容"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    fee = forms.DecimalField(label=_("收费（元）"), required=False, max_digits=12, decimal_places=2)
    evidence = forms.FileField(
        label=_("佐证材料"),
        help_text=_("使用登记表、实验记录或服务合同等：PDF、JPG、PNG、.xlsx 或 .docx，不超过 10 MB。"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(f".{ext}" for ext in EVIDENCE.extensions)}),
    )

    def __init__(self, *args, instruments, record: UsageRecord | None = None, **kwargs):
        if record is not None:
            kwargs.setdefault(
                "initial",
                {
                    **{field: getattr(record, field) for field in self.base_fields if field != "evidence"},
                    "started_at": timezone.localtime(record.started_at),
                    "ended_at": timezone.localtime(record.ended_at),
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["instrument"].queryset = instruments.select_related("unit").order_by(
            "name", "asset_number"
        )
        if record is not None:
            self.fields["evidence"].required = False
            self.fields["evidence"].help_text = (
                _("不上传则保留原佐证材料。") + " " + self.fields["evidence"].help_text
            )

    def service_values(self) -> dict:
        """The cleaned input as the service's keyword arguments (a blank file keeps the old one on edit)."""
        values = dict(self.cleaned_data)
        if not values.get("evidence"):
            values.pop("evidence", None)
        return values


class DashboardForm(BootstrapFormMixin, forms.Form):
    GROUPS = [("department", _("按主管部门")), ("region", _("按地区")), ("unit", _("按单位"))]

    # Nothing is required: the view fills in the defaults (this year, all months).
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False)
    first_month = forms.TypedChoiceField(
        label=_("起始月份"), coerce=int, choices=[(m, m) for m in range(1, 13)], required=False
    )
    last_month = forms.TypedChoiceField(
        label=_("截止月份"), coerce=int, choices=[(m, m) for m in range(1, 13)], required=False
    )
    unit = forms.ModelChoiceField(label=_("单位"), queryset=None, required=False, empty_label=_("全部单位"))
    group_by = forms.ChoiceField(label=_("汇总方式"), choices=GROUPS, required=False)

    def __init__(self, *args, units, years, groups, pick_unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in years]
        self.fields["unit"].queryset = units.order_by("name")
        if not pick_unit:
            del self.fields["unit"]
        self.fields["group_by"].choices = [choice for choice in self.GROUPS if choice[0] in groups]
        if len(groups) < 2:
            del self.fields["group_by"]

    def clean(self):
        data = super().clean()
        if data.get("first_month") and data.get("last_month") and data["first_month"] > data["last_month"]:
            self.add_error("last_month", _("截止月份不能早于起始月份。"))
        return data
