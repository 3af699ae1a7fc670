"""REST endpoints (``/api/v1/``): the telemetry door for devices, and devices, states, intervals, hours and
reconciliation items for people (each scoped to the units the caller may watch)."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from yiqi.accounts.access import AccessMixin

from . import reconciliation, services
from .ingest import Checked, DeviceDirectory, RateLimiter, check_message, write_batch
from .models import DailyHours, ReconciliationItem, RejectionReason, StateInterval, seconds_to_hours
from .presenters import board
from .rollup import LOCAL
from .serializers import (
    DailyHoursSerializer,
    DeviceSerializer,
    DeviceWithSecretSerializer,
    ExplainSerializer,
    InstrumentStateSerializer,
    MonthlyHoursSerializer,
    PeriodQuerySerializer,
    ReconciliationItemSerializer,
    ReviewSerializer,
    RevokeSerializer,
    ScopeQuerySerializer,
    StateIntervalSerializer,
    TelemetryAnswerSerializer,
)

# One bucket per device in this process (each web worker keeps its own).
HTTP_LIMITER = RateLimiter()

TELEMETRY_DESCRIPTION = """设备上报样本（不能使用 MQTT 的设备）。请求头 `Authorization: Device <uid>:<secret>`，请求体
`{"samples": [{"t": "2026-12-07T09:00:00+08:00" 或 Unix 秒, "state": "off|standby|running", "power_w": 1.0,
"current_a": 0.1, "signals": {"名称": 数值}}]}`，每个样本至少含 state、power_w、current_a 之一；每次至多 1000 个样本、
256 KB。同一设备同一时间的样本只计一次。返回 202：新写入数、重复数、按原因计的拒收数。认证失败 401，过大 413，
整体无法解析 400（均计入拒收统计）。"""


class DeviceAuthenticatedTelemetry(APIView):
    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = []

    @extend_schema(
        tags=["monitoring"],
        summary="上报监测样本（设备）",
        description=TELEMETRY_DESCRIPTION,
        request={"application/json": OpenApiTypes.OBJECT},
        parameters=[
            OpenApiParameter(
                "Authorization",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Device <uid>:<secret>",
            )
        ],
        responses={
            202: TelemetryAnswerSerializer,
            400: TelemetryAnswerSerializer,
            401: TelemetryAnswerSerializer,
            413: TelemetryAnswerSerializer,
        },
        auth=[],
    )
    def post(self, request):
        scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
        uid, _, secret = credentials.partition(":")
        if scheme != "Device":
            uid, secret = "", ""
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.YIQI_TELEMETRY_MAX_BYTES:
            checked = Checked(claimed_uid=uid[:64]).refuse(RejectionReason.TOO_LARGE)
        else:
            try:
                body = request.body
            except RequestDataTooBig:
                body = b" " * (settings.YIQI_TELEMETRY_MAX_BYTES + 1)
            checked = check_message(
                uid, body, secret=secret, directory=DeviceDirectory(ttl=0), limiter=HTTP_LIMITER
            )
        result = write_batch([checked])
        answer = {
            "accepted": result.inserted,
            "duplicates": result.duplicates,
            "rejected": dict(checked.rejected),
        }
        return Response(answer, status=self._status(checked))

    @staticmethod
    def _status(checked: Checked) -> int:
        if checked.device is None:
            if RejectionReason.TOO_LARGE in checked.rejected:
                return status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
            if RejectionReason.MALFORMED in checked.rejected:
                return status.HTTP_400_BAD_REQUEST
            return status.HTTP_401_UNAUTHORIZED
        if not checked.rows and RejectionReason.TOO_LARGE in checked.rejected:
            return status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
        return status.HTTP_202_ACCEPTED


@extend_schema(tags=["monitoring"])
@extend_schema_view(
    list=extend_schema(
        summary="监测设备列表", description="本单位人员、主管部门、平台管理员和评价人员可见。"
    ),
    retrieve=extend_schema(summary="监测设备详情"),
    create=extend_schema(
        summary="登记监测设备（单位管理员、信息员、机组负责人）",
        description="返回的 secret 仅此一次显示，平台只保存其 SHA-256 摘要。",
        responses={201: DeviceWithSecretSerializer},
    ),
)
class DeviceViewSet(
    AccessMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = DeviceSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return services.visible_devices(self.access).order_by("uid")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        device, secret = services.register_device(
            self.access,
            instrument=serializer.validated_data["instrument"],
            uid=serializer.validated_data["uid"],
            kind=serializer.validated_data["kind"],
            name=serializer.validated_data.get("name", ""),
            actor=request.user,
        )
        device.secret = secret
        return Response(DeviceWithSecretSerializer(device).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="更换设备密钥",
        request=None,
        responses={200: DeviceWithSecretSerializer},
        description="旧密钥随即失效。",
    )
    @action(detail=True, methods=["post"])
    def rotate(self, request, pk=None, format=None):
        device, secret = services.rotate_secret(self.access, self.get_object(), actor=request.user)
        device.secret = secret
        return Response(DeviceWithSecretSerializer(device).data)

    @extend_schema(summary="停用设备", request=RevokeSerializer, responses={200: DeviceSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None, format=None):
        serializer = RevokeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        device = services.revoke_device(
            self.access,
            self.get_object(),
            actor=request.user,
            comment=serializer.validated_data.get("comment", ""),
        )
        return Response(DeviceSerializer(device).data)


def _int_param(request, name: str) -> int | None:
    """An optional id filter; a value that is no id is a field error (400)."""
    if not request.query_params.get(name):
        return None
    query = ScopeQuerySerializer(data={name: request.query_params[name]})
    query.is_valid(raise_exception=True)
    return query.validated_data[name]


class InstrumentStatesView(AccessMixin, APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=["monitoring"],
        summary="受监测仪器的当前状态",
        description="state 为空表示离线或尚无数据。",
        parameters=[
            OpenApiParameter("unit", int, description="单位"),
            OpenApiParameter("department", int, description="主管部门"),
        ],
        responses={200: InstrumentStateSerializer(many=True)},
    )
    def get(self, request):
        rows = board(
            self.access, unit_id=_int_param(request, "unit"), department_id=_int_param(request, "department")
        )["rows"]
        return Response(InstrumentStateSerializer(rows, many=True).data)


PERIOD_PARAMETERS = [
    OpenApiParameter("instrument", int, description="仪器"),
    OpenApiParameter("start", OpenApiTypes.DATE, description="开始日期（含），默认 30 天前"),
    OpenApiParameter("end", OpenApiTypes.DATE, description="结束日期（含），默认今天"),
]


class PeriodListView(AccessMixin, generics.ListAPIView):
    """A list over local days [start, end] of the instruments the caller may watch."""

    permission_classes = [permissions.IsAuthenticated]

    def period(self) -> tuple[dt.date, dt.date, int | None]:
        query = PeriodQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        today = timezone.localdate()
        end = query.validated_data.get("end") or today
        start = query.validated_data.get("start") or end - dt.timedelta(days=29)
        return start, end, query.validated_data.get("instrument")

    def daily_hours(self):
        """The caller's daily totals over the period, for one instrument if asked."""
        start, end, instrument = self.period()
        rows = services.scoped(self.access, DailyHours.objects.all()).filter(day__gte=start, day__lte=end)
        return rows.filter(instrument_id=instrument) if instrument else rows


