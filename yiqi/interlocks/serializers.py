from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from yiqi.monitoring.models import Device

from .configuration import SETTINGS
from .models import Interlock, InterlockCommand, InterlockSession


class InterlockSerializer(serializers.ModelSerializer):
    instrument_name = serializers.CharField(source="instrument.name", read_only=True)
    device_uid = serializers.CharField(source="device.uid", read_only=True)
    user_name = serializers.SerializerMethodField()

    class Meta:
        model = Interlock
        fields = [
            "id",
            "instrument",
            "instrument_name",
            "unit",
            "device_uid",
            "driver",
            "grace_minutes",
            "auto_off",
            "state",
            "user",
            "user_name",
            "booking",
            "enabled_until",
            "allowlist_pushed_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_user_name(self, interlock) -> str:
        return interlock.user.get_full_name() if interlock.user else ""


class InterlockCommandSerializer(serializers.ModelSerializer):
    class Meta:
        model = InterlockCommand
        fields = [
            "id",
            "interlock",
            "action",
            "for_user",
            "booking",
            "reason",
            "requested_by",
            "sent_at",
            "latency_ms",
            "ok",
            "state",
            "error",
            "command_id",
        ]
        read_only_fields = fields


class InterlockSessionSerializer(serializers.ModelSerializer):
    hours = serializers.SerializerMethodField()

    class Meta:
        model = InterlockSession
        fields = [
            "id",
            "interlock",
            "instrument",
            "user",
            "booking",
            "is_override",
            "reason",
            "started_at",
            "ended_at",
            "end_cause",
            "hours",
        ]
        read_only_fields = fields

    def get_hours(self, session) -> float | None:
        if session.ended_at is None:
            return None
        return round((session.ended_at - session.started_at).total_seconds() / 3600, 4)


class EnableSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        help_text=_("为他人开机时填写（仅该仪器的服务人员）；不填为本人。"),
    )


class OverrideSerializer(serializers.Serializer):
    enable = serializers.BooleanField(help_text=_("true 人工放行，false 人工锁定"))
    reason = serializers.CharField(max_length=300)
    user = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), required=False
    )
    hours = serializers.FloatField(min_value=0.25, max_value=24, required=False, default=1)


class InterlockSettingsSerializer(serializers.ModelSerializer):
    """How the switch is reached and behaves (``PATCH``: any of them); the answer to the device managers."""

    device_uid = serializers.CharField(source="device.uid", read_only=True)

    class Meta:
        model = Interlock
        fields = ["id", "instrument", "device_uid", *SETTINGS]
        read_only_fields = ["id", "instrument"]


class FitInterlockSerializer(InterlockSettingsSerializer):
    # Checked by the service (the user manages its instrument, it is active and has no interlock yet).
    device = serializers.PrimaryKeyRelatedField(
        queryset=Device.objects.all(),
        help_text=_("要设置联锁的监测设备（本单位仪器上未停用、尚无联锁的设备）"),
    )

    class Meta(InterlockSettingsSerializer.Meta):
        fields = ["device", *InterlockSettingsSerializer.Meta.fields]
