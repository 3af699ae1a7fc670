"""``/api/v1/search/``: the catalogue search with the same parameters, facets and counts as the page."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .labels import FACET_TITLES
from .search import FILTERS, SORTS
from .views import search_from_params


class HitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    score = serializers.IntegerField()
    name = serializers.CharField(source="instrument.name")
    name_en = serializers.CharField(source="instrument.name_en")
    model_spec = serializers.CharField(source="instrument.model_spec")
    manufacturer = serializers.CharField(source="instrument.manufacturer")
    category = serializers.CharField(source="instrument.category_id")
    category_name = serializers.CharField(source="instrument.category.name")
    unit = serializers.IntegerField(source="instrument.unit_id")
    unit_name = serializers.CharField(source="instrument.unit.name")
    original_value = serializers.DecimalField(
        source="instrument.original_value", max_digits=14, decimal_places=2
    )
    sharing_mode = serializers.CharField(source="instrument.sharing_mode")
    operating_status = serializers.CharField(source="instrument.operating_status")
    offers_self_operation = serializers.BooleanField(source="instrument.offers_self_operation")
    offers_commissioned_testing = serializers.BooleanField(source="instrument.offers_commissioned_testing")
    copies = serializers.IntegerField(help_text=_("同一单位同名称同型号的仪器台数（合并为一条结果）"))
    highlights = serializers.DictField(
        child=serializers.CharField(), help_text=_("字段 → 以 <mark> 标出命中词的 HTML（已转义）")
    )


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class SuggestionSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    query = serializers.CharField()
    filters = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    total = serializers.IntegerField(allow_null=True)


class SearchResultSerializer(serializers.Serializer):
    query = serializers.CharField()
    total = serializers.IntegerField(help_text=_("结果条数（同一单位同型号的仪器合并为一条）"))
    instruments = serializers.IntegerField(help_text=_("结果所含仪器台数"))
    kinds = serializers.ListField(child=serializers.CharField(), help_text=_("查询所指的仪器分类代码"))
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    page_size = serializers.IntegerField()
    sort = serializers.CharField()
    filters = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    results = HitSerializer(many=True, source="hits")
    facets = serializers.SerializerMethodField()
    suggestions = SuggestionSerializer(many=True)
    corrections = serializers.DictField(child=serializers.CharField())

    def get_facets(self, result) -> dict:
        return {
            key: {"title": str(FACET_TITLES[key]), "values": FacetValueSerializer(values, many=True).data}
            for key, values in result.facets.items()
        }


class SearchView(APIView):
    """Full-text search over published instruments with facets and counts."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        tags=["catalogue"],
        summary="搜索仪器",
        description="中文词语、部分名称、拼音及首字母、缩写与同义词、英文，拉丁字母单字错误可纠正。"
        "筛选参数可重复（同一参数的多个值为“或”）。与网页搜索 /catalog/ 使用相同的参数。",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="查询词（最长 2000 字）"),
            OpenApiParameter("sort", OpenApiTypes.STR, enum=list(SORTS)),
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="1–100，默认 20"),
            OpenApiParameter(
                "near",
                OpenApiTypes.STR,
                description="用户所在地区代码（6 位）；同等相关时近者在前，默认为用户所在单位的地区",
            ),
            *[OpenApiParameter(key, OpenApiTypes.STR, many=True) for key in FILTERS],
        ],
        responses=SearchResultSerializer,
    )
    def get(self, request):
        return Response(SearchResultSerializer(search_from_params(request.query_params, request.user)).data)
