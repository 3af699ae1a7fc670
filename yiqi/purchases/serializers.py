from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from yiqi.registry.models import InstrumentCategory

from .models import Opinion, PurchaseApplication, Quote, Review
from .services import FIELDS

ACTIONS = ("submit", "withdraw", "assign", "review", "decide", "file", "link")


class QuoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Quote
        fields = ["supplier", "model", "amount"]


class ReviewSerializer(serializers.ModelSerializer):
    expert_name = serializers.CharField(source="expert.name", read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "expert",
            "expert_name",
            "relevance",
            "necessity",
            "reasonableness",
            "recommendation",
            "reasons",
            "submitted_at",
        ]


class PurchaseApplicationSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    quotes = QuoteSerializer(many=True, read_only=True)
    reviews = ReviewSerializer(many=True, read_only=True)
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = PurchaseApplication
        fields = [
            "id",
            "number",
            "unit",
            "unit_name",
            *FIELDS,
            "status",
            "draft_opinion",
            "evidence",
            "quotes",
            "reviews",
            "opinion",
            "opinion_text",
            "conditions",
            "instrument",
            "submitted_at",
            "decided_at",
            "filing_number",
            "filed_at",
        ]

    @extend_schema_field(serializers.JSONField)
    def get_evidence(self, application) -> dict:
        """The frozen evidence: ``similar`` (ranked instruments with hours and flags), ``draft_opinion``, ``reasons``."""
        return application.evidence


class PurchaseApplicationInputSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", queryset=InstrumentCategory.objects.all())
    unit = serializers.IntegerField(required=False, help_text=_("申请单位（只在一个单位任职时可省略）"))
    quotes = QuoteSerializer(many=True, required=False)

    class Meta:
        model = PurchaseApplication
        fields = ["unit", *FIELDS, "quotes"]


class PurchaseStepSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ACTIONS)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    expert = serializers.IntegerField(required=False, help_text=_("assign：专家编号"))
    relevance = serializers.IntegerField(required=False, min_value=1, max_value=5)
    necessity = serializers.IntegerField(required=False, min_value=1, max_value=5)
    reasonableness = serializers.IntegerField(required=False, min_value=1, max_value=5)
    recommendation = serializers.ChoiceField(choices=Opinion.choices, required=False)
    reasons = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    opinion = serializers.ChoiceField(choices=Opinion.choices, required=False)
    opinion_text = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    conditions = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    instrument = serializers.IntegerField(required=False, help_text=_("link：购置后登记的仪器编号"))


class RecordFilterSerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100, help_text=_("备案年度"))
    unit = serializers.IntegerField(required=False, min_value=1, help_text=_("申请单位编号"))
    opinion = serializers.ChoiceField(choices=Opinion.choices, required=False)
