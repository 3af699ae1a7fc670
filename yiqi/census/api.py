"""Census endpoints (``/api/v1/census/``, ``/api/v1/census-returns/``). Thin: scoping and rules come from
``services``."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from yiqi.accounts.access import AccessMixin
from yiqi.accounts.permissions import permission_for

from . import results, services
from . import serializers as s
from .models import FROZEN_STATES, Census, CensusReturn, CensusSnapshot

REFUSED = {
    400: OpenApiResponse(description="输入无效（字段级中文说明）"),
    403: OpenApiResponse(description="无权操作"),
    404: OpenApiResponse(description="记录不存在或不可见"),
}


SeesCensus = permission_for(services.sees_census)


@extend_schema(tags=["census"])
@extend_schema_view(
    list=extend_schema(summary="年度普查", description="平台管理员、主管部门和单位工作人员可见。"),
    retrieve=extend_schema(summary="年度普查详情"),
)
class CensusViewSet(AccessMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.CensusSerializer
    permission_classes = [permissions.IsAuthenticated, SeesCensus]
    queryset = Census.objects.all()

    @extend_schema(
        summary="普查快照（关闭后冻结的各单位数据）",
        description="平台管理员看全部单位，主管部门看所属单位，单位看本单位；普查未关闭时为空。",
        responses={200: s.SnapshotSerializer(many=True), **REFUSED},
    )
    @action(detail=True, methods=["get"])
    def snapshot(self, request, pk=None, format=None):
        census = self.get_object()
        rows = CensusSnapshot.objects.filter(census=census, census__status__in=FROZEN_STATES).select_related(
            "unit"
        )
        units = services.visible_returns(self.access).filter(census=census).values("unit_id")
        return Response(s.SnapshotSerializer(rows.filter(unit_id__in=units), many=True).data)

    @extend_schema(
        summary="公布普查结果（平台管理员；普查须已关闭）",
        request=None,
        responses={200: s.CensusSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None, format=None):
        done = results.publish(self.get_object(), access=self.access, actor=request.user)
        return Response(s.CensusSerializer(done).data)

    @extend_schema(
        summary="通报表扬或通报批评一个单位（平台管理员；普查须已关闭），单位收到通知",
        request=s.MarkSerializer,
        responses={201: s.MarkSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def mark(self, request, pk=None, format=None):
        census = self.get_object()
        data = s.MarkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        made = results.mark(
            census,
            unit_id=fields["unit_id"],
            kind=fields["kind"],
            reason=fields["reason"],
            access=self.access,
            actor=request.user,
        )
        return Response(s.MarkSerializer(made).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["census"])
@extend_schema_view(
    list=extend_schema(
        summary="普查填报", description="平台管理员看全部，主管部门看所属单位，单位看本单位。"
    ),
    retrieve=extend_schema(summary="普查填报详情（含逐台仪器）"),
)
class ReturnViewSet(AccessMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated]

    def get_serializer_class(self):
        return s.ReturnDetailSerializer if self.action == "retrieve" else s.ReturnSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CensusReturn.objects.none()
        returns = services.visible_returns(self.access)
        return returns.prefetch_related("lines") if self.action == "retrieve" else returns

    @extend_schema(
        summary="填报流程：提交、主管部门审核通过、平台审核通过、退回修改",
        request=s.CensusStepSerializer,
        responses={200: s.ReturnSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def act(self, request, pk=None, format=None):
        census_return = self.get_object()
        data = s.CensusStepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        done = services.act(census_return, access=self.access, actor=request.user, **data.validated_data)
        return Response(s.ReturnSerializer(self.get_queryset().get(pk=done.pk)).data)

    @extend_schema(
        summary="主管部门择优纳入单位原值门槛以下的仪器",
        request=s.SelectSerializer,
        responses={201: s.LineSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def select(self, request, pk=None, format=None):
        census_return = self.get_object()
        data = s.SelectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = services.select_instrument(
            census_return, data.validated_data["instrument"], access=self.access
        )
        return Response(s.LineSerializer(line).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["census"])
@extend_schema_view(
    list=extend_schema(summary="已公布的年度普查", description="公开：已关闭并公布结果的普查。"),
    retrieve=extend_schema(
        summary="年度普查结果（公开）",
        description="按仪器分类、主管部门和单位类型汇总的台套数、原值、机时、服务次数和开放比例，以及通报；不含个人信息。",
        responses={200: s.ResultsSerializer, 404: REFUSED[404]},
    ),
)
class ResultViewSet(viewsets.GenericViewSet):
    permission_classes = [permissions.AllowAny]
    serializer_class = s.PublishedCensusSerializer
    lookup_field = "year"
    lookup_value_regex = "[0-9]{4}"

    def get_queryset(self):
        return results.published_censuses()

    def list(self, request, format=None):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, year=None, format=None):
        census = get_object_or_404(self.get_queryset(), year=year)
        return Response(s.ResultsSerializer(results.results(census)).data)


urlpatterns = []


def register_routes(router):
    router.register("census", CensusViewSet, basename="api-census")
    router.register("census-returns", ReturnViewSet, basename="api-census-return")
    router.register("census-results", ResultViewSet, basename="api-census-result")
