"""The evaluation over the API (``/api/v1/evaluation/…``): rounds and results as each role may see them (the
public only what is published), and experts' marks, given through the same service as the scoring page."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from yiqi.accounts.access import AccessMixin

from .models import ExpertScore, Indicator, Round
from .serializers import ResultSerializer, RoundSerializer, ScoreInputSerializer, ScoreSerializer
from .services import presenters, rounds
from .services.schemes import is_authority


@extend_schema_view(
    list=extend_schema(
        tags=["evaluation"],
        summary="评价轮次",
        description="平台管理机构看到全部轮次；单位、主管部门和专家看到与自己有关的轮次；公众只看到已公布的。",
    ),
    retrieve=extend_schema(tags=["evaluation"], summary="评价轮次详情"),
)
class RoundViewSet(AccessMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = RoundSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        return presenters.visible_rounds(self.access).order_by("-period_end", "-id")


@extend_schema_view(
    list=extend_schema(
        tags=["evaluation"],
        summary="评价结果",
        description="各单位的指标得分、总分、排名、等级和后补助：公众只见已公布轮次；平台管理机构自结果计算起可见。",
    ),
    retrieve=extend_schema(tags=["evaluation"], summary="单位评价结果"),
)
class ResultViewSet(AccessMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ResultSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        shown = rounds.visible_evaluations(self.access).filter(round__status=Round.Status.PUBLISHED)
        if is_authority(self.access):
            shown = rounds.visible_evaluations(self.access).filter(
                round__status__in=(Round.Status.CLOSED, Round.Status.PUBLISHED)
            )
        round_id = self.request.query_params.get("round", "")
        if round_id.isdigit():
            shown = shown.filter(round_id=round_id)
        return shown.order_by("round_id", "rank", "id")


@extend_schema_view(
    list=extend_schema(
        tags=["evaluation"],
        summary="专家评分",
        description="专家看到自己给出的评分；平台管理机构看到全部评分。",
    ),
)
class ScoreViewSet(AccessMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ScoreSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        scores = ExpertScore.objects.select_related("indicator").order_by("id")
        if is_authority(self.access):
            return scores
        return scores.filter(expert__user_id=self.access.user_id)

    @extend_schema(
        tags=["evaluation"],
        summary="给出或修改评分（指派的专家）",
        description="评审阶段内，指派的专家对专家评分指标打分（0 至该指标分值），修改留痕。",
        request=ScoreInputSerializer,
        responses={201: ScoreSerializer},
    )
    def create(self, request):
        data = ScoreInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        evaluation = rounds.visible_evaluations(self.access).filter(pk=fields["evaluation"]).first()
        if evaluation is None:
            raise ValidationError({"evaluation": [_("没有该单位评价。")]})
        indicator = Indicator.objects.filter(pk=fields["indicator"]).first()
        if indicator is None:
            raise ValidationError({"indicator": [_("没有该指标。")]})
        if not self.access.is_expert:
            raise PermissionDenied(_("您未被指派评议该单位。"))
        row = rounds.score(
            self.access,
            evaluation,
            actor=request.user,
            indicator=indicator,
            mark=fields["score"],
            comment=fields["comment"],
        )
        return Response(ScoreSerializer(row).data, status=status.HTTP_201_CREATED)


def register_routes(router) -> None:
    router.register("evaluation/rounds", RoundViewSet, basename="api-evaluation-round")
    router.register("evaluation/results", ResultViewSet, basename="api-evaluation-result")
    router.register("evaluation/scores", ScoreViewSet, basename="api-evaluation-score")


urlpatterns: list = []
