"""Demand endpoints (``/api/v1/needs/``): posting (matched at once), the matches and answers, ``act`` for every step,
``unmet`` for what the province lacks. Thin: scoping and rules come from ``services``."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from yiqi.accounts.access import AccessMixin
from yiqi.core.api import REFUSED

from . import serializers as s
from . import services
from .models import Need


@extend_schema(tags=["demands"])
@extend_schema_view(
    list=extend_schema(
        summary="需求库",
        description="发布人见自己的需求；单位、主管部门和平台管理机构还见征集中的需求；匹配单位见匹配到本单位的需求。",
    ),
    retrieve=extend_schema(summary="需求详情（含匹配的仪器、单位回复与报价）"),
)
class NeedViewSet(AccessMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.NeedSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Need.objects.none()
        return services.visible_needs(self.access).prefetch_related("matches__instrument", "matches__unit")

    def respond(self, need, code=status.HTTP_200_OK):
        serializer = self.get_serializer(self.get_queryset().get(pk=need.pk))
        return Response(serializer.data, status=code)

    @extend_schema(
        summary="发布需求（平台随即匹配仪器并通知单位）",
        request=s.NeedInputSerializer,
        responses={201: s.NeedSerializer, **REFUSED},
    )
    def create(self, request):
        data = s.NeedInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        need = services.post_need(self.access, values=dict(data.validated_data), actor=request.user)
        return self.respond(need, status.HTTP_201_CREATED)

    @extend_schema(
        summary="需求流程：单位回复报价、发布人据匹配下单委托测试（订单完成即满足）、确认已满足、关闭",
        request=s.NeedStepSerializer,
        responses={200: s.NeedSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def act(self, request, pk=None, format=None):
        need = self.get_object()
        data = s.NeedStepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        step = dict(data.validated_data)
        services.act(self.access, need, step.pop("action"), step, actor=request.user)
        return self.respond(need)

    @extend_schema(
        summary="未满足需求按仪器大类和城市统计", responses={200: s.UnmetSerializer(many=True), **REFUSED}
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def unmet(self, request, format=None):
        return Response(s.UnmetSerializer(services.unmet_by_class_and_region(self.access), many=True).data)


def register_routes(router) -> None:
    router.register("needs", NeedViewSet, basename="api-need")


urlpatterns: list = []
