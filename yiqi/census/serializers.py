"""Census API shapes: plain reads of the census, returns with their lines, and the frozen snapshot."""

from rest_framework import serializers

from .models import FIGURES, Census, CensusLine, CensusReturn, CensusSnapshot


class CensusSerializer(serializers.ModelSerializer):
    class Meta:
        model = Census
        fields = ("id", "year", "deadline", "status", "opened_at", "closed_at")


class LineSerializer(serializers.ModelSerializer):
    corrected = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = CensusLine
        fields = (
            "id",
            "instrument",
            "name",
            "sharing_mode",
            "operating_status",
            "original_value",
            "location",
            "contact_name",
            "added",
            "confirmed",
            "prefilled",
            "corrected",
        )


class ReturnSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="census.year", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = CensusReturn
        fields = (
            "id",
            "year",
            "unit",
            "unit_name",
            "status",
            *(f"pre_{name}" for name in FIGURES),
            *FIGURES,
            "difference_note",
            "submitted_at",
        )


class ReturnDetailSerializer(ReturnSerializer):
    lines = LineSerializer(many=True, read_only=True)

    class Meta(ReturnSerializer.Meta):
        fields = (*ReturnSerializer.Meta.fields, "lines")


class CensusStepSerializer(serializers.Serializer):
    action = serializers.CharField(max_length=30)
    comment = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class SnapshotSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = CensusSnapshot
        fields = (
            "unit",
            "unit_name",
            "accepted",
            "instruments",
            "shared_instruments",
            "value",
            *FIGURES,
        )
