"""The expert pool over the API (``/api/v1/experts/``): the authority reads the pool by field; an expert reads
their own entry. Pool changes are made in the admin."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.exceptions import PermissionDenied

from yiqi.accounts.access import AccessMixin

from . import services
from .serializers import ExpertSerializer


@extend_schema(
    tags=["experts"],
    summary="专家库",
    description="平台管理机构按仪器分类或 GB/T 13745 学科查询在库专家；专家本人只见自己的条目。",
    parameters=[
        OpenApiParameter("category", OpenApiTypes.STR, description="仪器分类代码（六位，可为大类）"),
        OpenApiParameter("discipline", OpenApiTypes.STR, description="GB/T 13745 一级学科代码（三位）"),
    ],
)
class ExpertViewSet(AccessMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ExpertSerializer

    def list(self, request, *args, **kwargs):
        if not (services.manages_pool(self.access) or self.access.is_expert):
            raise PermissionDenied(_("只有平台管理机构可以查看专家库。"))
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        experts = services.visible_experts(self.access)
        params = self.request.query_params
        if params.get("category") or params.get("discipline"):
            experts = services.in_field(
                experts, category_code=params.get("category", ""), discipline=params.get("discipline", "")
            )
        return experts.prefetch_related("categories", "disciplines", "affiliations", "conflicts")


def register_routes(router) -> None:
    router.register("experts", ExpertViewSet, basename="api-expert")


urlpatterns: list = []
