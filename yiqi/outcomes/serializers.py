"""What the results endpoints read and write; the rules live in ``services``."""

from rest_framework import serializers

from .models import Outcome, OutcomeKind, OutcomeLevel


class OutcomeSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    instruments = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    service_records = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Outcome
        fields = (
            "id",
            "unit",
            "unit_name",
            "kind",
            "title",
            "identifier",
            "source",
            "authors",
            "level",
            "date",
            "instruments",
            "service_records",
            "status",
            "acknowledged_by_user",
            "decision_comment",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class OutcomeInputSerializer(serializers.Serializer):
    """A new result (``unit`` and ``kind`` only at creation) or a change; the kind decides what is required."""

    kind = serializers.ChoiceField(choices=OutcomeKind.choices, required=False)
    unit = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    title = serializers.CharField(max_length=300)
    identifier = serializers.CharField(max_length=100, required=False, allow_blank=True)
    source = serializers.CharField(max_length=200, required=False, allow_blank=True)
    authors = serializers.CharField(max_length=300, required=False, allow_blank=True)
    level = serializers.ChoiceField(choices=OutcomeLevel.choices, required=False, allow_blank=True)
    date = serializers.DateField()
    instruments = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), max_length=50, required=False
    )
    service_records = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), max_length=50, required=False
    )


class AcknowledgementSerializer(serializers.Serializer):
    service_record = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    title = serializers.CharField(max_length=300)
    doi = serializers.CharField(max_length=100)
    journal = serializers.CharField(max_length=200)
    authors = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    date = serializers.DateField()


class OutcomeDecisionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["confirm", "decline"])
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
