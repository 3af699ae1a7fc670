from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from yiqi.organizations.models import Region
from yiqi.registry.models import InstrumentCategory

from .models import Match, Need, Response

ACTIONS = ("respond", "meet", "close")


class MatchSerializer(serializers.ModelSerializer):
    instrument_name = serializers.CharField(source="instrument.name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Match
        fields = [
            "id",
            "instrument",
            "instrument_name",
            "unit",
            "unit_name",
            "score",
            "response",
            "quote",
            "message",
            "responded_at",
        ]


class NeedSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    matches = MatchSerializer(many=True, read_only=True)

    class Meta:
        model = Need
        fields = [
            "id",
            "number",
            "title",
            "description",
            "category",
            "sample_type",
            "quantity",
            "deadline",
            "budget",
            "region",
            "status",
            "met_by",
            "close_reason",
            "created_at",
            "closed_at",
            "matches",
        ]


class NeedInputSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=InstrumentCategory.objects.all(), required=False, allow_null=True
    )
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())

    class Meta:
        model = Need
        fields = [
            "title",
            "description",
            "category",
            "sample_type",
            "quantity",
            "deadline",
            "budget",
            "region",
        ]


class NeedStepSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ACTIONS)
    match = serializers.IntegerField(required=False, help_text=_("respond：匹配编号"))
    response = serializers.ChoiceField(choices=[Response.QUOTED, Response.DECLINED], required=False)
    quote = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, min_value=0)
    message = serializers.CharField(required=False, allow_blank=True, max_length=500)
    record = serializers.IntegerField(required=False, help_text=_("meet：满足需求的服务记录编号"))
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=300, help_text=_("close：关闭原因")
    )


class UnmetSerializer(serializers.Serializer):
    class_code = serializers.CharField()
    class_name = serializers.CharField()
    city_code = serializers.CharField()
    city_name = serializers.CharField()
    needs = serializers.IntegerField()
