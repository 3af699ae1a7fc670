"""Web forms. They only collect input: every rule is checked in ``services`` (errors come back per field)."""

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from yiqi.core.forms import BootstrapFormMixin, DateInput
from yiqi.organizations.models import Organization

from .models import Indicator, Scheme
from .services import figures
from .services.rounds import SELF_REPORT_SECTIONS

POINTS = {"max_digits": 6, "decimal_places": 2, "widget": forms.TextInput(attrs={"inputmode": "decimal"})}
SECTION_LABELS = {
    "management": _("一、组织管理（制度、机构、人员）"),
    "operation": _("二、运行使用（机时、维护、绩效）"),
    "sharing": _("三、开放共享（对外服务、收费、用户评价）"),
    "results": _("四、应用成果（论文、专利、标准、奖励、项目）"),
    "problems": _("五、存在问题与改进措施"),
}


class SchemeCopyForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(
        label=_("新方案名称"),
        max_length=100,
        required=False,
        help_text=_("留空则作为本方案的新版本。"),
    )


class GradeLinesForm(BootstrapFormMixin, forms.Form):
    excellent_from = forms.DecimalField(label=_("优秀分数线"), **POINTS)
    good_from = forms.DecimalField(label=_("良好分数线"), **POINTS)
    pass_from = forms.DecimalField(label=_("合格分数线"), **POINTS)


class IndicatorForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("指标名称"), max_length=100)
    points = forms.DecimalField(label=_("分值"), **POINTS)
    params = forms.CharField(
        label=_("计分参数（JSON）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_('如 {"benchmark": "1600"}；分档：{"bands": [["0.30", 10], ["0.20", 8]]}'),
    )
    guide = forms.CharField(
        label=_("评分指引"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        if indicator.kind != Indicator.Kind.COMPUTED:
            del self.fields["params"]
        if indicator.kind != Indicator.Kind.SCORED:
            del self.fields["guide"]

    def clean_params(self):
        text = self.cleaned_data["params"].strip() or "{}"
        try:
            value = json.loads(text)
        except ValueError:
            raise forms.ValidationError(_("请填写有效的 JSON。")) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("计分参数应为 JSON 对象。"))
        return value


class RoundForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    scheme = forms.ModelChoiceField(
        label=_("评价方案"), queryset=Scheme.objects.filter(status=Scheme.Status.ACTIVE)
    )
    period_start = forms.DateField(label=_("考核期开始"), widget=DateInput())
    period_end = forms.DateField(label=_("考核期结束"), widget=DateInput())
    submission_due = forms.DateField(label=_("自评提交截止"), widget=DateInput())
    scoring_due = forms.DateField(label=_("专家评分截止"), widget=DateInput())
    all_units = forms.BooleanField(label=_("全部管理单位参评"), required=False)
    units = forms.ModelMultipleChoiceField(
        label=_("参评单位"),
        queryset=Organization.objects.filter(is_management_unit=True).order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("未勾选“全部管理单位参评”时，按住 Ctrl 多选。"),
    )
    subsidy_budget = forms.DecimalField(
        label=_("后补助预算（元）"), required=False, max_digits=14, decimal_places=2, min_value=0
    )

    def chosen_units(self):
        if self.cleaned_data["all_units"]:
            return self.fields["units"].queryset
        return self.cleaned_data["units"]


class BudgetForm(BootstrapFormMixin, forms.Form):
    budget = forms.DecimalField(label=_("后补助预算（元）"), max_digits=14, decimal_places=2)


# Fields made in __init__ carry Bootstrap's class themselves: the mixin styles only the declared ones.
class SelfEvaluationForm(BootstrapFormMixin, forms.Form):
    attachment = forms.FileField(
        label=_("自评报告附件（PDF、Word 或 Excel，含服务收入清单）"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key in SELF_REPORT_SECTIONS:
            self.fields[key] = forms.CharField(
                label=SECTION_LABELS[key],
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
            )
        self.order_fields([*SELF_REPORT_SECTIONS, "attachment"])


class ContestForm(BootstrapFormMixin, forms.Form):
    figure = forms.ChoiceField(label=_("数据项"), choices=[(k, f.label) for k, f in figures.FIGURES.items()])
    reason = forms.CharField(label=_("异议理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(BootstrapFormMixin, forms.Form):
    answer = forms.CharField(label=_("答复"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(BootstrapFormMixin, forms.Form):
    expert = forms.ModelChoiceField(label=_("评议专家"), queryset=None)

    def __init__(self, *args, experts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = experts


class OnsiteForm(BootstrapFormMixin, forms.Form):
    flag = forms.BooleanField(label=_("需现场核查"), required=False)
    outcome = forms.CharField(
        label=_("现场核查结论"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ScoreForm(BootstrapFormMixin, forms.Form):
    """One mark and comment per expert-scored indicator; the range is checked by ``rounds.score``."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        for row in rows:
            leaf, given = row["indicator"], row["given"]
            self.fields[f"score_{leaf.pk}"] = forms.CharField(
                label=_("%(code)s %(name)s（0–%(points)s 分）")
                % {"code": leaf.code, "name": leaf.name, "points": leaf.points},
                max_length=10,
                required=False,
                initial=given.score if given else None,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "form-control"}),
                help_text=leaf.guide,
            )
            self.fields[f"comment_{leaf.pk}"] = forms.CharField(
                label=_("评语"),
                max_length=1000,
                required=False,
                initial=given.comment if given else "",
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            )


class RectificationCloseForm(BootstrapFormMixin, forms.Form):
    report = forms.CharField(label=_("整改情况"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))