@extend_schema(
    tags=["monitoring"],
    summary="状态区间",
    description="由样本得出的已结束状态区间（进行中的一段见当前状态）。",
    parameters=PERIOD_PARAMETERS,
)
class StateIntervalListView(PeriodListView):
    serializer_class = StateIntervalSerializer

    def get_queryset(self):
        start_day, end_day, instrument = self.period()
        start = dt.datetime.combine(start_day, dt.time.min, tzinfo=LOCAL)
        end = dt.datetime.combine(end_day + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL)
        rows = services.scoped(self.access, StateInterval.objects.current(), "instrument__unit")
        rows = rows.filter(end__gt=start, start__lt=end)
        if instrument:
            rows = rows.filter(instrument_id=instrument)
        return rows.order_by("instrument_id", "start")


@extend_schema(
    tags=["monitoring"],
    summary="每日有效机时（监测）",
    description="运行（含开机准备、测量、后处理）计入，待机不计；coverage 为有数据的时间占全天比例。",
    parameters=PERIOD_PARAMETERS,
)
class DailyHoursListView(PeriodListView):
    serializer_class = DailyHoursSerializer

    def get_queryset(self):
        return self.daily_hours().order_by("instrument_id", "day")


@extend_schema(
    tags=["monitoring"],
    summary="每月有效机时（监测）",
    parameters=PERIOD_PARAMETERS,
    responses={200: MonthlyHoursSerializer(many=True)},
)
class MonthlyHoursListView(PeriodListView):
    serializer_class = MonthlyHoursSerializer

    def get_queryset(self):
        return (
            self.daily_hours()
            .annotate(month_start=TruncMonth("day"))
            .values("instrument_id", "month_start")
            .annotate(running=Sum("running_seconds"), standby=Sum("standby_seconds"), days=Count("id"))
            .order_by("instrument_id", "month_start")
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        rows = [
            {
                "instrument": row["instrument_id"],
                "month": row["month_start"].strftime("%Y-%m"),
                "running_hours": seconds_to_hours(row["running"]),
                "standby_hours": seconds_to_hours(row["standby"]),
                "days_with_data": row["days"],
            }
            for row in page
        ]
        return self.get_paginated_response(MonthlyHoursSerializer(rows, many=True).data)


@extend_schema(tags=["monitoring"])
@extend_schema_view(
    list=extend_schema(
        summary="核对事项",
        description="监测数据与预约、使用记录的比对结果：可疑记录、未登记使用、预约未运行、超时运行、长期闲置。",
        parameters=[
            OpenApiParameter("kind", str, enum=ReconciliationItem.Kind.values),
            OpenApiParameter("status", str, enum=ReconciliationItem.Status.values),
            OpenApiParameter("instrument", int),
        ],
    ),
    retrieve=extend_schema(summary="核对事项详情"),
)
class ReconciliationItemViewSet(AccessMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ReconciliationItemSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        rows = reconciliation.visible_items(self.access)
        params = self.request.query_params
        if params.get("kind") in ReconciliationItem.Kind.values:
            rows = rows.filter(kind=params["kind"])
        if params.get("status") in ReconciliationItem.Status.values:
            rows = rows.filter(status=params["status"])
        if _int_param(self.request, "instrument"):
            rows = rows.filter(instrument_id=_int_param(self.request, "instrument"))
        return rows

    @extend_schema(summary="单位说明（维修、校准、维护保养、其他）", request=ExplainSerializer)
    @action(detail=True, methods=["post"])
    def explain(self, request, pk=None, format=None):
        item = self.get_object()  # 404 for what the role cannot see, 403 before any field is judged
        if not reconciliation.can_explain(self.access, item):
            raise PermissionDenied
        serializer = ExplainSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = reconciliation.explain(self.access, item, actor=request.user, **serializer.validated_data)
        return Response(ReconciliationItemSerializer(item).data)

    @extend_schema(summary="审核（认可说明或确认问题；平台管理员、主管部门）", request=ReviewSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None, format=None):
        item = self.get_object()  # 404 for what the role cannot see, 403 before any field is judged
        if not reconciliation.can_review(self.access, item):
            raise PermissionDenied
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = reconciliation.review(self.access, item, actor=request.user, **serializer.validated_data)
        return Response(ReconciliationItemSerializer(item).data)


def register_routes(router) -> None:
    router.register("monitoring/devices", DeviceViewSet, basename="api-monitoring-device")
    router.register(
        "monitoring/reconciliation-items", ReconciliationItemViewSet, basename="api-monitoring-item"
    )


urlpatterns = [
    path("telemetry/", DeviceAuthenticatedTelemetry.as_view(), name="api-telemetry"),
    path("monitoring/states/", InstrumentStatesView.as_view(), name="api-monitoring-states"),
    path("monitoring/intervals/", StateIntervalListView.as_view(), name="api-monitoring-intervals"),
    path("monitoring/hours/daily/", DailyHoursListView.as_view(), name="api-monitoring-daily-hours"),
    path("monitoring/hours/monthly/", MonthlyHoursListView.as_view(), name="api-monitoring-monthly-hours"),
]
