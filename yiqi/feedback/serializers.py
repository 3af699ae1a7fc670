"""API shapes. Ranges, lengths and rights are checked by ``services``, not here, so web and API agree."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from yiqi.accounts.access import access_for
from yiqi.organizations.models import Organization
from yiqi.registry import scoping
from yiqi.registry.models import Instrument
from yiqi.servicerecords.models import ServiceRecord

from . import services
from .models import Complaint, Rating


def _access(serializer):
    return access_for(serializer.context["request"].user)


class OwnRecordField(serializers.PrimaryKeyRelatedField):
    """One of the requesting user's service records: other people's ids reveal nothing.

    With ``relation`` ("booking", "test_order": the kind's row on the record) the id is that of the booking or
    order behind the record, as the API took before service records; it reads back as that id too.
    """

    def __init__(self, relation: str = "", **kwargs):
        self.relation = relation
        kwargs.setdefault("queryset", ServiceRecord.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(user=self.context["request"].user)

    def use_pk_only_optimization(self):
        return not self.relation

    def to_internal_value(self, data):
        if not self.relation:
            return super().to_internal_value(data)
        try:
            return self.get_queryset().get(**{f"{self.relation}__pk": int(data)})
        except (ServiceRecord.DoesNotExist, TypeError, ValueError):
            self.fail("does_not_exist", pk_value=data)

    def to_representation(self, value):
        if not self.relation:
            return super().to_representation(value)
        detail = getattr(value, self.relation, None)
        return detail.pk if detail is not None else None


def one_service(serializer, data: dict, message: str) -> dict:
    """At most one of ``record``, ``booking``, ``order`` names the service (all three fill ``record``)."""
    given = [
        name for name in ("record", "booking", "order") if serializer.initial_data.get(name) not in (None, "")
    ]
    if len(given) > 1:
        raise serializers.ValidationError({given[-1]: [message]})
    return data


class VisibleInstrumentField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return scoping.visible_instruments(_access(self), super().get_queryset())


SCORE_HELP = _("1 至 5 的整数")


class RatingSerializer(serializers.ModelSerializer):
    """A rating as anyone sees it: the rater masked ("张**") with their organisation kind."""

    instrument_name = serializers.CharField(source="instrument.name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    rater = serializers.SerializerMethodField(help_text=_("评价人（仅显示姓氏，如“张**”）"))
    # Plain strings, not enums: the codes are those of the organisations' ``kind`` (one schema enum, not two).
    rater_kind = serializers.CharField(
        read_only=True,
        help_text=_("评价人单位类型：university、research_institute、enterprise、hospital、other"),
    )
    rater_kind_label = serializers.CharField(source="get_rater_kind_display", read_only=True)

    class Meta:
        model = Rating
        fields = [
            "id",
            "instrument",
            "instrument_name",
            "unit",
            "unit_name",
            "rater",
            "rater_kind",
            "rater_kind_label",
            "overall",
            "timeliness",
            "attitude",
            "result_quality",
            "comment",
            "reply",
            "replied_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_rater(self, rating: Rating) -> str:
        return services.mask_name(rating.user)


class RatingCreateSerializer(serializers.Serializer):
    record = OwnRecordField(
        label=_("服务记录"),
        required=False,
        allow_null=True,
        help_text=_("您本人已完成的服务记录；也可用 booking 或 order 指定，三者选一"),
        error_messages={"does_not_exist": _("服务记录“{pk_value}”不存在。")},
    )
    booking = OwnRecordField(
        "booking",
        source="record",
        label=_("预约"),
        required=False,
        allow_null=True,
        help_text=_("您本人已完成的预约；与 order 二选一"),
        error_messages={"does_not_exist": _("预约“{pk_value}”不存在。")},
    )
    order = OwnRecordField(
        "test_order",
        source="record",
        label=_("委托测试单"),
        required=False,
        allow_null=True,
        help_text=_("您本人已完成的委托测试单；与 booking 二选一"),
        error_messages={"does_not_exist": _("委托测试单“{pk_value}”不存在。")},
    )
    overall = serializers.IntegerField(label=_("总体评价"), help_text=SCORE_HELP)
    timeliness = serializers.IntegerField(label=_("及时性"), help_text=SCORE_HELP)
    attitude = serializers.IntegerField(label=_("服务态度"), help_text=SCORE_HELP)
    result_quality = serializers.IntegerField(label=_("结果质量"), help_text=SCORE_HELP)
    comment = serializers.CharField(
        label=_("评价内容"),
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text=_("纯文本，不超过 1000 字"),
    )

    def validate(self, attrs):
        return one_service(self, attrs, _("请指定要评价的一次预约或一份委托测试单。"))

    def create(self, validated_data):
        return services.rate(
            user=self.context["request"].user, record=validated_data.pop("record", None), **validated_data
        )


class ReplySerializer(serializers.Serializer):
    reply = serializers.CharField(
        label=_("单位回复"),
        allow_blank=True,
        trim_whitespace=False,
        help_text=_("不超过 1000 字；只能回复一次"),
    )


class ComplaintEventSerializer(serializers.Serializer):
    """One row of ``services.history``, under the keys the API has always used."""

    action = serializers.CharField()
    action_label = serializers.CharField()
    from_status = serializers.CharField(source="from_state", help_text=_("原状态（投诉 status 的取值）"))
    to_status = serializers.CharField(source="to_state", help_text=_("新状态（投诉 status 的取值）"))
    actor_name = serializers.SerializerMethodField()
    comment = serializers.CharField()
    created_at = serializers.DateTimeField(source="at")

    def get_actor_name(self, row: dict) -> str | None:
        return row["actor_name"] if row["actor"] is not None else None  # None: the daily job


class ComplaintSerializer(serializers.ModelSerializer):
    unit = serializers.PrimaryKeyRelatedField(
        label=_("被投诉单位"),
        queryset=Organization.objects.management_units(),
        required=False,
        allow_null=True,
        help_text=_("可省略：填写仪器或关联预约、委托测试单时取其管理单位"),
        error_messages={"does_not_exist": _("单位“{pk_value}”不存在。")},
    )
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    instrument = VisibleInstrumentField(
        label=_("涉及仪器"),
        queryset=Instrument.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("仪器“{pk_value}”不存在。")},
    )
    instrument_name = serializers.CharField(source="instrument.name", read_only=True, allow_null=True)
    record = OwnRecordField(
        label=_("相关服务"),
        required=False,
        allow_null=True,
        help_text=_("您本人的服务记录；也可用 booking 或 order 指定，三者选一"),
        error_messages={"does_not_exist": _("服务记录“{pk_value}”不存在。")},
    )
    booking = OwnRecordField(
        "booking",
        source="record",
        label=_("关联预约"),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("预约“{pk_value}”不存在。")},
    )
    order = OwnRecordField(
        "test_order",
        source="record",
        label=_("关联委托测试单"),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("委托测试单“{pk_value}”不存在。")},
    )
    subject = serializers.CharField(label=_("投诉事项"), allow_blank=True, help_text=_("不超过 100 字"))
    description = serializers.CharField(
        label=_("详细情况"), allow_blank=True, trim_whitespace=False, help_text=_("不超过 3000 字")
    )
    complainant_name = serializers.CharField(source="complainant.get_full_name", read_only=True)
    status = serializers.CharField(
        read_only=True, help_text=_("状态：open 待处理、in_progress 处理中、resolved 已办结、closed 已关闭")
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True, help_text=_("已过办理期限仍未办结"))
    available_actions = serializers.SerializerMethodField(
        help_text=_("当前用户可执行的操作：accept、resolve、confirm、reopen、comment")
    )

    class Meta:
        model = Complaint
        fields = [
            "id",
            "number",
            "unit",
            "unit_name",
            "instrument",
            "instrument_name",
            "record",
            "booking",
            "order",
            "subject",
            "description",
            "complainant_name",
            "status",
            "status_label",
            "due_on",
            "is_overdue",
            "outcome",
            "upheld",
            "resolved_at",
            "auto_close_on",
            "reopened_at",
            "escalated_at",
            "created_at",
            "available_actions",
        ]
        read_only_fields = ["number", "status", "due_on", "outcome", "upheld", "resolved_at", "created_at"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_actions(self, complaint: Complaint) -> list[str]:
        return [str(action) for action in services.available_actions(complaint, _access(self))]

    def validate(self, attrs):
        return one_service(self, attrs, _("一件投诉只能关联一次预约或一份委托测试单。"))

    def create(self, validated_data):
        return services.file_complaint(user=self.context["request"].user, **validated_data)


class ComplaintDetailSerializer(ComplaintSerializer):
    events = serializers.SerializerMethodField(help_text=_("办理记录，按时间先后"))

    class Meta(ComplaintSerializer.Meta):
        fields = [*ComplaintSerializer.Meta.fields, "events"]

    @extend_schema_field(ComplaintEventSerializer(many=True))
    def get_events(self, complaint: Complaint) -> list[dict]:
        return ComplaintEventSerializer(services.history(complaint), many=True).data


class ComplaintTransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        label=_("操作"), choices=[(action.value, action.label) for action in services.USER_ACTIONS]
    )
    comment = serializers.CharField(
        label=_("说明"),
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text=_("办结时为处理结果（必填）；要求重新办理、补充意见时必填"),
    )
    upheld = serializers.BooleanField(
        label=_("投诉是否成立"), required=False, allow_null=True, help_text=_("办结时必填：投诉是否成立")
    )
