"""API representations of usage records and totals. Writes go through ``services``."""

import datetime as dt

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from yiqi.core.api import MomentField
from yiqi.organizations.models import Organization
from yiqi.registry import scoping
from yiqi.registry.models import Instrument

from . import services, totals
from .models import UsageRecord


class VisibleInstrumentField(serializers.PrimaryKeyRelatedField):
    """An instrument the requesting user can see, so that ids of others' drafts reveal nothing."""

    def get_queryset(self):
        return scoping.visible_instruments(self.context["access"], Instrument.objects.all())


class UsageRecordSerializer(serializers.ModelSerializer):
    # Times people send: offsets within ±15:59, dates in the sane range (the model's validators narrow them).
    serializer_field_mapping = serializers.ModelSerializer.serializer_field_mapping | {
        models.DateTimeField: MomentField
    }
    instrument = VisibleInstrumentField(label=_("仪器"))
    instrument_name = serializers.CharField(source="instrument.name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    user_organization = serializers.PrimaryKeyRelatedField(
        label=_("使用人单位"),
        queryset=Organization.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("不填或为本单位：单位内使用；其他单位：对外服务"),
    )
    user_organization_name = serializers.CharField(
        source="user_organization.name", read_only=True, allow_null=True
    )
    machine_hours = serializers.DecimalField(
        label=_("有效机时（小时）"),
        max_digits=8,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text=_("不填按起止时间计算；可以少于、不能多于起止时间之差"),
    )
    fee = serializers.DecimalField(label=_("收费（元）"), max_digits=12, decimal_places=2, required=False)
    evidence = serializers.FileField(
        label=_("佐证材料"),
        write_only=True,
        required=False,
        help_text=_("线下登记必填：PDF、JPG、PNG、.xlsx 或 .docx，不超过 10 MB（multipart/form-data）"),
    )
    evidence_url = serializers.SerializerMethodField(
        help_text=_("佐证材料下载地址（仅本单位人员、主管部门和平台管理员）")
    )
    can_change = serializers.SerializerMethodField(help_text=_("当前用户能否修改或删除该记录"))
    booking = serializers.SerializerMethodField(help_text=_("产生该记录的预约（预约上机时）"))
    order = serializers.SerializerMethodField(help_text=_("产生该记录的委托测试单（委托测试时）"))

    class Meta:
        model = UsageRecord
        fields = [
            "id",
            "source",
            "instrument",
            "instrument_name",
            "unit",
            "unit_name",
            "record",
            "booking",
            "order",
            "user",
            "user_name",
            "user_organization",
            "user_organization_name",
            "is_external",
            "purpose",
            "started_at",
            "ended_at",
            "machine_hours",
            "measured",
            "verified_hours",
            "sample_count",
            "service_content",
            "fee",
            "evidence",
            "evidence_url",
            "recorded_by",
            "created_at",
            "can_change",
        ]
        read_only_fields = [
            "source",
            "unit",
            "record",
            "user",
            "is_external",
            "recorded_by",
            "created_at",
        ]

    def get_evidence_url(self, record: UsageRecord) -> str | None:
        if not record.evidence or not services.can_download_evidence(self.context["access"], record):
            return None
        return self.context["request"].build_absolute_uri(
            reverse("api-usage-record-evidence", args=[record.pk])
        )

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_booking(self, record: UsageRecord) -> int | None:
        return services.service_detail_id(record, UsageRecord.Source.BOOKING)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_order(self, record: UsageRecord) -> int | None:
        return services.service_detail_id(record, UsageRecord.Source.ORDER)

    def get_can_change(self, record: UsageRecord) -> bool:
        return services.can_change(self.context["access"], record)

    def create(self, validated_data):
        return services.record_manual_usage(actor=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        return services.update_manual_usage(instance, actor=self.context["request"].user, **validated_data)


class TotalsQuerySerializer(serializers.Serializer):
    group_by = serializers.ChoiceField(
        label=_("汇总方式"),
        choices=[(g, g) for g in totals.GROUPINGS],
        default="unit",
        help_text=_("instrument 仪器、unit 单位、department 主管部门、region 地区（省、市两级）"),
    )
    start = serializers.DateField(
        label=_("开始日期"),
        required=False,
        help_text=_("默认本年 1 月 1 日"),
        validators=[totals.validate_period_date],
    )
    end = serializers.DateField(
        label=_("截止日期（含当日）"),
        required=False,
        help_text=_("默认本年 12 月 31 日"),
        validators=[totals.validate_period_date],
    )

    def validate(self, data):
        year = timezone.localdate().year
        data.setdefault("start", dt.date(year, 1, 1))
        data.setdefault("end", dt.date(year, 12, 31))
        if data["end"] < data["start"]:
            raise serializers.ValidationError({"end": _("截止日期不能早于开始日期。")})
        return data


class TotalsRowSerializer(serializers.Serializer):
    id = serializers.SerializerMethodField(help_text=_("仪器、单位或主管部门的 id；地区行为 null"))
    code = serializers.SerializerMethodField(help_text=_("地区行的 6 位行政区划代码；其他为 null"))
    label = serializers.CharField()
    level = serializers.IntegerField(allow_null=True, help_text=_("地区行：1 省级，2 市级"))
    machine_hours = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text=_("有效机时（全部记录）")
    )
    external_hours = serializers.DecimalField(max_digits=14, decimal_places=2, help_text=_("对外服务机时"))
    internal_hours = serializers.DecimalField(max_digits=14, decimal_places=2, help_text=_("单位内机时"))
    sharing_rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=4,
        allow_null=True,
        help_text=_("共享率 = 对外服务机时 / 有效机时；无机时为 null"),
    )
    records = serializers.IntegerField(help_text=_("服务次数（记录数）"))
    samples = serializers.IntegerField(help_text=_("样品数"))
    fees = serializers.DecimalField(max_digits=16, decimal_places=2, help_text=_("收费合计（元）"))

    def get_id(self, row) -> int | None:
        return None if row.level else row.key

    def get_code(self, row) -> str | None:
        return row.key if row.level else None


class TotalsSerializer(serializers.Serializer):
    group_by = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    rows = TotalsRowSerializer(many=True)
