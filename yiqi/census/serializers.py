"""Census API shapes: plain reads of the census, returns with their lines, and the frozen snapshot."""

from rest_framework import serializers

from .models import (
    FIGURES,
    RESOURCE_LINE_FIELDS,
    Census,
    CensusLine,
    CensusMark,
    CensusResourceLine,
    CensusReturn,
    CensusSnapshot,
    MarkKind,
)


class CensusSerializer(serializers.ModelSerializer):
    class Meta:
        model = Census
        fields = ("id", "year", "deadline", "status", "opened_at", "closed_at", "published_at")


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
            "scope",
            "category",
            "added",
            "confirmed",
            "prefilled",
            "corrected",
        )


class ResourceLineSerializer(serializers.ModelSerializer):
    corrected = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = CensusResourceLine
        fields = (
            "id",
            "resource",
            "kind",
            *RESOURCE_LINE_FIELDS,
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
    resource_lines = ResourceLineSerializer(many=True, read_only=True)

    class Meta(ReturnSerializer.Meta):
        fields = (*ReturnSerializer.Meta.fields, "lines", "resource_lines")


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
            "below_line_instruments",
            "datasets",
            "literature",
            "reports",
            "natural_resources",
            "open_resources",
        )


class RecordId(serializers.IntegerField):
    """A record's id: ASCII digits only (``int()`` would take "١٢" as 12)."""

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=2**31 - 1, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str) and not data.isascii():
            self.fail("invalid")
        return super().to_internal_value(data)


class SelectSerializer(serializers.Serializer):
    instrument = RecordId()


class MarkSerializer(serializers.ModelSerializer):
    unit = RecordId(source="unit_id")
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    kind = serializers.ChoiceField(choices=MarkKind.choices)
    reason = serializers.CharField(max_length=1000)

    class Meta:
        model = CensusMark
        fields = ("id", "unit", "unit_name", "kind", "reason", "marked_at")
        read_only_fields = ("id", "marked_at")


class PublicMarkSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = CensusMark
        fields = ("unit_name", "kind", "reason")


class ResultRowSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True)
    name = serializers.CharField(allow_null=True)
    units = serializers.IntegerField(required=False)
    instruments = serializers.IntegerField()
    shared_instruments = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    machine_hours = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    external_hours = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    services = serializers.IntegerField(required=False)
    open_percent = serializers.IntegerField()


class ResultTotalsSerializer(serializers.Serializer):
    units = serializers.IntegerField()
    returned = serializers.IntegerField()
    instruments = serializers.IntegerField()
    shared_instruments = serializers.IntegerField()
    below_line_instruments = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=18, decimal_places=2)
    machine_hours = serializers.DecimalField(max_digits=14, decimal_places=2)
    external_hours = serializers.DecimalField(max_digits=14, decimal_places=2)
    services = serializers.IntegerField()
    datasets = serializers.IntegerField()
    literature = serializers.IntegerField()
    reports = serializers.IntegerField()
    natural_resources = serializers.IntegerField()
    open_resources = serializers.IntegerField()
    open_percent = serializers.IntegerField()


class PublishedCensusSerializer(serializers.ModelSerializer):
    class Meta:
        model = Census
        fields = ("year", "published_at")


class ResultsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    totals = ResultTotalsSerializer()
    by_class = ResultRowSerializer(many=True)
    by_department = ResultRowSerializer(many=True)
    by_unit_kind = ResultRowSerializer(many=True)
    marks = PublicMarkSerializer(many=True)
