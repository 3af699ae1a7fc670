"""API shapes of bookings, availability, the waitlist and an instrument's booking settings.

Input serializers only parse; every rule is checked by ``services``. Times are ISO 8601 with an offset (``Z``,
``+08:00``, ``-05:00`` …); a time without one means Beijing time. Output is in Beijing time with ``+08:00``.
"""

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from yiqi.accounts.models import User
from yiqi.core.api import MomentField
from yiqi.core.validators import validate_near_date
from yiqi.organizations.models import Organization
from yiqi.registry.models import Instrument
from yiqi.registry.scoping import visible_instruments

from . import services
from .availability import as_local, local_midnight
from .models import Blackout, Booking, OpenHours, Qualification, ServiceSettings, WaitlistEntry

TIME_FORMAT_MESSAGE = _(
    "时间格式不正确：请使用 ISO 8601 格式，如 2026-03-09T09:00:00+08:00（不带时区时按北京时间）。"
)


class TimeField(MomentField):
    """A time between 1950 and ten years ahead (``MomentField``), with the booking pages' wording."""

    default_error_messages = {"invalid": TIME_FORMAT_MESSAGE, "date": TIME_FORMAT_MESSAGE}


class TimeOrDateField(TimeField):
    """A time, or a bare date meaning Beijing midnight (calendar widgets send either)."""

    def to_internal_value(self, value):
        if isinstance(value, str) and len(value) == 10:
            try:
                day = parse_date(value)
            except ValueError:  # well formed but not a day of the calendar: 2026-02-30
                self.fail("invalid")
            if day is not None:
                try:
                    validate_near_date(day)
                except DjangoValidationError as error:
                    raise serializers.ValidationError(error.messages) from error
                return local_midnight(day)
        return super().to_internal_value(value)


# --- bookings ----------------------------------------------------------------------------------------------------

# The charge the fees layer keeps on a booking's service record, joined for ``fee`` and ``fee_status`` (by relation
# name only: bookings never import fees).
CHARGE_RELATED = ("record__charge",)


class BookingSerializer(serializers.ModelSerializer):
    instrument_name = serializers.CharField(source="instrument.name", read_only=True)
    user_name = serializers.CharField(source="user.get_full_name", read_only=True)
    user_organization_name = serializers.CharField(
        source="user_organization.name", read_only=True, allow_null=True
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    fee = serializers.SerializerMethodField(help_text=_("报价或账单金额（元，字符串）；无收费标准时为 null"))
    fee_status = serializers.SerializerMethodField(help_text=_("费用状态：quoted、billed、paid、void"))
    available_actions = serializers.SerializerMethodField(
        help_text=_("当前用户可执行的操作：approve、reject、cancel、check_in、complete、no_show")
    )

    class Meta:
        model = Booking
        fields = [
            "id",
            "instrument",
            "instrument_name",
            "user",
            "user_name",
            "user_organization",
            "user_organization_name",
            "is_internal",
            "status",
            "status_label",
            "starts_at",
            "ends_at",
            "purpose",
            "sample_count",
            "series",
            "actual_start",
            "actual_end",
            "decided_at",
            "reminder_sent_at",
            "created_at",
            "fee",
            "fee_status",
            "available_actions",
        ]
        read_only_fields = fields

    def _charge(self, booking: Booking):
        return getattr(booking.record, "charge", None)

    @extend_schema_field(serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True))
    def get_fee(self, booking: Booking) -> str | None:
        charge = self._charge(booking)
        return None if charge is None else f"{charge.total:.2f}"

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_fee_status(self, booking: Booking) -> str | None:
        charge = self._charge(booking)
        return None if charge is None else charge.status

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_actions(self, booking: Booking) -> list[str]:
        return services.available_actions(booking, self.context["access"])


class VisibleInstrumentField(serializers.PrimaryKeyRelatedField):
    """An instrument the user may see, read with its booking settings and manager (one query); ids of instruments
    the user cannot see say nothing about them."""

    def get_queryset(self):
        return visible_instruments(
            self.context["access"], Instrument.objects.select_related("service_settings", "manager")
        )


