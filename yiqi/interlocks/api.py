"""REST endpoints (``/api/v1/``): interlocks with their state, the enable / release / override commands, the commands
sent and the measured sessions."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from yiqi.accounts.access import AccessMixin

from . import configuration, services
from .models import InterlockCommand
from .serializers import (
    EnableSerializer,
    FitInterlockSerializer,
    InterlockCommandSerializer,
    InterlockSerializer,
    InterlockSessionSerializer,
    InterlockSettingsSerializer,
    OverrideSerializer,
)

REFUSALS = {
    400: OpenApiResponse(description="无有效预约或资格、设备未响应、参数错误"),
    403: OpenApiResponse(),
}


@extend_schema(tags=["interlocks"])
@extend_schema_view(
    list=extend_schema(
        summary="联锁列表",
        description="单位人员见本单位的联锁，主管部门见所辖单位的，平台管理员和评价人员见全部；其他用户见其持有当前"
        "或即将开始的已确认预约的仪器的联锁。",
    ),
    retrieve=extend_schema(summary="联锁状态"),
)
class InterlockViewSet(
    AccessMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = InterlockSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return (
            services.visible_interlocks(self.access)
            .select_related("instrument", "device", "user")
            .order_by("id")
        )

    @extend_schema(
        summary="设置联锁（仪器所在单位的管理员、信息员和仪器负责人）：为监测设备配置驱动、继电器地址、宽限时间和自动关闭",
        request=FitInterlockSerializer,
        responses={201: InterlockSettingsSerializer, **REFUSALS},
    )
    def create(self, request, format=None):
        body = FitInterlockSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        device = values.pop("device")
        interlock = configuration.fit(self.access, device, actor=request.user, **values)
        return Response(InterlockSettingsSerializer(interlock).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="修改联锁设置（仪器所在单位的管理员、信息员和仪器负责人；使用中不能更改驱动和地址）",
        request=InterlockSettingsSerializer,
        responses={200: InterlockSettingsSerializer, **REFUSALS},
    )
    def partial_update(self, request, pk=None, format=None):
        interlock = self.get_object()
        if not configuration.can_configure(self.access, interlock):
            raise PermissionDenied(_("您无权修改该联锁的设置。"))
        body = InterlockSettingsSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        interlock = configuration.configure(self.access, interlock, actor=request.user, **body.validated_data)
        return Response(InterlockSettingsSerializer(interlock).data)

    def _answer(self, interlock):
        interlock = (
            services.visible_interlocks(self.access)
            .select_related("instrument", "device", "user")
            .get(pk=interlock.pk)
        )
        return Response(InterlockSerializer(interlock).data)

    @extend_schema(
        summary="开机（有已确认预约和有效资格的用户，预约开始前宽限时间起至预约结束）",
        request=EnableSerializer,
        responses={200: InterlockSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def enable(self, request, pk=None, format=None):
        interlock = self.get_object()
        body = EnableSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.enable(interlock, actor=request.user, user=body.validated_data.get("user"))
        return self._answer(interlock)

    @extend_schema(
        summary="结束使用（本人或服务人员）", request=None, responses={200: InterlockSerializer, **REFUSALS}
    )
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None, format=None):
        interlock = self.get_object()
        services.release(interlock, actor=request.user)
        return self._answer(interlock)

    @extend_schema(
        summary="人工放行或锁定（该仪器的服务人员，须填写原因）",
        request=OverrideSerializer,
        responses={200: InterlockSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def override(self, request, pk=None, format=None):
        interlock = self.get_object()
        if not services.can_override(self.access, interlock):
            raise PermissionDenied(_("只有该仪器的服务人员可以人工操作联锁。"))
        body = OverrideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        services.override(
            interlock,
            actor=request.user,
            enable=values["enable"],
            reason=values["reason"],
            user=values.get("user"),
            hours=values["hours"],
        )
        return self._answer(interlock)


@extend_schema(tags=["interlocks"])
@extend_schema_view(
    list=extend_schema(
        summary="联锁指令记录", description="可见联锁上的指令；非单位人员只见为本人发出的指令。"
    ),
    retrieve=extend_schema(summary="联锁指令"),
)
class InterlockCommandViewSet(
    AccessMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = InterlockCommandSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        access = self.access
        commands = InterlockCommand.objects.filter(interlock__in=services.visible_interlocks(access))
        if not (
            access.is_platform_admin or access.is_evaluator or access.department_ids or access.staff_unit_ids
        ):
            commands = commands.filter(Q(for_user_id=access.user_id) | Q(requested_by_id=access.user_id))
        return commands.order_by("-sent_at", "-id")


@extend_schema(tags=["interlocks"])
@extend_schema_view(
    list=extend_schema(summary="联锁使用时段（实测自主上机时间）"),
    retrieve=extend_schema(summary="联锁使用时段"),
)
class InterlockSessionViewSet(
    AccessMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = InterlockSessionSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return services.visible_sessions(self.access).order_by("-started_at", "-id")


urlpatterns = []


def register_routes(router) -> None:
    router.register("interlocks", InterlockViewSet, basename="api-interlock")
    router.register("interlock-commands", InterlockCommandViewSet, basename="api-interlock-command")
    router.register("interlock-sessions", InterlockSessionViewSet, basename="api-interlock-session")
