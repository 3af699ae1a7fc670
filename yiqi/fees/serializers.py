"""API shapes. Money is a string with two decimals ("1234.50"), never a float."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from yiqi.registry.api import VisibleInstrumentField
from yiqi.registry.models import Instrument
from yiqi.servicerecords.models import ServiceKind

from . import services
from .models import Charge, ChargeAdjustment, ChargeLine, FeeItem
from .statements import parse_month


def money(**kwargs):
    return serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True, **kwargs)


class FeeItemSerializer(serializers.ModelSerializer):
    instrument = VisibleInstrumentField(label=_("仪器"), queryset=Instrument.objects.all())
    instrument_name = serializers.CharField(source="instrument.name", read_only=True)
    component_label = serializers.CharField(source="get_component_display", read_only=True)
    basis_label = serializers.CharField(source="get_basis_display", read_only=True)
    applies_to_label = serializers.CharField(source="get_applies_to_display", read_only=True)
    rate_unit = serializers.CharField(read_only=True, help_text=_("如“元/小时”"))

    class Meta:
        model = FeeItem
        fields = [
            "id",
            "instrument",
            "instrument_name",
            "name",
            "component",
            "component_label",
            "basis",
            "basis_label",
            "applies_to",
            "applies_to_label",
            "rate_internal",
            "rate_academic",
            "rate_external",
            "rate_unit",
            "note",
            "position",
            "is_active",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]
        extra_kwargs = {
            "rate_internal": {"help_text": _("本单位人员的单价（元）")},
            "rate_academic": {"help_text": _("其他高校和科研院所人员的单价（元）")},
            "rate_external": {"help_text": _("企业及个人的单价（元）")},
        }

    def create(self, validated_data):
        return services.save_fee_item(FeeItem(**validated_data), actor=self.context["request"].user)

    def update(self, instance, validated_data):
        for field, value in validated_data.items():
            setattr(instance, field, value)
        return services.save_fee_item(instance, actor=self.context["request"].user)


class ChargeLineSerializer(serializers.ModelSerializer):
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    component_label = serializers.CharField(source="get_component_display", read_only=True)
    basis_label = serializers.CharField(source="get_basis_display", read_only=True)

    class Meta:
        model = ChargeLine
        fields = [
            "stage",
            "stage_label",
            "description",
            "component",
            "component_label",
            "basis",
            "basis_label",
            "quantity",
            "unit_price",
            "amount",
        ]
        read_only_fields = fields


class AdjustmentSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    requested_by_name = serializers.CharField(
        source="requested_by.get_full_name", read_only=True, default=None
    )
    decided_by_name = serializers.CharField(source="decided_by.get_full_name", read_only=True, default=None)

    class Meta:
        model = ChargeAdjustment
        fields = [
            "id",
            "amount",
            "reason",
            "status",
            "status_label",
            "requested_by",
            "requested_by_name",
            "decided_by",
            "decided_by_name",
            "decided_at",
            "decision_comment",
            "created_at",
        ]
        read_only_fields = fields


class ChargeSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    instrument_name = serializers.CharField(source="instrument.name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    payer_name = serializers.CharField(source="payer.get_full_name", read_only=True)
    payer_organization_name = serializers.CharField(
        source="payer_organization.name", read_only=True, default=None
    )
    user_category_label = serializers.CharField(source="get_user_category_display", read_only=True)
    service = serializers.ChoiceField(choices=ServiceKind.choices, read_only=True)
    reference = serializers.CharField(
        source="record.reference", read_only=True, help_text=_("服务单号或预约时段")
    )
    service_url = serializers.CharField(
        source="record.get_absolute_url", read_only=True, help_text=_("预约或委托测试的页面")
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    lines = ChargeLineSerializer(many=True, read_only=True, help_text=_("报价（quote）和结算（bill）明细"))
    adjustments = AdjustmentSerializer(many=True, read_only=True)
    available_actions = serializers.SerializerMethodField(
        help_text=_("当前用户可执行的操作：adjust（申请调整）、record_payment（登记缴费）")
    )

    class Meta:
        model = Charge
        fields = [
            "id",
            "number",
            "instrument",
            "instrument_name",
            "unit",
            "unit_name",
            "record",
            "service",
            "reference",
            "service_url",
            "payer",
            "payer_name",
            "payer_organization",
            "payer_organization_name",
            "user_category",
            "user_category_label",
            "status",
            "status_label",
            "quoted_total",
            "total",
            "billed_at",
            "paid_at",
            "paid_on",
            "payment_reference",
            "lines",
            "adjustments",
            "available_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_actions(self, charge: Charge) -> list[str]:
        return services.available_actions(charge, self.context["access"])


class AdjustRequestSerializer(serializers.Serializer):
    amount = serializers.DecimalField(
        label=_("调整金额（元）"),
        max_digits=12,
        decimal_places=2,
        help_text=_("加收为正数，减免为负数，不能为零"),
    )
    reason = serializers.CharField(label=_("调整原因"), max_length=300, allow_blank=True)


class DecisionSerializer(serializers.Serializer):
    adjustment = serializers.IntegerField(label=_("调整申请"), help_text=_("该费用单下待审批的调整 id"))
    decision = serializers.ChoiceField(
        label=_("审批结果"), choices=[("approve", _("批准")), ("reject", _("驳回"))]
    )
    comment = serializers.CharField(
        label=_("审批意见"), max_length=300, required=False, allow_blank=True, help_text=_("驳回时必填")
    )


class PaymentSerializer(serializers.Serializer):
    reference = serializers.CharField(label=_("缴费凭证号"), max_length=100, allow_blank=True)
    paid_on = serializers.DateField(label=_("到账日期"))


class StatementQuerySerializer(serializers.Serializer):
    month = serializers.CharField(
        label=_("出账月份"), required=False, allow_blank=True, help_text=_("YYYY-MM，默认本月")
    )
    unit = serializers.IntegerField(
        label=_("管理单位"),
        required=False,
        help_text=_("给出时为该单位的收费对账单；不给出时为本人及本单位应付"),
    )

    def validate_month(self, value):
        try:
            return parse_month(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None


class StatementRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="charge.pk")
    number = serializers.CharField(source="charge.number")
    billed_at = serializers.DateTimeField(source="charge.billed_at")
    instrument = serializers.IntegerField(source="charge.instrument_id")
    instrument_name = serializers.CharField(source="charge.instrument.name")
    unit = serializers.IntegerField(source="charge.unit_id")
    unit_name = serializers.CharField(source="charge.unit.name")
    payer = serializers.IntegerField(source="charge.payer_id")
    payer_name = serializers.CharField(source="charge.payer.get_full_name")
    user_category = serializers.ChoiceField(
        source="charge.user_category", choices=Charge._meta.get_field("user_category").choices
    )
    service = serializers.CharField(source="charge.service")
    lines_summary = serializers.CharField()
    amount = money(help_text=_("结算明细合计"))
    adjustments = money(help_text=_("已批准的调整合计"))
    total = money(source="charge.total", help_text=_("应收金额 = 结算金额 + 调整"))
    # A plain string: an enum here would give the charge status two component names in the schema.
    status = serializers.CharField(source="charge.status", help_text=_("同费用单的 status"))
    status_label = serializers.CharField(source="charge.get_status_display")
    payment_reference = serializers.CharField(source="charge.payment_reference")
    paid_on = serializers.DateField(source="charge.paid_on", allow_null=True)


class StatementGroupSerializer(serializers.Serializer):
    organization = serializers.IntegerField(
        source="organization.pk", allow_null=True, default=None, help_text=_("付费单位；个人用户为 null")
    )
    label = serializers.CharField()
    subtotal = money()
    charges = StatementRowSerializer(source="rows", many=True)


class StatementSerializer(serializers.Serializer):
    month = serializers.SerializerMethodField(help_text=_("YYYY-MM"))
    unit = serializers.IntegerField(source="unit.pk", allow_null=True, default=None)
    unit_name = serializers.CharField(source="unit.name", allow_null=True, default=None)
    groups = StatementGroupSerializer(many=True)
    count = serializers.SerializerMethodField()
    amount = money()
    adjustments = money()
    total = money(help_text=_("各付费单位小计之和，等于所列账单应收金额之和"))

    def get_month(self, statement) -> str:
        return f"{statement.month:%Y-%m}"

    def get_count(self, statement) -> int:
        return len(statement.rows)
