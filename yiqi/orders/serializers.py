"""API representations of orders. Confidential fields are null for anyone ``services`` does not let see them."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject

from yiqi.accounts.models import User
from yiqi.core.api import BoundedJSONField, MomentField
from yiqi.core.models import AuditEvent
from yiqi.organizations.models import Organization
from yiqi.registry import scoping
from yiqi.registry.models import Instrument

from . import services
from .models import OrderFormField, OrderResult, OrderStatus


class OrderFormFieldSerializer(serializers.ModelSerializer):
    choices = serializers.ListField(
        source="choice_list", child=serializers.CharField(), read_only=True, help_text=_("单选题的选项")
    )

    class Meta:
        model = OrderFormField
        fields = ["key", "label", "help_text", "field_type", "choices", "required", "position"]


class OrderEventSerializer(serializers.ModelSerializer):
    """One row of the order's audit trail, under the keys the API has always used."""

    from_status = serializers.CharField(
        source="from_state", read_only=True, help_text=_("原状态（status 的取值；提交时为空）")
    )
    to_status = serializers.CharField(
        source="to_state", read_only=True, help_text=_("新状态（status 的取值）")
    )
    actor_name = serializers.CharField(source="actor.get_full_name", read_only=True, allow_null=True)

    class Meta:
        model = AuditEvent
        fields = ["id", "from_status", "to_status", "actor", "actor_name", "comment", "created_at"]
        read_only_fields = fields


class OrderResultSerializer(serializers.ModelSerializer):
    downloaded_at = serializers.DateTimeField(
        label=_("用户首次下载"),
        read_only=True,
        allow_null=True,
        help_text=_("委托人第一次下载该文件的时间（取自下载记录）；未下载为 null"),
    )
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = OrderResult
        fields = ["id", "original_name", "size", "uploaded_at", "downloaded_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, result: OrderResult) -> str:
        return reverse("api-order-download-result", args=[result.order_id, result.pk])


class ChargeSummarySerializer(serializers.Serializer):
    status = serializers.CharField(help_text=_("quoted 报价、billed 已出账单、paid 已缴费、void 已作废"))
    user_category = serializers.CharField(help_text=_("internal、academic、external"))
    quoted_total = serializers.DecimalField(max_digits=12, decimal_places=2)
    total = serializers.DecimalField(max_digits=12, decimal_places=2)


# Shown to everyone who sees the order in a list.
SUMMARY_FIELDS = frozenset(
    {
        "id",
        "number",
        "instrument",
        "instrument_name",
        "unit_name",
        "status",
        "status_label",
        "created_at",
        "updated_at",
    }
)
# Also shown to platform admins (oversight): quantities and money, nothing about the samples.
OVERSIGHT_FIELDS = SUMMARY_FIELDS | {
    "user_organization", "user_organization_name", "is_internal", "sample_count", "estimated_hours",
    "machine_hours", "tested_from", "tested_until", "charge",
}  # fmt: skip


class OrderSerializer(serializers.Serializer):
    """An order. Fields a reader may not see are null: other technicians of the unit get the summary (number,
    instrument, status, dates), platform admins also quantities and fees; only the ordering user and the staff
    serving the order get the samples, answers, comments and results."""

    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True, help_text=_("WT + 日期 + 当日序号"))
    instrument = serializers.IntegerField(source="instrument_id", read_only=True)
    instrument_name = serializers.CharField(source="instrument.name", read_only=True)
    unit_name = serializers.CharField(source="instrument.unit.name", read_only=True)
    status = serializers.ChoiceField(choices=OrderStatus.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    user_organization = serializers.IntegerField(
        source="user_organization_id", read_only=True, allow_null=True
    )
    user_organization_name = serializers.CharField(
        source="user_organization.name", read_only=True, allow_null=True
    )
    is_internal = serializers.BooleanField(read_only=True, allow_null=True, help_text=_("用户单位即管理单位"))
    sample_count = serializers.IntegerField(read_only=True, allow_null=True)
    estimated_hours = serializers.DecimalField(
        max_digits=8, decimal_places=2, read_only=True, allow_null=True
    )
    machine_hours = serializers.DecimalField(max_digits=8, decimal_places=2, read_only=True, allow_null=True)
    tested_from = MomentField(read_only=True, allow_null=True)
    tested_until = MomentField(read_only=True, allow_null=True)
    charge = ChargeSummarySerializer(source="record.charge", read_only=True, allow_null=True)

    user = serializers.IntegerField(source="user_id", read_only=True, allow_null=True)
    user_name = serializers.CharField(source="user.get_full_name", read_only=True, allow_null=True)
    sample_name = serializers.CharField(read_only=True, allow_null=True)
    sample_description = serializers.CharField(read_only=True, allow_null=True)
    requirements = serializers.CharField(read_only=True, allow_null=True)
    answers = serializers.JSONField(read_only=True, allow_null=True, help_text=_("补充信息：字段标识 → 回答"))
    return_samples = serializers.BooleanField(read_only=True, allow_null=True)
    assigned_staff = serializers.SerializerMethodField(help_text=_("负责人员的用户 id"))
    results = serializers.SerializerMethodField(help_text=_("结果文件（用户在结果发布后可见）"))
    events = serializers.SerializerMethodField(help_text=_("办理记录"))
    available_actions = serializers.SerializerMethodField(
        help_text=_("当前用户现在可执行的操作（transition 接口的 action 取值）")
    )

    @property
    def _access(self):
        return self.context["access"]

    def _allowed_fields(self, order) -> frozenset:
        confidential_ids = self.context.get("confidential_ids")
        if confidential_ids is None:
            confidential = services.can_see_confidential(self._access, order)
        else:
            confidential = order.pk in confidential_ids
        if confidential:
            return frozenset(self.fields)
        return OVERSIGHT_FIELDS if self._access.is_platform_admin else SUMMARY_FIELDS

    def _serving(self, order) -> bool | None:
        """Whether the reader serves the order, when the list worked it out for the whole page."""
        serving_ids = self.context.get("serving_ids")
        return None if serving_ids is None else order.pk in serving_ids

    def to_representation(self, order):
        allowed = self._allowed_fields(order)
        data = {}
        for field in self._readable_fields:
            if field.field_name not in allowed:
                data[field.field_name] = None
                continue
            try:
                attribute = field.get_attribute(order)
            except SkipField:
                continue
            value = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            data[field.field_name] = None if value is None else field.to_representation(attribute)
        return data

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField(), allow_null=True))
    def get_assigned_staff(self, order) -> list[int]:
        return [user.pk for user in order.assigned_staff.all()]

    @extend_schema_field(OrderResultSerializer(many=True, allow_null=True))
    def get_results(self, order):
        results = services.visible_results(self._access, order, serving=self._serving(order))
        return OrderResultSerializer(results, many=True).data

    @extend_schema_field(OrderEventSerializer(many=True, allow_null=True))
    def get_events(self, order):
        trails = self.context.get("audit_trails")
        if trails is None:
            trails = services.audit_trails([order])
        return OrderEventSerializer(trails.get(order.pk, []), many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField(), allow_null=True))
    def get_available_actions(self, order) -> list[str]:
        return services.available_actions(order, self._access, serving=self._serving(order))


