"""Purchase-review endpoints (``/api/v1/purchase-applications/``): filing, the frozen evidence, every step of the
review through ``act``. Thin: scoping and rules come from ``services``."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from yiqi.accounts.access import AccessMixin
from yiqi.core.api import REFUSED

from . import printing, services
from . import serializers as s
from .models import PurchaseApplication


@extend_schema(tags=["purchases"])
@extend_schema_view(
    list=extend_schema(
        summary="购置查重评议申请",
        description="评议主管部门可见全部；单位可见本单位的；主管部门可见所属单位已提交的；专家可见指派给自己的。",
    ),
    retrieve=extend_schema(summary="购置申请详情（含提交时固化的查重证据与专家意见）"),
)
class ApplicationViewSet(
    AccessMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = s.PurchaseApplicationSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PurchaseApplication.objects.none()
        return services.visible_applications(self.access).prefetch_related("quotes", "reviews__expert")

    def respond(self, application, code=status.HTTP_200_OK):
        application = self.get_queryset().get(pk=application.pk)
        return Response(s.PurchaseApplicationSerializer(application).data, status=code)

    def values(self, request, partial=False):
        data = s.PurchaseApplicationInputSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        quotes = values.pop("quotes", None)
        return values, quotes

    @extend_schema(
        summary="填报购置申请（草稿）",
        request=s.PurchaseApplicationInputSerializer,
        responses={201: s.PurchaseApplicationSerializer, **REFUSED},
    )
    def create(self, request):
        values, quotes = self.values(request)
        units = services.filing_units(self.access)
        unit_id = values.pop("unit", None)
        unit = (
            units.filter(pk=unit_id).first() if unit_id else (units.first() if units.count() == 1 else None)
        )
        if unit is None:
            raise ValidationError({"unit": [_("请选择申请单位。")]})
        application = services.save_application(
            self.access, unit=unit, values=values, quotes=quotes or [], actor=request.user
        )
        return self.respond(application, status.HTTP_201_CREATED)

    @extend_schema(
        summary="修改草稿（提交后不能修改）",
        request=s.PurchaseApplicationInputSerializer,
        responses={200: s.PurchaseApplicationSerializer, **REFUSED},
    )
    def partial_update(self, request, pk=None):
        application = self.get_object()
        values, quotes = self.values(request, partial=True)
        values.pop("unit", None)
        if quotes is None:
            quotes = s.QuoteSerializer(application.quotes.all(), many=True).data
        application = services.save_application(
            self.access,
            unit=application.unit,
            values=values,
            quotes=quotes,
            actor=request.user,
            application=application,
        )
        return self.respond(application)

    @extend_schema(
        summary="评议流程：提交、撤回、指派专家、专家评议、出具意见、关联购置后的仪器",
        request=s.PurchaseStepSerializer,
        responses={200: s.PurchaseApplicationSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def act(self, request, pk=None, format=None):
        application = self.get_object()
        data = s.PurchaseStepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        step = dict(data.validated_data)
        services.act(self.access, application, step.pop("action"), step, actor=request.user)
        return self.respond(application)

    @extend_schema(
        summary="购置查重评议备案（评议主管部门的网上备案记录）",
        description="已备案的申请，按备案时间倒序；可按年度、申请单位、评议意见筛选。范围同申请列表。",
        parameters=[s.RecordFilterSerializer],
        responses={200: s.PurchaseApplicationSerializer(many=True), **REFUSED},
    )
    @action(detail=False, methods=["get"])
    def record(self, request, format=None):
        query = s.RecordFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        rows = services.filed_record(
            self.access,
            year=filters.get("year"),
            unit_id=filters.get("unit"),
            opinion=filters.get("opinion", ""),
        ).prefetch_related("quotes", "reviews__expert")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.PurchaseApplicationSerializer(page, many=True).data)

    @extend_schema(
        summary="评议意见书（PDF，与页面打印相同）",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **REFUSED},
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None, format=None):
        application = self.get_object()
        response = HttpResponse(
            printing.opinion_pdf(self.access, application, request), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="{application.number}.pdf"'
        return response


def register_routes(router) -> None:
    router.register("purchase-applications", ApplicationViewSet, basename="api-purchase-application")


urlpatterns: list = []
