from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from yiqi.accounts.access import access_for
from yiqi.orders.models import OrderStatus
from yiqi.organizations.models import Region
from yiqi.registry.models import InstrumentCategory

from . import services
from .models import Match, Need, Response

ACTIONS = ("respond", "order", "meet", "close")


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


class NeedOrderSerializer(serializers.Serializer):
    """The order placed from the need (its poster, the ordered unit's staff and the authority see it)."""

    id = serializers.IntegerField(allow_null=True, help_text=_("委托单编号（id）"))
    number = serializers.CharField(help_text=_("委托单号"))
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    status_label = serializers.CharField()
    instrument = serializers.IntegerField()
    instrument_name = serializers.CharField()
    unit = serializers.IntegerField()


class NeedSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    matches = MatchSerializer(many=True, read_only=True)
    order = serializers.SerializerMethodField()

    @extend_schema_field(NeedOrderSerializer(allow_null=True))
    def get_order(self, need):
        return services.need_order(access_for(self.context["request"].user), need)

    class Meta:
        model = Need
        fields = [
            "id",
            "number",
            *services.FIELDS,
            "status",
            "met_by",
            "close_reason",
            "created_at",
            "closed_at",
            "order",
            "matches",
        ]


class NeedInputSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=InstrumentCategory.objects.all(), required=False, allow_null=True
    )
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())

    class Meta:
        model = Need
        fields = services.FIELDS


class NeedStepSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ACTIONS)
    match = serializers.IntegerField(required=False, help_text=_("respond：匹配编号"))
    response = serializers.ChoiceField(choices=[Response.QUOTED, Response.DECLINED], required=False)
    quote = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, min_value=0)
    message = serializers.CharField(required=False, allow_blank=True, max_length=500)
    record = serializers.IntegerField(required=False, help_text=_("meet：满足需求的服务记录编号"))
    # order: the matched instrument (``match``) and, optionally, what to change on the order prefilled from the need.
    sample_name = serializers.CharField(required=False, max_length=100, help_text=_("order：样品名称"))
    sample_count = serializers.IntegerField(required=False, help_text=_("order：样品数量"))
    sample_description = serializers.CharField(
        required=False, max_length=2000, help_text=_("order：样品描述")
    )
    requirements = serializers.CharField(required=False, max_length=2000, help_text=_("order：检测要求"))
    answers = serializers.DictField(required=False, help_text=_("order：仪器要求的补充信息"))
    return_samples = serializers.BooleanField(required=False, help_text=_("order：检测后退还样品"))
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=300, help_text=_("close：关闭原因")
    )


class UnmetSerializer(serializers.Serializer):
    class_code = serializers.CharField()
    class_name = serializers.CharField()
    city_code = serializers.CharField()
    city_name = serializers.CharField()
    needs = serializers.IntegerField()
