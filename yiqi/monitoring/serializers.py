"""API shapes of the monitoring: devices (the secret only in the answer that made it), states, intervals, hours,
reconciliation items."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from yiqi.registry.models import Instrument

from .models import DailyHours, Device, MachineState, ReconciliationItem, StateInterval
from .services import is_online


class DeviceSerializer(serializers.ModelSerializer):
    instrument = serializers.PrimaryKeyRelatedField(queryset=Instrument.objects.all())
    instrument_name = serializers.CharField(source="instrument.name", read_only=True)
    online = serializers.SerializerMethodField(help_text=_("最近是否上报"))
    mqtt_topic = serializers.SerializerMethodField(help_text=_("MQTT 上报主题"))

    class Meta:
        model = Device
        fields = [
            "id", "uid", "instrument", "instrument_name", "unit", "kind", "name", "created_at", "rotated_at",
            "revoked_at", "last_seen", "online", "mqtt_topic",
        ]  # fmt: skip
        read_only_fields = ["unit", "created_at", "rotated_at", "revoked_at", "last_seen"]

    def get_online(self, device) -> bool:
        return is_online(device.last_seen)

    def get_mqtt_topic(self, device) -> str:
        return f"yiqi/telemetry/{device.unit_id}/{device.uid}"


class DeviceWithSecretSerializer(DeviceSerializer):
    secret = serializers.CharField(read_only=True, help_text=_("设备密钥，仅此一次显示，平台只保存其摘要"))

    class Meta(DeviceSerializer.Meta):
        fields = [*DeviceSerializer.Meta.fields, "secret"]


class RevokeSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class InstrumentStateSerializer(serializers.Serializer):
    instrument = serializers.IntegerField()
    instrument_name = serializers.CharField()
    unit = serializers.IntegerField()
    unit_name = serializers.CharField()
    state = serializers.ChoiceField(
        choices=[("", "—"), *MachineState.choices], help_text=_("空：尚无数据或已断线")
    )
    since = serializers.DateTimeField(allow_null=True)
    last_seen = serializers.DateTimeField(allow_null=True)
    online = serializers.BooleanField()


class StateIntervalSerializer(serializers.ModelSerializer):
    class Meta:
        model = StateInterval
        fields = ["id", "instrument", "state", "start", "end"]


class DailyHoursSerializer(serializers.ModelSerializer):
    running_hours = serializers.DecimalField(max_digits=6, decimal_places=2, read_only=True)
    standby_hours = serializers.DecimalField(max_digits=6, decimal_places=2, read_only=True)
    coverage = serializers.DecimalField(
        max_digits=5, decimal_places=3, read_only=True, help_text=_("有数据的时间占全天比例")
    )

    class Meta:
        model = DailyHours
        fields = ["instrument", "unit", "day", "running_hours", "standby_hours", "coverage"]


class MonthlyHoursSerializer(serializers.Serializer):
    instrument = serializers.IntegerField()
    month = serializers.CharField(help_text="YYYY-MM")
    running_hours = serializers.DecimalField(max_digits=8, decimal_places=2)
    standby_hours = serializers.DecimalField(max_digits=8, decimal_places=2)
    days_with_data = serializers.IntegerField()


# Ids as the database stores them (64-bit); anything larger is a field error, not an overflow.
ID_FIELD = {"min_value": 1, "max_value": 2**63 - 1}


class PeriodQuerySerializer(serializers.Serializer):
    instrument = serializers.IntegerField(required=False, **ID_FIELD)
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)

    def validate(self, attrs):
        if attrs.get("start") and attrs.get("end") and attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": [_("结束日期不能早于开始日期。")]})
        return attrs


class ReconciliationItemSerializer(serializers.ModelSerializer):
    instrument_name = serializers.CharField(source="instrument.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ReconciliationItem
        fields = [
            "id", "instrument", "instrument_name", "unit", "kind", "kind_label", "status", "status_label",
            "started_at", "ended_at", "usage_record", "booking", "telemetry_hours", "recorded_hours", "reason",
            "explanation", "explained_at", "reviewed_at", "found_at",
        ]  # fmt: skip
        read_only_fields = fields


class ExplainSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=ReconciliationItem.Reason.choices)
    explanation = serializers.CharField(max_length=1000)


class ReviewSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[("accept", _("认可说明")), ("confirm", _("确认问题"))])
    comment = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class TelemetryAnswerSerializer(serializers.Serializer):
    accepted = serializers.IntegerField(help_text=_("新写入的样本数"))
    duplicates = serializers.IntegerField(help_text=_("已收到过的样本数（按设备与时间去重）"))
    rejected = serializers.DictField(child=serializers.IntegerField(), help_text=_("按原因计的拒收样本数"))


class ScopeQuerySerializer(serializers.Serializer):
    """The optional id filters of the monitoring lists."""

    instrument = serializers.IntegerField(required=False, **ID_FIELD)
    unit = serializers.IntegerField(required=False, **ID_FIELD)
    department = serializers.IntegerField(required=False, **ID_FIELD)