class VisibleInstrumentField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return scoping.visible_instruments(self.context["access"], super().get_queryset())


class OrderCreateSerializer(serializers.Serializer):
    """What a user sends to order a test; ``services.submit_order`` checks every rule."""

    instrument = VisibleInstrumentField(label=_("仪器"), queryset=Instrument.objects.all())
    sample_name = serializers.CharField(label=_("样品名称"), allow_blank=True, default="")
    sample_count = serializers.IntegerField(label=_("样品数量"), help_text=_("至少 1"))
    sample_description = serializers.CharField(label=_("样品描述"), allow_blank=True, default="")
    requirements = serializers.CharField(label=_("检测要求"), allow_blank=True, default="")
    answers = BoundedJSONField(
        label=_("补充信息"), required=False, help_text=_("该仪器委托单字段的回答：字段标识 → 值")
    )
    return_samples = serializers.BooleanField(label=_("检测后退还样品"), default=False)
    user_organization = serializers.PrimaryKeyRelatedField(
        label=_("用户单位"),
        queryset=Organization.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("默认为用户所属的第一个单位"),
    )


class OrderTransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        label=_("操作"), choices=[(name, step.label) for name, step in services.TRANSITIONS.items()]
    )
    comment = serializers.CharField(
        label=_("说明"), required=False, allow_blank=True, default="", help_text=_("reject、close 时必填")
    )
    hours = serializers.DecimalField(
        label=_("预估机时"), max_digits=10, decimal_places=2, required=False, help_text=_("quote 时必填")
    )
    machine_hours = serializers.DecimalField(
        label=_("实际机时"),
        max_digits=10,
        decimal_places=2,
        required=False,
        help_text=_("publish_results 时必填"),
    )
    tested_from = MomentField(
        label=_("检测开始"), required=False, help_text=_("publish_results；默认为开始检测的时间")
    )
    tested_until = MomentField(
        label=_("检测结束"), required=False, help_text=_("publish_results；默认为现在")
    )


class OrderStaffSerializer(serializers.Serializer):
    staff = serializers.PrimaryKeyRelatedField(
        label=_("负责人员"),
        many=True,
        queryset=User.objects.filter(is_active=True),
        help_text=_("本单位实验技术人员"),
    )


class OrderResultUploadSerializer(serializers.Serializer):
    files = serializers.ListField(label=_("结果文件"), child=serializers.FileField(), allow_empty=True)
