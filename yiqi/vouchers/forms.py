"""Web forms. They only collect input: every rule is checked in ``services`` (errors come back per field)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from yiqi.core.forms import BootstrapFormMixin, DateInput
from yiqi.organizations.models import Department, Organization

from .models import Programme
from .services.providers import LICENCE

AMOUNT = {"max_length": 30, "widget": forms.TextInput(attrs={"inputmode": "decimal"})}


class ProgrammeForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    level = forms.ChoiceField(label=_("层级"), choices=Programme.Level.choices)
    authority = forms.ModelChoiceField(label=_("主管机关"), queryset=Department.objects.none())
    parent = forms.ModelChoiceField(label=_("上级计划"), queryset=Programme.objects.none(), required=False)
    parent_share = forms.CharField(
        label=_("上级配套比例"), required=False, max_length=10, help_text=_("如 0.3 或 30%")
    )
    budget = forms.CharField(label=_("总预算（元）"), **AMOUNT)
    per_application_cap = forms.CharField(label=_("单次申请上限（元）"), **AMOUNT)
    per_year_cap = forms.CharField(label=_("每家企业年度上限（元）"), **AMOUNT)
    eligible_kinds = forms.MultipleChoiceField(
        label=_("可申请的单位类型"), choices=Organization.Kind.choices, initial=[Organization.Kind.ENTERPRISE]
    )
    use_by = forms.DateField(label=_("使用截止日期"), widget=DateInput())
    cash_by = forms.DateField(label=_("兑付申请截止日期"), widget=DateInput())
    bands = forms.CharField(
        label=_("价格档与可抵扣比例"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        initial="10000=1\n*=0.5",
        help_text=_(
            "每行一档：服务金额上限=可抵扣比例；* 表示不设上限。如 10000=1 表示 1 万元以下全额抵扣。"
        ),
    )

    def __init__(self, *args, departments, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = departments
        self.fields["parent"].queryset = parents

    def band_rows(self) -> list[tuple[str, str]]:
        rows = []
        for line in self.cleaned_data["bands"].splitlines():
            if line.strip():
                up_to, _sep, share = line.partition("=")
                rows.append((up_to.strip(), share.strip()))
        return rows


class ApplicationForm(BootstrapFormMixin, forms.Form):
    company = forms.ModelChoiceField(label=_("申请单位"), queryset=Organization.objects.none())
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=30)
    project = forms.CharField(label=_("项目简介"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    requested = forms.CharField(label=_("申请金额（元）"), **AMOUNT)

    def __init__(self, *args, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies


class ProviderForm(BootstrapFormMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("服务机构"), queryset=Organization.objects.none())
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=30)
    legal_representative = forms.CharField(label=_("法定代表人"), max_length=50)
    registered_address = forms.CharField(label=_("注册地址"), max_length=200)
    bank_name = forms.CharField(label=_("开户银行"), max_length=100)
    bank_account = forms.CharField(label=_("银行账号"), max_length=40)
    account_name = forms.CharField(label=_("账户名称"), max_length=100)
    licence = forms.FileField(
        label=_("营业执照或法人证书扫描件"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(f".{e}" for e in LICENCE.extensions)}),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class PayForm(forms.Form):
    account = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    amount = forms.CharField(label=_("抵扣金额（元）"), max_length=30)


class ClaimForm(BootstrapFormMixin, forms.Form):
    contract = forms.FileField(label=_("服务合同"))
    invoice = forms.FileField(label=_("发票"))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("approve", _("批准")),
            ("decline", _("不予批准")),
            ("reject", _("不予批准")),
            ("suspend", _("暂停")),
        ]
    )
    amount = forms.CharField(required=False, max_length=30)
    comment = forms.CharField(required=False, max_length=1000)


class AmountReasonForm(forms.Form):
    amount = forms.CharField(required=False, max_length=30)
    reason = forms.CharField(required=False, max_length=300)


class BatchStepForm(forms.Form):
    step = forms.ChoiceField(choices=[("review", _("完成审核")), ("pay", _("登记拨付"))])
    reference = forms.CharField(required=False, max_length=100)
