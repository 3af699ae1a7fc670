"""API shapes. Money is a string with two decimals ("1234.50"), never a float; amounts people send are strings
checked by the services (at most two decimals, within the programme's rules)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import (
    Batch,
    Claim,
    Payment,
    PriceBand,
    Programme,
    ProviderRegistration,
    QuotaApplication,
)
from .services.presenters import flag_labels


def money(**kwargs):
    return serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, **kwargs)


def amount_input(label):
    return serializers.CharField(label=label, max_length=30, help_text=_("元，最多两位小数，如 1200.50"))


class PriceBandSerializer(serializers.ModelSerializer):
    class Meta:
        model = PriceBand
        fields = ["up_to", "covered_share"]


class ProgrammeSerializer(serializers.ModelSerializer):
    bands = PriceBandSerializer(many=True, read_only=True)
    authority_name = serializers.CharField(source="authority.name", read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id", "name", "year", "level", "level_label", "authority", "authority_name", "region", "parent",
            "parent_share", "budget", "per_application_cap", "per_year_cap", "eligible_kinds", "use_by", "cash_by",
            "is_open", "bands",
        ]  # fmt: skip
        read_only_fields = fields


class BandInputSerializer(serializers.Serializer):
    up_to = serializers.CharField(
        label=_("服务金额不超过（元）"), required=False, allow_blank=True, allow_null=True, max_length=30
    )
    covered_share = serializers.CharField(label=_("可抵扣比例"), max_length=10)


class ProgrammeInputSerializer(serializers.Serializer):
    name = serializers.CharField(label=_("名称"), max_length=100)
    year = serializers.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    level = serializers.ChoiceField(
        label=_("层级"), choices=Programme.Level.choices, default=Programme.Level.PROVINCE
    )
    authority = serializers.IntegerField(label=_("主管机关 id"), min_value=1, max_value=2**31 - 1)
    region = serializers.CharField(label=_("区划代码"), max_length=6)
    parent = serializers.IntegerField(
        label=_("上级计划 id"), required=False, min_value=1, max_value=2**31 - 1
    )
    parent_share = serializers.CharField(label=_("上级配套比例"), required=False, max_length=10)
    budget = amount_input(_("总预算（元）"))
    per_application_cap = amount_input(_("单次申请上限（元）"))
    per_year_cap = amount_input(_("每家企业年度上限（元）"))
    eligible_kinds = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, max_length=5
    )
    use_by = serializers.DateField(label=_("使用截止日期"))
    cash_by = serializers.DateField(label=_("兑付申请截止日期"))
    bands = BandInputSerializer(many=True, max_length=10)


class BalancesMixin(serializers.Serializer):
    granted = money()
    available = money()
    held = money()
    spent = money()
    redeemed = money()
    paid = money()
    expired = money()


class BalancesSerializer(BalancesMixin):
    """One row of the report: where the voucher money is (``ledger.Balances``), as strings to the fen."""

    spent_total = money()
    redeemed_total = money()


class CompanyTotalsSerializer(BalancesSerializer):
    company_id = serializers.IntegerField()
    company = serializers.CharField()


class ProviderTotalsSerializer(BalancesSerializer):
    provider_id = serializers.IntegerField()
    provider = serializers.CharField()


class CoFundingSerializer(serializers.Serializer):
    programme_id = serializers.IntegerField()
    programme = serializers.CharField()
    share = serializers.DecimalField(max_digits=5, decimal_places=4)
    paid = money()
    co_funded = money()


class ReportSerializer(serializers.Serializer):
    programme = serializers.IntegerField(source="programme.pk")
    budget = money()
    unallocated = money()
    totals = BalancesSerializer()
    paid_by_parent = money()
    paid_by_programme = money()
    co_funding = CoFundingSerializer(many=True)
    co_funding_total = money()
    companies = CompanyTotalsSerializer(many=True)
    providers = ProviderTotalsSerializer(many=True)


class ApplicationSerializer(serializers.ModelSerializer):
    company_name = serializers.CharField(source="company.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = QuotaApplication
        fields = [
            "id", "programme", "company", "company_name", "credit_code", "project", "requested", "approved_amount",
            "status", "status_label", "decided_at", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class ApplicationInputSerializer(serializers.Serializer):
    programme = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    company = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    credit_code = serializers.CharField(label=_("统一社会信用代码"), max_length=30)
    project = serializers.CharField(label=_("项目简介"), max_length=2000)
    requested = amount_input(_("申请金额（元）"))


class QuotaDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("approve", _("批准")), ("decline", _("不予批准"))])
    amount = serializers.CharField(
        required=False, allow_blank=True, max_length=30, help_text=_("批准金额，默认为申请金额")
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class StepSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class AccountSerializer(BalancesMixin):
    id = serializers.IntegerField(source="account.pk")
    programme = serializers.IntegerField(source="account.programme_id")
    programme_name = serializers.CharField(source="account.programme.name")
    company = serializers.IntegerField(source="account.company_id")
    company_name = serializers.CharField(source="account.company.name")


class ClawbackSerializer(serializers.Serializer):
    amount = amount_input(_("收回金额（元）"))
    reason = serializers.CharField(label=_("原因"), max_length=300)


class ProviderSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ProviderRegistration
        fields = [
            "id", "programme", "unit", "unit_name", "credit_code", "legal_representative", "registered_address",
            "bank_name", "bank_account", "account_name", "licence_name", "status", "status_label", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class ProviderInputSerializer(serializers.Serializer):
    programme = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    unit = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    credit_code = serializers.CharField(max_length=30)
    legal_representative = serializers.CharField(max_length=50)
    registered_address = serializers.CharField(max_length=200)
    bank_name = serializers.CharField(max_length=100)
    bank_account = serializers.CharField(max_length=40)
    account_name = serializers.CharField(max_length=100)
    licence = serializers.FileField(label=_("营业执照或法人证书扫描件（PDF、JPG、PNG）"))


class ProviderDecisionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=[("approve", _("批准")), ("reject", _("不予批准")), ("suspend", _("暂停"))]
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class PaymentSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    company = serializers.IntegerField(source="account.company_id", read_only=True)
    programme = serializers.IntegerField(source="account.programme_id", read_only=True)
    unit = serializers.IntegerField(source="record.unit_id", read_only=True)
    charge_total = money(source="charge.total")

    class Meta:
        model = Payment
        fields = [
            "id", "record", "charge", "charge_total", "account", "programme", "company", "unit", "amount", "status",
            "status_label", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class PaymentInputSerializer(serializers.Serializer):
    record = serializers.IntegerField(label=_("服务记录 id"), min_value=1, max_value=2**63 - 1)
    account = serializers.IntegerField(label=_("创新券账户 id"), min_value=1, max_value=2**63 - 1)
    amount = amount_input(_("抵扣金额（元）"))


class ClaimSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    flag_labels = serializers.SerializerMethodField()
    unit_name = serializers.CharField(source="provider.unit.name", read_only=True)
    record = serializers.IntegerField(source="payment.record_id", read_only=True)
    month = serializers.DateField(source="batch.month", read_only=True)

    class Meta:
        model = Claim
        fields = [
            "id", "payment", "record", "provider", "unit_name", "batch", "month", "amount", "flags", "flag_labels",
            "contract_name", "invoice_name", "status", "status_label", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_flag_labels(self, claim) -> list[str]:
        return flag_labels(claim.flags)


class ClaimInputSerializer(serializers.Serializer):
    payment = serializers.IntegerField(label=_("创新券抵扣 id"), min_value=1, max_value=2**63 - 1)
    contract = serializers.FileField(label=_("服务合同（PDF、JPG、PNG）"))
    invoice = serializers.FileField(label=_("发票（PDF、JPG、PNG）"))


class ClaimDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("approve", _("核准")), ("reject", _("不予核准"))])
    comment = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class BatchSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Batch
        fields = ["id", "programme", "month", "status", "status_label", "payout_reference", "paid_at"]
        read_only_fields = fields


class PayoutSerializer(serializers.Serializer):
    reference = serializers.CharField(label=_("拨付凭证号"), max_length=100)
