"""Alliance endpoints (``/api/v1/alliances/``): public reads of each alliance, its terms and its members; unit
admins form alliances, set terms, invite, apply and decide through the same services as the pages."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from yiqi.accounts.access import access_for

from . import serializers as s
from . import services
from .models import Membership, MembershipStatus

REFUSED = {
    400: OpenApiResponse(description="字段错误（逐字段说明）"),
    403: OpenApiResponse(description="无权执行该操作"),
}


class ReadOrSignedIn(permissions.BasePermission):
    """Anyone reads; only a signed-in user writes (what they may write is the service's to say)."""

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or bool(
            request.user and request.user.is_authenticated
        )


@extend_schema(tags=["alliances"])
@extend_schema_view(
    list=extend_schema(summary="开放共享联盟", description="牵头单位、成员单位与成员条款（公开）。"),
    retrieve=extend_schema(summary="开放共享联盟详情"),
    create=extend_schema(
        summary="组建联盟",
        description="牵头单位的管理员组建联盟，牵头单位即为首个成员；条款与成员仪器的设置矛盾时拒绝。",
        request=s.AllianceFormSerializer,
        responses={201: s.AllianceSerializer, **REFUSED},
    ),
    partial_update=extend_schema(
        summary="修改联盟条款",
        description="牵头单位的管理员修改简介与成员条款；与成员仪器的设置矛盾时拒绝，不做任何修改。",
        request=s.TermsSerializer,
        responses={200: s.AllianceSerializer, **REFUSED},
    ),
)
class AllianceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.AllianceSerializer
    permission_classes = [ReadOrSignedIn]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        active = Membership.objects.filter(status=MembershipStatus.ACTIVE).select_related("unit")
        return (
            services.alliances()
            .prefetch_related(Prefetch("memberships", queryset=active, to_attr="active_members"))
            .order_by("name")
        )

    def _shown(self, pk, code=status.HTTP_200_OK) -> Response:
        return Response(s.AllianceSerializer(self.get_queryset().get(pk=pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        data = s.AllianceFormSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        alliance = services.form_alliance(
            access=access_for(request.user), actor=request.user, **data.validated_data
        )
        return self._shown(alliance.pk, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        alliance = self.get_object()
        data = s.TermsSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.set_terms(alliance, access=access_for(request.user), **data.validated_data)
        return self._shown(alliance.pk)

    @extend_schema(
        summary="申请加入联盟",
        description="本单位管理员为所管理的单位申请加入；由牵头单位审核。",
        request=s.UnitChoiceSerializer,
        responses={201: s.MembershipSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def join(self, request, pk=None, format=None):
        return self._membership(request, services.apply)

    @extend_schema(
        summary="邀请单位加入联盟",
        description="牵头单位的管理员邀请一个管理单位；受邀单位的管理员接受或谢绝（接受时核对条款）。",
        request=s.UnitChoiceSerializer,
        responses={201: s.MembershipSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None, format=None):
        return self._membership(request, services.invite)

    def _membership(self, request, step) -> Response:
        alliance = self.get_object()
        data = s.UnitChoiceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = step(
            alliance, access=access_for(request.user), actor=request.user, unit_id=data.validated_data["unit"]
        )
        return Response(s.MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["alliances"])
@extend_schema_view(
    list=extend_schema(
        summary="联盟成员关系",
        description="所管理单位的成员关系（申请、邀请、成员、退出），及所牵头联盟的全部成员关系。",
    ),
    retrieve=extend_schema(summary="联盟成员关系详情"),
)
class MembershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.MembershipSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return services.visible_memberships(access_for(self.request.user)).order_by("-created_at", "-id")

    @extend_schema(
        summary="成员关系流程：同意加入、不同意、接受邀请、谢绝邀请、退出联盟、移出联盟",
        request=s.MembershipStepSerializer,
        responses={200: s.MembershipSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def act(self, request, pk=None, format=None):
        membership = self.get_object()
        data = s.MembershipStepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        done = services.act(
            membership, access=access_for(request.user), actor=request.user, **data.validated_data
        )
        return Response(s.MembershipSerializer(self.get_queryset().get(pk=done.pk)).data)


urlpatterns = []


def register_routes(router):
    router.register("alliances", AllianceViewSet, basename="api-alliance")
    router.register("alliance-memberships", MembershipViewSet, basename="api-alliance-membership")
