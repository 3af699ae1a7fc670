"""Forms of the analysis pages (what-if, instrument ranking, long-idle list). All are GET forms: they only choose
what to compute and show; an invalid choice is shown on its field and the page keeps the defaults."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiqi.core.forms import BootstrapFormMixin
from yiqi.organizations.models import Department
from yiqi.registry.models import InstrumentCategory

from .models import Scheme
from .services import instruments, whatif

YEARS = 5


class Slider(forms.NumberInput):
    input_type = "range"


def _slider(label, top, step):
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_value=top,
        decimal_places=4,
        required=False,
        widget=Slider(attrs={"min": "0", "max": str(top), "step": str(step)}),
    )


class SliderForm(BootstrapFormMixin, forms.Form):
    expert_share = _slider(_("专家评分指标假设得分率（%）"), 100, 5)

    def __init__(self, *args, marks_known=False, **kwargs):
        super().__init__(*args, **kwargs)
        if marks_known:  # the experts' own marks count; nothing to assume
            del self.fields["expert_share"]
        else:
            self.fields["expert_share"].initial = whatif.DEFAULT_SHARE * 100
        for field in self.fields.values():
            if isinstance(field.widget, Slider):
                field.widget.attrs["class"] = "form-range"

    def share(self):
        value = self.cleaned_data.get("expert_share") if self.is_valid() else None
        return whatif.DEFAULT_SHARE if value is None else value / 100


class SchemeWhatIfForm(SliderForm):
    scheme = forms.ModelChoiceField(
        label=_("试算方案（可先复制为草稿并修改分值、参数和分数线）"),
        queryset=Scheme.objects.all(),
        required=False,
    )
    field_order = ["scheme", "expert_share"]


class UnitWhatIfForm(SliderForm):
    open_rate = _slider(_("开放率（按原值）"), 1, "0.01")
    effective_hours = _slider(_("年均有效机时（小时/台）"), 3000, 10)
    sharing_rate = _slider(_("共享率（对外服务机时÷运行机时）"), 1, "0.01")
    rating_average = _slider(_("用户评价均分"), 5, "0.1")

    def moved(self) -> dict:
        """The figures the visitor changed (a blank slider keeps the round's value)."""
        if not self.is_valid():
            return {}
        return {
            name: self.cleaned_data[name]
            for name in whatif.MOVABLE
            if self.cleaned_data.get(name) is not None
        }


class InstrumentFilterForm(BootstrapFormMixin, forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False)
    department = forms.ModelChoiceField(
        label=_("主管部门"), queryset=Department.objects.none(), required=False
    )
    unit = forms.ModelChoiceField(label=_("管理单位"), queryset=None, required=False)
    category = forms.ModelChoiceField(
        label=_("仪器大类"),
        queryset=InstrumentCategory.objects.filter(parent__isnull=True).order_by("code"),
        required=False,
    )
    min_value = forms.DecimalField(label=_("原值不低于（元）"), min_value=0, max_digits=14, required=False)
    max_value = forms.DecimalField(label=_("原值不高于（元）"), min_value=0, max_digits=14, required=False)
    order = forms.ChoiceField(
        label=_("排序"),
        required=False,
        choices=[
            ("scored_hours", _("计分机时（有核验用核验值）")),
            ("verified", _("监测核验机时")),
            ("hours", _("申报有效机时")),
            ("external", _("对外服务机时")),
            ("sharing_rate", _("共享率")),
        ],
    )

    def __init__(self, *args, units, departments, ranking: bool, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(y, y) for y in range(this_year, this_year - YEARS, -1)]
        self.fields["unit"].queryset = units.order_by("name")
        if departments is None:
            del self.fields["department"]
        else:
            self.fields["department"].queryset = departments
        if not ranking:
            del self.fields["year"], self.fields["order"]

    def clean(self):
        data = super().clean()
        low, high = data.get("min_value"), data.get("max_value")
        if low is not None and high is not None and low > high:
            self.add_error("max_value", _("原值上限不能低于下限。"))
        return data

    def filters(self) -> dict:
        """The valid choices (an invalid one is left out), for ``instruments.ranked`` / ``long_idle``."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {key: value for key, value in data.items() if key in self.fields and value not in (None, "")}


def year_of(filters: dict) -> int:
    return filters.pop("year", None) or timezone.localdate().year


def order_of(filters: dict) -> str:
    return filters.pop("order", None) or instruments.ORDERS[0]
