"""The evaluation over the API (``/api/v1/evaluation/…``), every step through the same service as its page:
schemes (copy, edit a draft's indicators and grade lines, activate: points that do not add up are refused); rounds
(open, assign experts, start scoring, close, subsidies, publish) and their scoring flags; unit sheets (figures,
self-evaluation, on-site check), contests and the authority's answers, experts' marks, results and rectifications.
Each role sees what its pages show: units their own, departments their units, experts their assignments, the
authority everything, the public what is published."""

import django_filters
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from yiqi.accounts.access import AccessMixin
from yiqi.accounts.permissions import permission_for
from yiqi.core.api import REFUSED

from . import serializers as s
from .models import Contest, ExpertScore, Indicator, Rectification, Round, Scheme, UnitEvaluation
from .serializers import MAX_ID, ResultSerializer, RoundSerializer, ScoreInputSerializer, ScoreSerializer
from .services import presenters, rounds, schemes
from .services.schemes import is_authority

# The platform authority, which runs the evaluation.
IsAuthority = permission_for(is_authority)


class InRound(django_filters.FilterSet):
    round = django_filters.NumberFilter(
        label=gettext_lazy("评价轮次"), min_value=1, max_value=MAX_ID, field_name="round_id"
    )


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

    @extend_schema(
        tags=["evaluation"],
        summary="分配后补助（平台管理机构）",
        description="结果计算后、公布前，按预算在良好及以上单位间按总分×对外服务机时分配，单个单位封顶；"
        "各单位金额合计与总额到分相符。",
        request=s.BudgetSerializer,
        responses={200: s.SubsidiesSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def subsidies(self, request, pk=None, format=None):
        round_ = self.get_object()
        data = s.BudgetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        round_ = rounds.allocate_subsidies(self.access, round_, actor=request.user, **data.validated_data)
        table = presenters.result_table(round_)
        shares = {"round": round_, "subsidy_total": table["subsidy_total"]}
        shares["units"] = [row["evaluation"] for row in table["rows"]]
        return Response(s.SubsidiesSerializer(shares).data)

    @extend_schema(
        tags=["evaluation"],
        summary="评分缺漏与离散提示（平台管理机构）",
        description="指派专家尚未评分的指标（missing），以及专家评分离散过大的指标（spread）。",
        responses={200: s.FlagSerializer(many=True), **REFUSED},
    )
    @action(detail=True, methods=["get"])
    def flags(self, request, pk=None, format=None):
        return Response(s.FlagSerializer(rounds.scoring_gaps(self.get_object()), many=True).data)


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
    filterset_class = InRound

    def get_queryset(self):
        shown = rounds.visible_evaluations(self.access).filter(round__status=Round.Status.PUBLISHED)
        if is_authority(self.access):
            shown = rounds.visible_evaluations(self.access).filter(
                round__status__in=(Round.Status.CLOSED, Round.Status.PUBLISHED)
            )
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


# --- schemes ------------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        tags=["evaluation"],
        summary="评价方案版本",
        description="平台管理机构看到全部版本（含草稿）；其他人只看到自己可见的评价轮次所用的版本。",
    ),
    retrieve=extend_schema(
        tags=["evaluation"],
        summary="评价方案详情（指标树与分值）",
        description="指标树逐级给出分值、计算公式或评分指引；problems 列出尚不能启用的原因（如分值合计不符）。",
    ),
)
class SchemeViewSet(AccessMixin, viewsets.ReadOnlyModelViewSet):
    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [permissions.AllowAny()]
        return [IsAuthority()]

    def get_serializer_class(self):
        return s.SchemeSerializer if self.action == "list" else s.SchemeDetailSerializer

    def get_queryset(self):
        return presenters.visible_schemes(self.access).order_by("name", "-version")

    def answer(self, scheme: Scheme, code=status.HTTP_200_OK) -> Response:
        return Response(
            s.SchemeDetailSerializer(scheme, context=self.get_serializer_context()).data, status=code
        )

    @extend_schema(
        tags=["evaluation"],
        summary="复制评价方案为新草稿（平台管理机构）",
        description="留空名称则为本方案的新版本；填写名称则为新方案的第 1 版。草稿可修改，启用后冻结。",
        request=s.SchemeCopySerializer,
        responses={201: s.SchemeDetailSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def copy(self, request, pk=None, format=None):
        scheme = self.get_object()
        data = s.SchemeCopySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        new = schemes.copy(self.access, scheme, actor=request.user, **data.validated_data)
        return self.answer(new, status.HTTP_201_CREATED)

    @extend_schema(
        tags=["evaluation"],
        summary="启用评价方案草稿（平台管理机构）",
        description="各级分值合计不符、计算指标缺公式或参数、同分排序指标不在方案中时拒绝（按字段说明原因）。",
        request=None,
        responses={200: s.SchemeDetailSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None, format=None):
        return self.answer(schemes.activate(self.access, self.get_object(), actor=request.user))

    @extend_schema(
        tags=["evaluation"],
        summary="修改等级分数线（平台管理机构，仅草稿）",
        request=s.GradeLinesSerializer,
        responses={200: s.SchemeDetailSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def grades(self, request, pk=None, format=None):
        scheme = self.get_object()
        data = s.GradeLinesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self.answer(
            schemes.edit_grade_lines(self.access, scheme, actor=request.user, **data.validated_data)
        )


@extend_schema_view(
    retrieve=extend_schema(tags=["evaluation"], summary="评价指标"),
    partial_update=extend_schema(
        tags=["evaluation"],
        summary="修改草稿方案的指标（平台管理机构）",
        description="名称、分值、计分参数（计算指标）和评分指引（专家评分指标）；未给出的字段不变。"
        "分值是否合计相符在启用时检查。",
        request=s.IndicatorEditSerializer,
        responses={200: s.IndicatorSerializer, **REFUSED},
    ),
)
class IndicatorViewSet(AccessMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.IndicatorSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_permissions(self):
        return [permissions.AllowAny()] if self.action == "retrieve" else [IsAuthority()]

    def get_queryset(self):
        return Indicator.objects.filter(scheme__in=presenters.visible_schemes(self.access)).select_related(
            "scheme", "parent"
        )

    def partial_update(self, request, pk=None, format=None):
        indicator = self.get_object()
        data = s.IndicatorEditSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = {f: getattr(indicator, f) for f in ("name", "points", "params", "guide")}
        fields.update(data.validated_data)
        schemes.edit_indicator(self.access, indicator, actor=request.user, **fields)
        return Response(s.IndicatorSerializer(indicator).data)


# --- unit sheets and contests -------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        tags=["evaluation"],
        summary="单位评价表",
        description="计算数据（申报值、核验值、差距提示、是否异议）、自评、异议、现场核查，结果可见时含得分。"
        "平台管理机构看到全部；单位看到本单位，主管部门看到所属单位，专家看到指派给自己的单位。",
    ),
    retrieve=extend_schema(tags=["evaluation"], summary="单位评价表详情"),
)
class UnitSheetViewSet(AccessMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.UnitSheetSerializer
    filterset_class = InRound

    def get_permissions(self):
        if self.action == "onsite":
            return [IsAuthority()]
        return [permissions.IsAuthenticated()]

    def get_queryset(self):
        return (
            rounds.visible_sheets(self.access)
            .select_related("round__scheme")
            .prefetch_related("contests")
            .order_by("-round__period_end", "unit__name", "id")
        )

    def answer(self, evaluation: UnitEvaluation) -> Response:
        fresh = self.get_queryset().get(pk=evaluation.pk)
        return Response(s.UnitSheetSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(
        tags=["evaluation"],
        summary="提交自评报告（本单位管理员或信息员）",
        description="按陕西提纲五部分填写，均为必填，每部分不超过 5000 字；可附自评报告附件（含服务收入清单，"
        "PDF、Word 或 Excel，multipart 上传）。自评阶段内、提交截止前可重复提交。",
        request={
            "application/json": s.SelfEvaluationSerializer,
            "multipart/form-data": s.SelfEvaluationSerializer,
        },
        responses={200: s.UnitSheetSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"], url_path="self-evaluation")
    def self_evaluation(self, request, pk=None, format=None):
        evaluation = self.get_object()
        data = s.SelfEvaluationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sections = dict(data.validated_data)
        attachment = sections.pop("attachment")
        rounds.submit_self_evaluation(
            self.access, evaluation, actor=request.user, sections=sections, attachment=attachment
        )
        return self.answer(evaluation)

    @extend_schema(
        tags=["evaluation"],
        summary="记录现场核查（平台管理机构）",
        description="标记是否需现场核查并记录结论；自评和评审阶段内可改，修改留痕。",
        request=s.OnsiteSerializer,
        responses={200: s.UnitSheetSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def onsite(self, request, pk=None, format=None):
        evaluation = self.get_object()
        data = s.OnsiteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rounds.onsite(self.access, evaluation, actor=request.user, **data.validated_data)
        return self.answer(evaluation)


class ContestFilter(django_filters.FilterSet):
    round = django_filters.NumberFilter(
        label=gettext_lazy("评价轮次"), min_value=1, max_value=MAX_ID, field_name="evaluation__round_id"
    )


@extend_schema_view(
    list=extend_schema(
        tags=["evaluation"],
        summary="数据异议",
        description="单位对计算数据提出的异议及平台管理机构的答复；范围同单位评价表。",
    ),
)
class ContestViewSet(AccessMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.ContestSerializer
    filterset_class = ContestFilter

    def get_permissions(self):
        return [IsAuthority()] if self.action == "answer" else [permissions.IsAuthenticated()]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Contest.objects.none()
        return (
            Contest.objects.filter(evaluation__in=rounds.visible_sheets(self.access))
            .select_related("evaluation__unit")
            .order_by("-created_at", "-id")
        )

    @extend_schema(
        tags=["evaluation"],
        summary="对计算数据提出异议（本单位管理员或信息员）",
        description="自评和评审阶段内，单位就某一数据项说明理由；平台管理机构答复。",
        request=s.ContestInputSerializer,
        responses={201: s.ContestSerializer, **REFUSED},
    )
    def create(self, request, format=None):
        data = s.ContestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        evaluation = rounds.visible_sheets(self.access).filter(pk=fields.pop("evaluation")).first()
        if evaluation is None:
            raise ValidationError({"evaluation": [_("没有该单位评价。")]})
        row = rounds.contest(self.access, evaluation, actor=request.user, **fields)
        return Response(s.ContestSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=["evaluation"],
        summary="答复数据异议（平台管理机构）",
        description="平台管理机构就异议作出决定并答复；答复留痕。",
        request=s.AnswerSerializer,
        responses={200: s.ContestSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None, format=None):
        row = self.get_object()
        data = s.AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = rounds.answer_contest(self.access, row, actor=request.user, **data.validated_data)
        return Response(s.ContestSerializer(row).data)


def register_routes(router) -> None:
    router.register("evaluation/schemes", SchemeViewSet, basename="api-evaluation-scheme")
    router.register("evaluation/indicators", IndicatorViewSet, basename="api-evaluation-indicator")
    router.register("evaluation/rounds", RoundViewSet, basename="api-evaluation-round")
    router.register("evaluation/units", UnitSheetViewSet, basename="api-evaluation-unit")
    router.register("evaluation/contests", ContestViewSet, basename="api-evaluation-contest")
    router.register("evaluation/results", ResultViewSet, basename="api-evaluation-result")
    router.register("evaluation/scores", ScoreViewSet, basename="api-evaluation-score")
    router.register(
        "evaluation/rectifications", RectificationViewSet, basename="api-evaluation-rectification"
    )


urlpatterns: list = []
