"""Results of use (``/api/v1/outcomes/``). Thin: scoping and rules come from ``services``."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as BadRequest
from rest_framework.response import Response

from yiqi.accounts.access import AccessMixin
from yiqi.registry.models import Instrument
from yiqi.servicerecords.models import ServiceRecord

from . import serializers as s
from . import services
from .models import Outcome, OutcomeKind, OutcomeStatus

REFUSED = {
    400: OpenApiResponse(description="输入无效（字段级中文说明）"),
    403: OpenApiResponse(description="无权操作"),
    404: OpenApiResponse(description="记录不存在或不可见"),
}
FILTERS = [
    OpenApiParameter("kind", str, enum=OutcomeKind.values, description="成果类别"),
    OpenApiParameter("status", str, enum=OutcomeStatus.values, description="状态"),
    OpenApiParameter("unit", int, description="管理单位"),
]


@extend_schema(tags=["outcomes"])
@extend_schema_view(
    list=extend_schema(
        summary="应用成果",
        description="单位人员、主管部门和平台看到所辖单位的成果；用户看到本人提交的论文致谢。",
        parameters=FILTERS,
    ),
    retrieve=extend_schema(summary="应用成果详情"),
)
class OutcomeViewSet(
    AccessMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.OutcomeSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Outcome.objects.none()
        rows = services.visible_outcomes(self.access).prefetch_related(
            Prefetch("instruments", queryset=Instrument.objects.only("pk")),
            Prefetch("service_records", queryset=ServiceRecord.objects.only("pk")),
        )
        if self.action == "list":
            rows = rows.filter(**self.filters()).order_by("-date", "-pk")
        return rows

    def filters(self) -> dict:
        params, chosen = self.request.query_params, {}
        for name, allowed in (("kind", OutcomeKind.values), ("status", OutcomeStatus.values)):
            if (value := params.get(name)) is not None:
                if value not in allowed:
                    raise BadRequest({name: [_("取值无效。")]})
                chosen[name] = value
        if (unit := params.get("unit")) is not None:
            if not (unit.isascii() and unit.isdigit() and len(unit) <= 18):
                raise BadRequest({"unit": [_("请填写单位编号（整数）。")]})
            chosen["unit_id"] = int(unit)
        return chosen

    def respond(self, outcome: Outcome, code=status.HTTP_200_OK):
        return Response(s.OutcomeSerializer(self.get_queryset().get(pk=outcome.pk)).data, status=code)

    @extend_schema(
        summary="登记应用成果（单位管理员、信息员；登记即确认）",
        request=s.OutcomeInputSerializer,
        responses={201: s.OutcomeSerializer, **REFUSED},
    )
    def create(self, request):
        data = s.OutcomeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        kind, unit = fields.pop("kind", None), fields.pop("unit", None)
        if kind is None:
            raise ValidationError({"kind": [_("请选择成果类别。")]})
        if unit is None:
            unit = self.access.sole_editor_unit_id
        if unit is None:
            raise ValidationError({"unit": [_("请选择管理单位。")]})
        instruments, records = fields.pop("instruments", []), fields.pop("service_records", [])
        outcome = services.save_outcome(
            Outcome(kind=kind, unit_id=unit, **fields),
            access=self.access,
            user=request.user,
            instrument_ids=instruments,
            record_ids=records,
        )
        return self.respond(outcome, status.HTTP_201_CREATED)

    @extend_schema(
        summary="修改应用成果",
        request=s.OutcomeInputSerializer,
        responses={200: s.OutcomeSerializer, **REFUSED},
    )
    def partial_update(self, request, pk=None):
        outcome = self.get_object()
        if not isinstance(request.data, dict):
            raise BadRequest({"non_field_errors": [_("请求体应为 JSON 对象。")]})
        current = {
            "title": outcome.title,
            "date": outcome.date,
            "instruments": [i.pk for i in outcome.instruments.all()],
            "service_records": [r.pk for r in outcome.service_records.all()],
        }
        data = s.OutcomeInputSerializer(data={**current, **request.data}, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields.pop("kind", None), fields.pop("unit", None)
        instruments = fields.pop("instruments", current["instruments"])
        records = fields.pop("service_records", current["service_records"])
        for name, value in fields.items():
            setattr(outcome, name, value)
        outcome = services.save_outcome(
            outcome, access=self.access, user=request.user, instrument_ids=instruments, record_ids=records
        )
        return self.respond(outcome)

    @extend_schema(summary="删除应用成果", responses={204: None, **REFUSED})
    def destroy(self, request, pk=None):
        services.delete_outcome(self.get_object(), access=self.access, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="用户登记论文致谢（来自本人已完成的服务，待单位确认）",
        request=s.AcknowledgementSerializer,
        responses={201: s.OutcomeSerializer, **REFUSED},
    )
    @action(detail=False, methods=["post"])
    def acknowledge(self, request, format=None):
        data = s.AcknowledgementSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        outcome = services.acknowledge(
            self.access, user=request.user, record_id=fields.pop("service_record"), **fields
        )
        return self.respond(outcome, status.HTTP_201_CREATED)

    @extend_schema(
        summary="确认或不予确认用户的论文致谢（单位管理员、信息员）",
        request=s.OutcomeDecisionSerializer,
        responses={200: s.OutcomeSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None, format=None):
        outcome = self.get_object()
        data = s.OutcomeDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self.respond(
            services.decide(outcome, access=self.access, actor=request.user, **data.validated_data)
        )


urlpatterns = []


def register_routes(router):
    router.register("outcomes", OutcomeViewSet, basename="api-outcome")
