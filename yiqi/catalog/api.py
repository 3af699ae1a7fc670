"""``/api/v1/search/``: the catalogue search with the same parameters, facets and counts as the page."""

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from yiqi.accounts.access import access_for
from yiqi.resources.models import AccessLevel, Licence, NaturalKind, ResourceKind

from . import domestic
from .labels import FACET_TITLES
from .other_resources import RESOURCE_FACET_TITLES
from .search import FILTERS, SORTS
from .views import resource_search_from_params, search_from_params


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
    made_in_china = serializers.BooleanField(
        source="instrument.is_domestic", help_text=_("国产仪器（产地国别为中国）")
    )
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


class ResourceQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    page = serializers.IntegerField(required=False, min_value=1, max_value=10_000)
    kind = serializers.MultipleChoiceField(choices=ResourceKind.choices, required=False)
    access_level = serializers.MultipleChoiceField(choices=AccessLevel.choices, required=False)
    licence = serializers.MultipleChoiceField(choices=Licence.choices, required=False)
    natural_kind = serializers.MultipleChoiceField(choices=NaturalKind.choices, required=False)
    subject = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, max_length=20
    )
    data_format = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, max_length=20
    )
    species = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, max_length=20
    )


class ResourceHitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField()
    subject = serializers.CharField()
    access_level = serializers.CharField()
    licence = serializers.CharField()
    data_format = serializers.CharField()
    natural_kind = serializers.CharField()
    species = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)


class ResourceFacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    chosen = serializers.BooleanField()


class ResourceResultSerializer(serializers.Serializer):
    query = serializers.CharField()
    total = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    filters = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    results = ResourceHitSerializer(many=True, source="documents")
    facets = serializers.SerializerMethodField()

    def get_facets(self, result) -> dict:
        return {
            key: {
                "title": str(RESOURCE_FACET_TITLES[key]),
                "values": ResourceFacetValueSerializer(values, many=True).data,
            }
            for key, values in result.facets.items()
        }


class ResourceSearchView(APIView):
    """Published S&T resources in the catalogue, each kind with its own facets."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        tags=["catalogue"],
        summary="搜索科技资源",
        description="科学数据、科技文献、科技报告与自然科技资源。筛选参数可重复（同一参数的多个值为“或”）；"
        "许可协议、数据格式只对科学数据，资源库类型、物种只对自然科技资源给出分面。",
        parameters=[ResourceQuerySerializer],
        responses=ResourceResultSerializer,
    )
    def get(self, request, format=None):
        params = {key: request.query_params.getlist(key) for key in request.query_params}
        for single in ("q", "page"):
            if single in params:
                params[single] = params[single][0]
        query = ResourceQuerySerializer(data=params)
        query.is_valid(raise_exception=True)
        return Response(ResourceResultSerializer(resource_search_from_params(request.query_params)).data)


class DomesticQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=domestic.FLAG_CHOICES,
        required=False,
        help_text=_("original 国产原创；core_parts 核心部件国产替代"),
    )
    top_class = serializers.RegexField(r"\A[0-9]{2}\Z", required=False, help_text=_("仪器大类代码（2 位）"))
    page = serializers.IntegerField(required=False, min_value=1)
    year = serializers.IntegerField(required=False, min_value=2000, help_text=_("占比统计的年度，默认今年"))

    def validate_year(self, year):
        if year > timezone.localdate().year:
            raise serializers.ValidationError(_("年度不能晚于今年。"))
        return year


class UseFiguresSerializer(serializers.Serializer):
    machine_hours = serializers.DecimalField(max_digits=14, decimal_places=2)
    verified_hours = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    services = serializers.IntegerField()
    ratings = serializers.IntegerField()
    rating = serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True)


class ShowcaseItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="instrument.pk")
    name = serializers.CharField(source="instrument.name")
    model_spec = serializers.CharField(source="instrument.model_spec")
    manufacturer = serializers.CharField(source="instrument.manufacturer")
    category = serializers.CharField(source="instrument.category_id")
    unit = serializers.IntegerField(source="instrument.unit_id")
    unit_name = serializers.CharField(source="instrument.unit.name")
    domestic_original = serializers.BooleanField(source="instrument.domestic_original")
    domestic_core_parts = serializers.BooleanField(source="instrument.domestic_core_parts")
    use = UseFiguresSerializer(help_text=_("近 12 个月的机时与完成服务，及全部评价"))


class ShowcaseSerializer(serializers.Serializer):
    count = serializers.IntegerField(source="page_obj.paginator.count")
    page = serializers.IntegerField(source="page_obj.number")
    pages = serializers.IntegerField(source="page_obj.paginator.num_pages")
    totals = serializers.DictField(source="counts", child=serializers.IntegerField())
    results = ShowcaseItemSerializer(source="items", many=True)


class ShareRowSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("仪器大类代码；合计行为空"))
    label = serializers.CharField()
    instruments = serializers.IntegerField()
    domestic_instruments = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=16, decimal_places=2)
    domestic_value = serializers.DecimalField(max_digits=16, decimal_places=2)
    hours = serializers.DecimalField(max_digits=14, decimal_places=2)
    domestic_hours = serializers.DecimalField(max_digits=14, decimal_places=2)
    shares = serializers.DictField(
        child=serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True),
        help_text=_("国产所占百分比：instruments、value、hours"),
    )


class ShareSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    rows = ShareRowSerializer(many=True)
    total = ShareRowSerializer()


class DomesticShowcaseView(APIView):
    """Published domestic instruments with their use figures and ratings (the public showcase)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        tags=["catalogue"],
        summary="国产仪器展示",
        parameters=[DomesticQuerySerializer(partial=True)],
        responses=ShowcaseSerializer,
    )
    def get(self, request):
        query = DomesticQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = domestic.showcase(
            kind=query.validated_data.get("kind", ""),
            top_class=query.validated_data.get("top_class", ""),
            page=query.validated_data.get("page", 1),
        )
        return Response(ShowcaseSerializer(page).data)


class DomesticShareView(APIView):
    """The domestic share by class: the province for the authority, a department's supervised units."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=["catalogue"],
        summary="国产仪器占比",
        description="按仪器大类统计已入网仪器的台数、原值与该年度有效机时中国产仪器所占比例。"
        "平台管理员和评价人员得到全省的，主管部门得到所辖单位的。",
        parameters=[DomesticQuerySerializer(partial=True)],
        responses={
            200: ShareSerializer,
            403: OpenApiResponse(description="非平台管理员、评价人员或主管部门"),
        },
    )
    def get(self, request):
        query = DomesticQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        units = domestic.share_units(access_for(request.user))
        if units is None:
            raise PermissionDenied(_("国产仪器占比仅对平台管理员、评价人员和主管部门开放。"))
        year = query.validated_data.get("year") or timezone.localdate().year
        return Response(ShareSerializer(domestic.domestic_share(units, year)).data)


urlpatterns = [
    path("catalog/resources/", ResourceSearchView.as_view(), name="api-resource-search"),
    path("domestic/showcase/", DomesticShowcaseView.as_view(), name="api-domestic-showcase"),
    path("domestic/share/", DomesticShareView.as_view(), name="api-domestic-share"),
]