class BookingWindowSerializer(serializers.Serializer):
    instrument = VisibleInstrumentField(
        label=_("仪器"),
        queryset=Instrument.objects.all(),
        error_messages={"does_not_exist": _("仪器“{pk_value}”不存在。")},
    )
    starts_at = TimeField(label=_("开始时间"))
    ends_at = TimeField(label=_("结束时间"))
    purpose = serializers.CharField(label=_("用途/实验内容"), allow_blank=True, max_length=300)


class BookingRequestSerializer(BookingWindowSerializer):
    sample_count = serializers.IntegerField(
        label=_("样品数"),
        required=False,
        default=0,
        min_value=0,
        error_messages={"min_value": _("样品数不能为负数。")},
    )
    user_organization = serializers.PrimaryKeyRelatedField(
        label=_("用户单位"),
        queryset=Organization.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("本人所属单位之一；不填时取第一个"),
        error_messages={"does_not_exist": _("请选择您所属的单位。")},
    )
    repeat_weeks = serializers.IntegerField(
        label=_("按周重复次数"),
        required=False,
        default=0,
        min_value=0,
        max_value=services.MAX_REPEAT_WEEKS,
        help_text=_("仅本单位用户：另外再预约之后若干周的同一时间（全部成功或全部不预约）"),
    )


class BookingListSerializer(serializers.Serializer):
    bookings = BookingSerializer(many=True)


class BookingDecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(
        label=_("意见"), max_length=500, required=False, allow_blank=True, default=""
    )


class BookingRejectSerializer(serializers.Serializer):
    comment = serializers.CharField(label=_("不通过的理由"), max_length=500, allow_blank=True)


class BookingCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(
        label=_("取消原因"), max_length=500, required=False, allow_blank=True, default=""
    )


class BookingCheckInSerializer(serializers.Serializer):
    at = TimeField(
        label=_("签到时间"), required=False, allow_null=True, default=None, help_text=_("默认为当前时间")
    )


class BookingCompleteSerializer(serializers.Serializer):
    actual_start = TimeField(label=_("实际开始"), required=False, allow_null=True, default=None)
    actual_end = TimeField(label=_("实际结束"), required=False, allow_null=True, default=None)


# --- availability -----------------------------------------------------------------------------------------------

MAX_AVAILABILITY_DAYS = 92


class AvailabilityQuerySerializer(serializers.Serializer):
    start = TimeOrDateField(label=_("开始"), help_text=_("ISO 8601 时间或日期（日期指北京时间零点）"))
    end = TimeOrDateField(label=_("结束"), help_text=_("不含；与开始相隔不超过 92 天"))

    def validate(self, attrs):
        if attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": _("结束时间必须晚于开始时间。")})
        if attrs["end"] - attrs["start"] > dt.timedelta(days=MAX_AVAILABILITY_DAYS):
            raise serializers.ValidationError(
                {"end": _("查询范围不能超过 %(days)d 天。") % {"days": MAX_AVAILABILITY_DAYS}}
            )
        return attrs


class AvailabilityPeriodSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class AvailabilityBusySerializer(AvailabilityPeriodSerializer):
    mine = serializers.BooleanField(help_text=_("是否本人的预约"))
    booking_id = serializers.IntegerField(allow_null=True, help_text=_("仅本人的预约或仪器服务人员可见"))
    label = serializers.CharField()


class AvailabilitySerializer(serializers.Serializer):
    """The response's shape, for the schema: ``availability_data`` builds it directly, since a busy quarter holds
    hundreds of periods and field-by-field serialisation would cost more than computing them."""

    instrument = serializers.IntegerField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    open = AvailabilityPeriodSerializer(many=True, help_text=_("可预约的开放时段（已扣除节假日和停机）"))
    busy = AvailabilityBusySerializer(many=True, help_text=_("已被占用的时段，不含他人身份"))
    periods = AvailabilityPeriodSerializer(
        many=True, help_text=_("开放时段（含被占用部分），预约时间须从其开始时刻起按时间粒度选择")
    )
    slot_minutes = serializers.IntegerField(help_text=_("时间粒度（分钟）"))
    earliest_start = serializers.DateTimeField(help_text=_("最早可预约的开始时间（当前时间加至少提前时长）"))


