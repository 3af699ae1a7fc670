"""Resource endpoints (``/api/v1/resources/``, ``/api/v1/resource-requests/``). Thin: scoping and rules come
from ``services``."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from yiqi.accounts.access import AccessMixin

from . import serializers as s
from . import services
from .models import Resource

REFUSED = {
    400: OpenApiResponse(description="输入无效（字段级中文说明）"),
    403: OpenApiResponse(description="无权操作"),
    404: OpenApiResponse(description="记录不存在或不可见"),
}


@extend_schema(tags=["resources"])
@extend_schema_view(
    list=extend_schema(
        summary="科技资源（已发布）",
        description="科学数据、科技文献、科技报告、自然科技资源，最新发布的在前；按词语和分面查找用 "
        "/api/v1/catalog/resources/。",
    ),
    retrieve=extend_schema(summary="科技资源详情", description="未发布的记录只有本单位、主管部门可见。"),
)
class ResourceViewSet(AccessMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.ResourceSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Resource.objects.none()
        if self.action == "list":
            return services.published_resources()
        return services.visible_resources(self.access)

    def respond(self, resource: Resource, code=status.HTTP_200_OK):
        return Response(s.ResourceSerializer(resource).data, status=code)

    @extend_schema(
        summary="登记科技资源（单位管理员、信息员）",
        request=s.ResourceInputSerializer,
        responses={201: s.ResourceSerializer, **REFUSED},
    )
    def create(self, request):
        data = s.ResourceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        kind, unit = fields.pop("kind", None), fields.pop("unit", None)
        if kind is None:
            raise ValidationError({"kind": [_("请选择资源类别。")]})
        if unit is None:
            unit = self.access.sole_editor_unit_id
        if unit is None:
            raise ValidationError({"unit": [_("请选择管理单位。")]})
        resource = services.save_resource(
            Resource(kind=kind, unit_id=unit, **fields), access=self.access, user=request.user
        )
        return self.respond(resource, status.HTTP_201_CREATED)

    @extend_schema(
        summary="修改科技资源",
        request=s.ResourceInputSerializer,
        responses={200: s.ResourceSerializer, **REFUSED},
    )
    def partial_update(self, request, pk=None):
        resource = self.get_object()
        data = s.ResourceInputSerializer(data={"name": resource.name, **request.data}, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields.pop("kind", None), fields.pop("unit", None)
        for name, value in fields.items():
            setattr(resource, name, value)
        return self.respond(services.save_resource(resource, access=self.access, user=request.user))

    @extend_schema(
        summary="登记流程（与仪器入网相同）：提交、单位确认、主管部门同意/不同意、平台审核发布、退回、撤回发布",
        request=s.ResourceStepSerializer,
        responses={200: s.ResourceSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def act(self, request, pk=None, format=None):
        resource = self.get_object()
        data = s.ResourceStepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        resource = services.act(resource, access=self.access, actor=request.user, **data.validated_data)
        return self.respond(resource)


@extend_schema(tags=["resources"])
@extend_schema_view(
    list=extend_schema(summary="科技资源申请", description="只有申请人和资源的管理单位可见。"),
    retrieve=extend_schema(summary="科技资源申请详情"),
)
class RequestViewSet(AccessMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.ResourceRequestSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return services.visible_requests(self.access)

    @extend_schema(
        summary="申请使用科技资源（数据访问、复制或借阅、样品供应）",
        request=s.RequestInputSerializer,
        responses={201: s.ResourceRequestSerializer, **REFUSED},
    )
    def create(self, request):
        data = s.RequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        resource = services.visible_resources(self.access).filter(pk=fields.pop("resource")).first()
        if resource is None:
            raise ValidationError({"resource": [_("没有该科技资源。")]})
        made = services.request_resource(resource, access=self.access, user=request.user, **fields)
        return Response(s.ResourceRequestSerializer(made).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="审核、交付、借出与归还（管理单位）或撤回（申请人）",
        request=s.RequestDecisionSerializer,
        responses={200: s.ResourceRequestSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None, format=None):
        made = self.get_object()
        data = s.RequestDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        made = services.decide(made, access=self.access, actor=request.user, **data.validated_data)
        return Response(s.ResourceRequestSerializer(self.get_queryset().get(pk=made.pk)).data)


urlpatterns = []


def register_routes(router):
    router.register("resources", ResourceViewSet, basename="api-resource")
    router.register("resource-requests", RequestViewSet, basename="api-resource-request")
