"""Alliance API shapes."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import Alliance, Membership
from .services import MACHINE

MAX_ID = 2**63 - 1  # larger ids are a field error, not an overflow in the database driver


class MemberSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Membership
        fields = ("unit", "unit_name", "joined_at")


class AllianceSerializer(serializers.ModelSerializer):
    lead_unit_name = serializers.CharField(source="lead_unit.name", read_only=True)
    members = MemberSerializer(source="active_members", many=True, read_only=True)

    class Meta:
        model = Alliance
        fields = (
            "id",
            "name",
            "lead_unit",
            "lead_unit_name",
            "description",
            "member_category",
            "priority_days",
            "mutual_qualification",
            "created_at",
            "members",
        )


class AllianceFormSerializer(serializers.ModelSerializer):
    lead_unit = serializers.IntegerField(
        source="lead_unit_id", min_value=1, max_value=MAX_ID, help_text=_("牵头单位（本人管理的管理单位）")
    )

    class Meta:
        model = Alliance
        fields = (
            "name",
            "lead_unit",
            "description",
            "member_category",
            "priority_days",
            "mutual_qualification",
        )
        # A clash of names is the service's to report (on ``name``), inside its transaction.
        extra_kwargs = {"name": {"validators": []}}


class TermsSerializer(serializers.ModelSerializer):
    class Meta:
        model = Alliance
        fields = ("description", "member_category", "priority_days", "mutual_qualification")


class UnitChoiceSerializer(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text=_("管理单位编号"))


class MembershipSerializer(serializers.ModelSerializer):
    alliance_name = serializers.CharField(source="alliance.name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Membership
        fields = ("id", "alliance", "alliance_name", "unit", "unit_name", "status", "created_at", "joined_at")


class MembershipStepSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(MACHINE.transitions))
    comment = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