def availability_data(instrument_id: int, start, end, result) -> dict:
    def iso(moment) -> str:
        return as_local(moment).isoformat()

    return {
        "instrument": instrument_id,
        "start": iso(start),
        "end": iso(end),
        "open": [{"start": iso(s), "end": iso(e)} for s, e in result.open],
        "busy": [
            {
                "start": iso(b.start),
                "end": iso(b.end),
                "mine": b.mine,
                "booking_id": b.booking_id,
                "label": b.label,
            }
            for b in result.busy
        ],
        "periods": [{"start": iso(s), "end": iso(e)} for s, e in result.periods],
        "slot_minutes": result.slot_minutes,
        "earliest_start": iso(result.earliest),
    }


# --- waitlist ----------------------------------------------------------------------------------------------------


class WaitlistEntrySerializer(serializers.ModelSerializer):
    instrument_name = serializers.CharField(source="instrument.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = WaitlistEntry
        fields = [
            "id",
            "instrument",
            "instrument_name",
            "starts_at",
            "ends_at",
            "purpose",
            "status",
            "status_label",
            "offered_at",
            "offer_expires_at",
            "created_at",
        ]
        read_only_fields = fields


# --- the manager's settings ----------------------------------------------------------------------------------------


class BookingOpenHoursSerializer(serializers.ModelSerializer):
    class Meta:
        model = OpenHours
        fields = ["weekday", "start_minute", "end_minute"]
        # The whole list is replaced at once; the service checks overlaps.
        validators = []


class ServiceSettingsSerializer(serializers.ModelSerializer):
    open_hours = BookingOpenHoursSerializer(
        many=True, required=False, help_text=_("每周开放时段（分钟，0–1440）；提交时整体替换")
    )

    class Meta:
        model = ServiceSettings
        fields = ["instrument", *sorted(services.SETTINGS_FIELDS), "open_hours", "updated_at"]
        read_only_fields = ["instrument", "updated_at"]
        # ServiceSettings' constraints are checked by the service (full_clean) with its own messages.
        validators = []

    def to_representation(self, conf):
        data = super().to_representation(conf)
        data["open_hours"] = BookingOpenHoursSerializer(conf.instrument.open_hours.all(), many=True).data
        return data


class BookingQualificationSerializer(serializers.ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), error_messages={"does_not_exist": _("用户不存在。")}
    )
    user_name = serializers.CharField(source="user.get_full_name", read_only=True)
    is_valid_today = serializers.SerializerMethodField()

    class Meta:
        model = Qualification
        fields = [
            "id",
            "user",
            "user_name",
            "trained_on",
            "expires_on",
            "training_record",
            "granted_by",
            "revoked_at",
            "created_at",
            "is_valid_today",
        ]
        read_only_fields = ["granted_by", "revoked_at", "created_at"]
        validators = []

    def get_is_valid_today(self, qualification: Qualification) -> bool:
        return qualification.revoked_at is None and qualification.expires_on >= timezone.localdate()


class BookingBlackoutSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(
        label=_("类型"), choices=Blackout.Kind.choices, default=Blackout.Kind.MAINTENANCE
    )
    starts_at = TimeField(label=_("开始时间"))
    ends_at = TimeField(label=_("结束时间"))
    reason = serializers.CharField(
        label=_("说明"), max_length=200, required=False, allow_blank=True, default=""
    )

    class Meta:
        model = Blackout
        fields = ["id", "kind", "starts_at", "ends_at", "reason", "created_by", "created_at"]
        read_only_fields = ["created_by", "created_at"]
        validators = []
