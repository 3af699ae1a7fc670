"""The evaluation over the API (``/api/v1/evaluation/…``): rounds and results as each role may see them (the
public only what is published), experts' marks, and the authority's steps (open a round, assign experts, start
scoring, close, publish, close a rectification) — each through the same service as its page."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from yiqi.accounts.access import AccessMixin, access_for
from yiqi.core.api import REFUSED

from . import serializers as s
from .models import ExpertScore, Indicator, Rectification, Round
from .serializers import ResultSerializer, RoundSerializer, ScoreInputSerializer, ScoreSerializer
from .services import presenters, rounds
from .services.schemes import is_authority


class IsAuthority(permissions.BasePermission):
    """The platform authority, which runs the evaluation (checked before the body is read)."""

    def has_permission(self, request, view):
        return is_authority(access_for(request.user))


STEP = {"tags": ["evaluation"], "request": None, "responses": {200: RoundSerializer, **REFUSED}}


@extend_schema_view(
    list=extend_schema(
        tags=["evaluation"],
        summary="评价轮次",
        description="平台管理机构看到全部轮次；单位、主管部门和专家看到与自己有关的轮次；公众只看到已公布的。",
    ),
    retrieve=extend_schema(tags=["evaluation"], summary="评价轮次详情"),
)
class RoundViewSet(AccessMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = RoundSerializer

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [permissions.AllowAny()]
        return [IsAuthority()]

    def get_queryset(self):
        return presenters.visible_rounds(self.access).order_by("-period_end", "-id")

    def answer(self, round_: Round, code=status.HTTP_200_OK) -> Response:
        return Response(RoundSerializer(self.get_queryset().get(pk=round_.pk)).data, status=code)

    @extend_schema(
        tags=["evaluation"],
        summary="开启评价轮次（平台管理机构）",
        description="考核期、参评单位、已启用的方案版本和截止日期；同一单位考核期重叠的轮次被拒绝。",
        request=s.RoundOpenSerializer,
        responses={201: RoundSerializer, **REFUSED},
    )
    def create(self, request):
        data = s.RoundOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        round_ = rounds.open_round(self.access, actor=request.user, **data.validated_data)
        return self.answer(round_, status.HTTP_201_CREATED)

    @extend_schema(**{**STEP, "request": s.AssignSerializer}, summary="指派评议专家（平台管理机构）")
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None, format=None):
        round_ = self.get_object()
        data = s.AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        evaluation = round_.units.select_related("unit").filter(unit_id=data.validated_data["unit"]).first()
        if evaluation is None:
            raise ValidationError({"unit": [_("该单位不在本轮评价中。")]})
        rounds.assign_expert(
            self.access, evaluation, expert=data.validated_data["expert"], actor=request.user
        )
        return self.answer(round_)

    @extend_schema(**STEP, summary="进入专家评审（平台管理机构）")
    @action(detail=True, methods=["post"], url_path="start-scoring")
    def start_scoring(self, request, pk=None, format=None):
        return self.answer(rounds.start_scoring(self.access, self.get_object(), actor=request.user))

    @extend_schema(**STEP, summary="结束并计算结果（平台管理机构）")
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None, format=None):
        return self.answer(rounds.close(self.access, self.get_object(), actor=request.user))

    @extend_schema(**STEP, summary="公布结果（平台管理机构）")
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None, format=None):
        return self.answer(rounds.publish(self.access, self.get_object(), actor=request.user))


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


@extend_schema_view(
    list=extend_schema(
        tags=["evaluation"],
        summary="限期整改",
        description="平台管理机构看到全部；单位和主管部门在结果公布后看到自己的。",
    ),
)
class RectificationViewSet(AccessMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.RectificationSerializer

    def get_permissions(self):
        return [permissions.IsAuthenticated()] if self.action == "list" else [IsAuthority()]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Rectification.objects.none()
        return presenters.visible_rectifications(self.access).order_by("status", "due_on", "id")

    @extend_schema(
        tags=["evaluation"],
        summary="核定整改完成（平台管理机构）",
        request=s.RectificationCloseSerializer,
        responses={200: s.RectificationSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None, format=None):
        rectification = self.get_object()
        data = s.RectificationCloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        done = rounds.close_rectification(
            self.access, rectification, actor=request.user, **data.validated_data
        )
        return Response(s.RectificationSerializer(done).data)


def register_routes(router) -> None:
    router.register("evaluation/rounds", RoundViewSet, basename="api-evaluation-round")
    router.register("evaluation/results", ResultViewSet, basename="api-evaluation-result")
    router.register("evaluation/scores", ScoreViewSet, basename="api-evaluation-score")
    router.register(
        "evaluation/rectifications", RectificationViewSet, basename="api-evaluation-rectification"
    )


urlpatterns: list = []
