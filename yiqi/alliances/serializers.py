"""Alliance API shapes."""

from rest_framework import serializers

from .models import Alliance, Membership


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
