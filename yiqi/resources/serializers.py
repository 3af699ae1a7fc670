"""What the resource endpoints read and write; the rules live in ``services``."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import (
    AccessLevel,
    Licence,
    NaturalKind,
    RequestShape,
    Resource,
    ResourceKind,
    ResourceRequest,
    validate_doi,
    validate_web_url,
)
from .services import DECISIONS, PURPOSE_MAX_LENGTH

KIND_FIELDS = (
    "time_coverage",
    "space_coverage",
    "data_format",
    "data_size",
    "licence",
    "doi",
    "landing_url",
    "authors",
    "publisher",
    "year",
    "identifier",
    "source_title",
    "natural_kind",
    "collection",
    "species",
    "item_count",
    "supply_conditions",
)


class ResourceSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Resource
        fields = (
            "id",
            "kind",
            "unit",
            "unit_name",
            "name",
            "description",
            "subject",
            "keywords",
            "access_level",
            *KIND_FIELDS,
            "status",
            "published_at",
            "updated_at",
        )
        read_only_fields = fields


class ResourceInputSerializer(serializers.Serializer):
    """A new record (``unit`` and ``kind`` only at creation) or a change; the kind decides which fields count."""

    kind = serializers.ChoiceField(choices=ResourceKind.choices, required=False)
    unit = serializers.IntegerField(required=False)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    subject = serializers.CharField(max_length=100, required=False, allow_blank=True)
    keywords = serializers.CharField(max_length=200, required=False, allow_blank=True)
    access_level = serializers.ChoiceField(choices=AccessLevel.choices, required=False)
    time_coverage = serializers.CharField(max_length=100, required=False, allow_blank=True)
    space_coverage = serializers.CharField(max_length=100, required=False, allow_blank=True)
    data_format = serializers.CharField(max_length=50, required=False, allow_blank=True)
    data_size = serializers.CharField(max_length=50, required=False, allow_blank=True)
    licence = serializers.ChoiceField(choices=Licence.choices, required=False, allow_blank=True)
    doi = serializers.CharField(max_length=100, required=False, allow_blank=True, validators=[validate_doi])
    landing_url = serializers.CharField(
        max_length=200, required=False, allow_blank=True, validators=[validate_web_url]
    )
    authors = serializers.CharField(max_length=200, required=False, allow_blank=True)
    publisher = serializers.CharField(max_length=200, required=False, allow_blank=True)
    year = serializers.IntegerField(required=False, allow_null=True, min_value=1900, max_value=2100)
    identifier = serializers.CharField(max_length=100, required=False, allow_blank=True)
    source_title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    natural_kind = serializers.ChoiceField(choices=NaturalKind.choices, required=False, allow_blank=True)
    collection = serializers.CharField(max_length=200, required=False, allow_blank=True)
    species = serializers.CharField(max_length=200, required=False, allow_blank=True)
    item_count = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=2_000_000_000
    )
    supply_conditions = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class ResourceStepSerializer(serializers.Serializer):
    action = serializers.CharField(max_length=30)
    comment = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class ResourceRequestSerializer(serializers.ModelSerializer):
    resource_name = serializers.CharField(source="resource.name", read_only=True)
    unit = serializers.IntegerField(source="resource.unit_id", read_only=True)
    record = serializers.IntegerField(source="record_id", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True, help_text=_("借出逾期未还"))

    class Meta:
        model = ResourceRequest
        fields = (
            "id",
            "number",
            "resource",
            "resource_name",
            "unit",
            "record",
            "purpose",
            "quantity",
            "shape",
            "status",
            "decision_comment",
            "delivery_note",
            "delivery_link",
            "created_at",
            "decided_at",
            "delivered_at",
            "due_back",
            "returned_at",
            "is_overdue",
        )
        read_only_fields = fields


class RequestInputSerializer(serializers.Serializer):
    resource = serializers.IntegerField()
    purpose = serializers.CharField(max_length=PURPOSE_MAX_LENGTH)
    quantity = serializers.IntegerField(min_value=1, max_value=10000, default=1)
    shape = serializers.ChoiceField(
        choices=RequestShape.choices,
        required=False,
        help_text=_(
            "数据访问 access（科学数据）；复制 copy 或借阅 loan（文献、报告）；样品供应 sample（自然科技资源）"
        ),
    )


class RequestDecisionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=DECISIONS)
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    delivery_note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    delivery_link = serializers.URLField(required=False, allow_blank=True, default="")
    due_back = serializers.DateField(
        required=False, allow_null=True, default=None, help_text=_("借出时必填：应还日期")
    )
