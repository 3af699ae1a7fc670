"""Commissioned-testing API (``/api/v1/orders/``). Thin: who sees what and every rule come from ``services``."""

import json

import django_filters
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from yiqi.accounts.access import AccessMixin, access_for
from yiqi.registry import scoping

from . import services
from .models import OrderFormField, OrderStatus, TestOrder
from .serializers import (
    OrderCreateSerializer,
    OrderFormFieldSerializer,
    OrderResultSerializer,
    OrderResultUploadSerializer,
    OrderSerializer,
    OrderStaffSerializer,
    OrderTransitionSerializer,
)


class OrderFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=OrderStatus.choices)
    instrument = django_filters.NumberFilter(
        label=_("仪器 id"), min_value=1, max_value=2**63 - 1, field_name="instrument_id"
    )

    class Meta:
        model = TestOrder
        fields = []


class FileRenderer(BaseRenderer):
    """Lets a client ask for a results file with ``Accept: application/octet-stream``; errors stay JSON."""

    media_type = "application/octet-stream"
    format = "file"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode()


ERRORS = {
    400: OpenApiResponse(description="不符合规则（字段级错误信息）"),
    403: OpenApiResponse(description="无权执行"),
    404: OpenApiResponse(description="委托单不存在或无权查看"),
}


@extend_schema(tags=["orders"])
@extend_schema_view(
    list=extend_schema(
        summary="委托单列表",
        description="本人的委托单，加上本人服务的单位的委托单（单位的实验技术人员对未指派给自己的委托单只能看到"
        "单号、仪器、状态和日期）；平台管理员可见全部委托单的状态、数量和费用，但看不到样品与结果。",
    ),
    retrieve=extend_schema(
        summary="委托单详情",
        description="委托人、负责人员、机组负责人和单位管理员可见全部内容；平台管理员只见状态、数量和费用；"
        "其他人 404。",
    ),
    create=extend_schema(
        summary="提交委托测试",
        description="仪器须已发布、运行正常、提供委托测试且共享方式允许；answers 按该仪器的委托单字段"
        "（GET /api/v1/instruments/{id}/order-fields/）填写，错误按字段标识给出。",
        request=OrderCreateSerializer,
        responses={201: OrderSerializer, 400: ERRORS[400]},
    ),
)
class OrderViewSet(
    AccessMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Commissioned-testing orders (委托测试)."""

    serializer_class = OrderSerializer
    filterset_class = OrderFilter
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        access = self.access
        orders = (
            services.visible_orders(access) if self.action == "list" else services.openable_orders(access)
        )
        return orders.select_related(
            "instrument__unit", "user", "user_organization", "record__charge"
        ).prefetch_related("assigned_staff", "results")

    def _respond(self, order, code=status.HTTP_200_OK) -> Response:
        """The order as it is now, read afresh (its charge is written by the layers above, after the step)."""
        order = self.get_queryset().get(pk=order.pk)
        return Response(OrderSerializer(order, context=self.get_serializer_context()).data, status=code)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        confidential = set(
            services.confidential_orders(self.access)
            .filter(pk__in=[order.pk for order in page])
            .values_list("pk", flat=True)
        )
        context = {
            **self.get_serializer_context(),
            "confidential_ids": confidential,
            "serving_ids": services.served_order_ids(self.access, page),
            "audit_trails": services.audit_trails([order for order in page if order.pk in confidential]),
        }
        return self.get_paginated_response(OrderSerializer(page, many=True, context=context).data)

    def create(self, request, *args, **kwargs):
        data = OrderCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        order = services.submit_order(user=request.user, **data.validated_data)
        return self._respond(order, status.HTTP_201_CREATED)

    @extend_schema(
        summary="办理委托单",
        description="quote 报价（工作人员，须填 hours）；reject 拒绝受理（须填 comment）；confirm 确认报价、"
        "cancel 取消（委托人，收样前）；receive_samples 确认收样；start_testing 开始检测；publish_results "
        "发布结果（须已上传结果，填 machine_hours，可填 tested_from/tested_until）；accept 确认完成（委托人）；"
        "close 结束委托（工作人员，须填 comment）。完成时出账单并记入使用记录。下载结果文件不改变委托单状态。",
        request=OrderTransitionSerializer,
        responses={200: OrderSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def transition(self, request, pk=None, format=None):
        data = OrderTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        order = services.transition(
            self.get_object(),
            params.pop("action"),
            actor=request.user,
            comment=params.pop("comment"),
            **params,
        )
        return self._respond(order)

    @extend_schema(
        summary="指派负责人员",
        description="由机组负责人、单位管理员或已指派的技术人员设置；只能指派本单位的实验技术人员。",
        request=OrderStaffSerializer,
        responses={200: OrderSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def staff(self, request, pk=None, format=None):
        data = OrderStaffSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.assign_staff(self.get_object(), data.validated_data["staff"], actor=request.user)
        return self._respond(order)

    @extend_schema(
        summary="上传结果文件",
        description="检测中由负责人员上传，可一次多个（字段 files）。接受 pdf、xlsx、xls、csv、docx、txt、zip、"
        "png、jpg、tif；按扩展名和文件内容双重检查，超过大小上限或类型不符时一个也不保存。",
        request={"multipart/form-data": OrderResultUploadSerializer},
        responses={201: OrderResultSerializer(many=True), **ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser], filter_backends=[])
    def results(self, request, pk=None, format=None):
        saved = services.add_results(self.get_object(), request.FILES.getlist("files"), actor=request.user)
        return Response(OrderResultSerializer(saved, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="下载结果文件",
        description="负责人员随时可下载；委托人在结果发布后可下载（记录首次下载时间），确认完成须另行提交 accept。",
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            403: ERRORS[403],
            404: ERRORS[404],
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"results/(?P<result_id>\d+)",
        url_name="download-result",
        renderer_classes=[JSONRenderer, FileRenderer],
        filter_backends=[],
        pagination_class=None,
    )
    def download_result(self, request, pk=None, result_id=None, format=None):
        result = get_object_or_404(self.get_object().results, pk=result_id)
        result = services.open_result(result, actor=request.user)
        return FileResponse(result.file.open("rb"), as_attachment=True, filename=result.original_name)


@extend_schema(
    tags=["orders"],
    summary="仪器的委托单字段",
    description="提交委托测试时 answers 须回答的问题（公开）。",
)
class InstrumentOrderFieldsView(generics.ListAPIView):
    serializer_class = OrderFormFieldSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return OrderFormField.objects.none()
        instruments = scoping.visible_instruments(access_for(self.request.user))
        return get_object_or_404(instruments, pk=self.kwargs["pk"]).order_form_fields.all()


urlpatterns = [
    path(
        "instruments/<int:pk>/order-fields/",
        InstrumentOrderFieldsView.as_view(),
        name="api-instrument-order-fields",
    )
]


def register_routes(router) -> None:
    router.register("orders", OrderViewSet, basename="api-order")
