"""REST endpoints (``/api/v1/``): usage records (manual ones created with their evidence) and usage totals."""

import datetime as dt
from pathlib import PurePath

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from yiqi.accounts.access import AccessMixin, access_for
from yiqi.core.api import BoundedJSONParser

from . import services, totals
from .filters import UsageRecordFilter
from .serializers import TotalsQuerySerializer, TotalsSerializer, UsageRecordSerializer


class MayRecordUsage(permissions.BasePermission):
    """Recording offline use is for those who serve some instrument: checked before the body is read, so others
    learn nothing from validation messages."""

    message = _lazy("只有本单位的实验技术人员、机组负责人和单位管理员可以登记使用记录。")

    def has_permission(self, request, view):
        return view.action != "create" or services.can_record(access_for(request.user))


@extend_schema(tags=["usage"])
@extend_schema_view(
    list=extend_schema(
        summary="使用记录列表",
        description="本人的记录；单位人员另见本单位全部记录，主管部门见所辖单位的记录，平台管理员和评价人员见全部。",
    ),
    retrieve=extend_schema(summary="使用记录详情"),
    create=extend_schema(
        summary="线下登记使用记录（实验技术人员、机组负责人、单位管理员）",
        description="登记未经平台预约或委托的使用，须以 multipart/form-data 上传佐证材料。结束时间不能晚于当前时间；"
        "有效机时不填按起止时间计算，可少于、不能多于起止时间之差；与已完成预约重叠的时段不能登记。",
    ),
    partial_update=extend_schema(summary="修改线下登记的记录（本单位服务人员，限登记当月）"),
    destroy=extend_schema(summary="删除线下登记的记录（本单位服务人员，限登记当月）"),
)
class UsageRecordViewSet(
    AccessMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Every hour an instrument worked: from completed bookings and orders, and recorded by hand."""

    serializer_class = UsageRecordSerializer
    filterset_class = UsageRecordFilter
    permission_classes = [permissions.IsAuthenticated, MayRecordUsage]
    parser_classes = [MultiPartParser, FormParser, BoundedJSONParser]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return services.with_service_details(
            services.visible_usage(self.access).select_related("instrument", "unit", "user_organization")
        )

    def perform_destroy(self, instance):
        services.delete_manual_usage(instance, actor=self.request.user)

    @extend_schema(
        summary="下载佐证材料",
        description="仅本单位人员、所属主管部门和平台管理员。",
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            403: OpenApiResponse(description="无权下载"),
            404: OpenApiResponse(description="没有佐证材料"),
        },
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def evidence(self, request, pk=None, format=None):
        evidence = services.open_evidence(self.get_object(), actor=request.user)
        if evidence is None:
            raise Http404
        return FileResponse(evidence.open("rb"), as_attachment=True, filename=PurePath(evidence.name).name)


class UsageTotalsView(APIView):
    """Machine-hours, external-service hours and sharing rates per instrument, unit, department or region."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=["usage"],
        summary="使用统计",
        description="按开始时间（北京时间）统计 [start, end] 期间的记录。单位人员只得到本单位的数据，主管部门得到所辖单位的，"
        "平台管理员和评价人员得到全部；region 给出省级（level 1）和市级（level 2）两级汇总。",
        parameters=[TotalsQuerySerializer],
        responses={
            200: TotalsSerializer,
            403: OpenApiResponse(description="非单位人员、主管部门或平台管理员"),
        },
    )
    def get(self, request):
        query = TotalsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        access = access_for(request.user)
        if not totals.sees_usage_totals(access):
            raise PermissionDenied(_("使用统计仅对单位人员、主管部门和平台管理员开放。"))
        units = totals.units_for(access)
        group_by, start, end = (query.validated_data[k] for k in ("group_by", "start", "end"))
        rows = totals.usage_totals(
            group_by, start=start, end=end + dt.timedelta(days=1), scope_queryset=units
        )
        return Response(
            TotalsSerializer({"group_by": group_by, "start": start, "end": end, "rows": rows}).data
        )


urlpatterns = [path("usage-totals/", UsageTotalsView.as_view(), name="api-usage-totals")]


def register_routes(router) -> None:
    router.register("usage-records", UsageRecordViewSet, basename="api-usage-record")
