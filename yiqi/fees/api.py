"""Fee endpoints (``/api/v1/``). Thin: scoping and rules come from ``services`` and ``statements``."""

import django_filters
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from yiqi.accounts.access import AccessMixin, access_for
from yiqi.servicerecords import kinds

from . import services, statements
from .filters import ChargeFilter
from .models import ChargeAdjustment, FeeItem
from .serializers import (
    AdjustmentSerializer,
    AdjustRequestSerializer,
    ChargeSerializer,
    DecisionSerializer,
    FeeItemSerializer,
    PaymentSerializer,
    StatementQuerySerializer,
    StatementSerializer,
)


class FeeItemFilter(django_filters.FilterSet):
    instrument = django_filters.NumberFilter(
        label=_("仪器 id"), min_value=1, max_value=2**63 - 1, field_name="instrument_id"
    )
    is_active = django_filters.BooleanFilter(label=_("启用"))

    class Meta:
        model = FeeItem
        fields = []


@extend_schema(tags=["fees"])
@extend_schema_view(
    list=extend_schema(
        summary="收费标准",
        description="已发布仪器的启用收费项目对所有人公开（用 ?instrument= 取一台仪器的收费标准）；"
        "机组负责人和单位管理员另见其仪器的全部项目（含已停用）。",
    ),
    retrieve=extend_schema(summary="收费项目详情"),
    create=extend_schema(
        summary="添加收费项目（机组负责人、单位管理员）",
        description="价格不能为负数，最多两位小数，不超过 1,000,000 元。",
    ),
    update=extend_schema(
        summary="修改收费项目",
        description="只影响此后的报价和结算；已出的报价和账单不变。停用：is_active=false。",
    ),
    partial_update=extend_schema(summary="修改收费项目（部分字段）"),
)
class FeeItemViewSet(
    AccessMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Lines of instruments' published fee schedules."""

    serializer_class = FeeItemSerializer
    filterset_class = FeeItemFilter
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    def get_queryset(self):
        return (
            services.visible_fee_items(self.access)
            .select_related("instrument")
            .order_by("instrument", "position", "id")
        )


@extend_schema(tags=["fees"])
@extend_schema_view(
    list=extend_schema(
        summary="费用单列表",
        description="付费人看到本人的费用单；单位服务人员（单位管理员、实验技术人员、机组负责人）看到其服务仪器的费用单；"
        "平台管理员看到全部。可按出账月份（month=YYYY-MM）、状态、仪器筛选。",
    ),
    retrieve=extend_schema(
        summary="费用单详情", description="含报价和结算明细、费用调整。金额为两位小数的字符串。"
    ),
)
class ChargeViewSet(AccessMixin, viewsets.ReadOnlyModelViewSet):
    """The charge of each service record (booking, order): quote, bill, adjustments, payment."""

    serializer_class = ChargeSerializer
    filterset_class = ChargeFilter
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return (
            services.visible_charges(self.access)
            .select_related(
                "instrument",
                "unit",
                "payer",
                "payer_organization",
                "record",
                *kinds.detail_relations("record__"),
            )
            .prefetch_related("lines", "adjustments__requested_by", "adjustments__decided_by")
        )

    def _charge_data(self, charge):
        return self.get_serializer(self.get_queryset().get(pk=charge.pk)).data

    @extend_schema(
        summary="申请调整费用（单位服务人员）",
        description="已出账单、未缴费的费用单可申请调整；须填写原因，由本单位另一位单位管理员审批后生效。"
        "调整后的应收金额不能低于零。",
        request=AdjustRequestSerializer,
        responses={
            201: AdjustmentSerializer,
            400: OpenApiResponse(
                description="金额为零、超过两位小数、使应收低于零，缺少原因，或费用单状态不允许"
            ),
            403: OpenApiResponse(description="不是该仪器的服务人员"),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def adjust(self, request, pk=None, format=None):
        data = AdjustRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        adjustment = services.request_adjustment(self.get_object(), actor=request.user, **data.validated_data)
        return Response(AdjustmentSerializer(adjustment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="审批费用调整（单位管理员，不能是申请人）",
        description="approve 批准（应收金额随之重算，通知付费人）；reject 驳回（须填意见，金额不变）。",
        request=DecisionSerializer,
        responses={
            200: AdjustmentSerializer,
            400: OpenApiResponse(description="已审批过、驳回未填意见、批准后应收低于零，或费用单已缴费"),
            403: OpenApiResponse(description="不是本单位的单位管理员，或审批自己的申请"),
            404: OpenApiResponse(description="该费用单下没有这项调整"),
        },
    )
    @action(
        detail=True, methods=["post"], url_path="decide-adjustment", filter_backends=[], pagination_class=None
    )
    def decide_adjustment(self, request, pk=None, format=None):
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        adjustment = get_object_or_404(
            ChargeAdjustment, charge=self.get_object(), pk=data.validated_data["adjustment"]
        )
        adjustment = services.decide_adjustment(
            adjustment,
            actor=request.user,
            approve=data.validated_data["decision"] == "approve",
            comment=data.validated_data.get("comment", ""),
        )
        return Response(AdjustmentSerializer(adjustment).data)

    @extend_schema(
        summary="登记缴费（单位服务人员）",
        description="费用已到账：填写凭证号和到账日期，费用单变为已缴费，此后不能调整，也不能重复登记。",
        request=PaymentSerializer,
        responses={
            200: ChargeSerializer,
            400: OpenApiResponse(description="已缴费、尚未出账、有待审批的调整，或凭证号、日期无效"),
            403: OpenApiResponse(description="不是该仪器的服务人员"),
        },
    )
    @action(
        detail=True, methods=["post"], url_path="record-payment", filter_backends=[], pagination_class=None
    )
    def record_payment(self, request, pk=None, format=None):
        data = PaymentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        charge = services.record_payment(self.get_object(), actor=request.user, **data.validated_data)
        return Response(self._charge_data(charge))


class StatementAPIView(APIView):
    """A month's bills grouped by paying organisation, with subtotals and the total."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=["fees"],
        summary="月度对账单",
        description="unit 给出时：该单位当月出账的费用（限该单位的服务人员和平台管理员），按付费单位分组，"
        "个人用户单列；不给出时：本人及本人所在单位（注册用户、单位管理员）当月被各单位出账的费用。"
        "合计等于所列账单应收金额之和。",
        parameters=[StatementQuerySerializer],
        responses={
            200: StatementSerializer,
            400: OpenApiResponse(description="月份格式错误"),
            403: OpenApiResponse(description="无权查看该单位的对账单"),
            404: OpenApiResponse(description="没有该单位"),
        },
    )
    def get(self, request):
        query = StatementQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        month = query.validated_data.get("month") or statements.parse_month("")
        access = access_for(request.user)
        if "unit" in query.validated_data:
            unit = get_object_or_404(statements.statement_units(access), pk=query.validated_data["unit"])
            statement = statements.unit_statement(access, unit, month)
        else:
            statement = statements.payer_statement(access, month)
        return Response(StatementSerializer(statement).data)


urlpatterns = [path("statements/", StatementAPIView.as_view(), name="api-statements")]


def register_routes(router):
    router.register("fee-items", FeeItemViewSet, basename="api-fee-item")
    router.register("charges", ChargeViewSet, basename="api-charge")
