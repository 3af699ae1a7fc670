"""Alliance endpoints (``/api/v1/alliances/``): public reads of each alliance, its terms and its members."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, viewsets

from . import serializers as s
from . import services
from .models import Membership, MembershipStatus


@extend_schema(tags=["alliances"])
@extend_schema_view(
    list=extend_schema(summary="开放共享联盟", description="牵头单位、成员单位与成员条款（公开）。"),
    retrieve=extend_schema(summary="开放共享联盟详情"),
)
class AllianceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.AllianceSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        active = Membership.objects.filter(status=MembershipStatus.ACTIVE).select_related("unit")
        return (
            services.alliances()
            .prefetch_related(Prefetch("memberships", queryset=active, to_attr="active_members"))
            .order_by("name")
        )


urlpatterns = []


def register_routes(router):
    router.register("alliances", AllianceViewSet, basename="api-alliance")
