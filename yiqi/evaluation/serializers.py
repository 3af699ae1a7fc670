from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from yiqi.core.api import BoundedJSONField
from yiqi.core.validators import validate_plain_text
from yiqi.experts.models import Expert
from yiqi.organizations.models import Organization

from .models import Contest, ExpertScore, Indicator, Rectification, Round, Scheme, UnitEvaluation
from .services import presenters, schemes

MAX_ID = 2**63 - 1  # larger ids are a field error, not an overflow in the database driver


class RoundSerializer(serializers.ModelSerializer):
    scheme = serializers.StringRelatedField()

    class Meta:
        model = Round
        fields = [
            "id",
            "name",
            "scheme",
            "period_start",
            "period_end",
            "submission_due",
            "scoring_due",
            "status",
            "subsidy_budget",
            "published_at",
        ]


class ResultSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    scores = serializers.DictField(child=serializers.DecimalField(max_digits=6, decimal_places=2))

    class Meta:
        model = UnitEvaluation
        fields = ["id", "round", "unit", "unit_name", "scores", "total", "rank", "grade", "subsidy"]


class ScoreSerializer(serializers.ModelSerializer):
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)

    class Meta:
        model = ExpertScore
        fields = [
            "id",
            "evaluation",
            "indicator",
            "indicator_code",
            "expert",
            "score",
            "comment",
            "updated_at",
        ]
        read_only_fields = ["expert", "updated_at"]


class ScoreInputSerializer(serializers.Serializer):
    evaluation = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    indicator = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    score = serializers.CharField(max_length=10)
    comment = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class RoundOpenSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    scheme = serializers.PrimaryKeyRelatedField(queryset=Scheme.objects.all())
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    submission_due = serializers.DateField()
    scoring_due = serializers.DateField()
    units = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Organization.objects.filter(is_management_unit=True)
    )
    subsidy_budget = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True, default=None
    )


class AssignSerializer(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    expert = serializers.PrimaryKeyRelatedField(queryset=Expert.objects.all())


class RectificationSerializer(serializers.ModelSerializer):
    unit = serializers.IntegerField(source="evaluation.unit_id", read_only=True)
    unit_name = serializers.CharField(source="evaluation.unit.name", read_only=True)
    round = serializers.IntegerField(source="evaluation.round_id", read_only=True)

    class Meta:
        model = Rectification
        fields = ["id", "round", "unit", "unit_name", "due_on", "status", "report", "closed_at"]


class RectificationCloseSerializer(serializers.Serializer):
    report = serializers.CharField(max_length=3000)


# --- schemes ------------------------------------------------------------------------------------------------------


class SchemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Scheme
        fields = [
            "id",
            "name",
            "version",
            "based_on",
            "status",
            "total_points",
            "value_threshold",
            "excellent_from",
            "good_from",
            "pass_from",
            "tie_breaks",
            "description",
            "created_at",
        ]


class IndicatorSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Indicator
        fields = ["id", "code", "name", "parent", "points", "kind", "figure", "method", "params", "guide"]


class IndicatorNodeSerializer(IndicatorSerializer):
    """An indicator with its children, down to the leaves (``children`` of the serializer's ``tree`` context)."""

    children = serializers.SerializerMethodField()

    class Meta(IndicatorSerializer.Meta):
        fields = [*IndicatorSerializer.Meta.fields, "children"]

    @extend_schema_field({"type": "array", "items": {"$ref": "#/components/schemas/IndicatorNode"}})
    def get_children(self, node) -> list:
        kids = self.context["tree"].get(node.pk, [])
        return IndicatorNodeSerializer(kids, many=True, context=self.context).data


class SchemeDetailSerializer(SchemeSerializer):
    """A version with its tree of indicators and why it cannot be activated yet (points that do not add up…)."""

    indicators = serializers.SerializerMethodField()
    problems = serializers.SerializerMethodField()

    class Meta(SchemeSerializer.Meta):
        fields = [*SchemeSerializer.Meta.fields, "indicators", "problems"]

    @extend_schema_field(IndicatorNodeSerializer(many=True))
    def get_indicators(self, scheme) -> list:
        children: dict = {}
        for _depth, node in schemes.tree(scheme):
            children.setdefault(node.parent_id, []).append(node)
        context = {**self.context, "tree": children}
        return IndicatorNodeSerializer(children.get(None, []), many=True, context=context).data

    def get_problems(self, scheme) -> dict[str, list[str]]:
        return schemes.problems(scheme)


class SchemeCopySerializer(serializers.Serializer):
    name = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        validators=[validate_plain_text],
    )


class GradeLinesSerializer(serializers.Serializer):
    excellent_from = serializers.DecimalField(max_digits=6, decimal_places=2)
    good_from = serializers.DecimalField(max_digits=6, decimal_places=2)
    pass_from = serializers.DecimalField(max_digits=6, decimal_places=2)


class IndicatorEditSerializer(serializers.Serializer):
    """What the authority may change on a draft's indicator; a field left out keeps its value."""

    name = serializers.CharField(max_length=100, required=False)
    points = serializers.DecimalField(max_digits=6, decimal_places=2, required=False)
    params = BoundedJSONField(required=False)
    guide = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    def validate_params(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError(_("计分参数应为 JSON 对象。"))
        return value


# --- units in a round ---------------------------------------------------------------------------------------------


class ContestSerializer(serializers.ModelSerializer):
    round = serializers.IntegerField(source="evaluation.round_id", read_only=True)
    unit = serializers.IntegerField(source="evaluation.unit_id", read_only=True)
    unit_name = serializers.CharField(source="evaluation.unit.name", read_only=True)

    class Meta:
        model = Contest
        fields = [
            "id",
            "evaluation",
            "round",
            "unit",
            "unit_name",
            "figure",
            "reason",
            "answer",
            "created_at",
        ]


class ContestInputSerializer(serializers.Serializer):
    evaluation = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    figure = serializers.CharField(max_length=40)
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=2000)


class FigureSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    declared = serializers.CharField(allow_null=True)
    verified = serializers.CharField(allow_null=True)
    gap = serializers.BooleanField()
    contested = serializers.BooleanField()


class UnitSheetSerializer(serializers.ModelSerializer):
    """One unit in one round: its figures, self-evaluation, contests, on-site check and, once the reader may see
    it, its result."""

    round_name = serializers.CharField(source="round.name", read_only=True)
    round_status = serializers.CharField(source="round.status", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    figures = serializers.SerializerMethodField()
    contests = ContestSerializer(many=True, read_only=True)
    has_attachment = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField()

    class Meta:
        model = UnitEvaluation
        fields = [
            "id",
            "round",
            "round_name",
            "round_status",
            "unit",
            "unit_name",
            "figures",
            "self_report",
            "has_attachment",
            "submitted_at",
            "contests",
            "onsite_check",
            "onsite_outcome",
            "result",
        ]

    @extend_schema_field(FigureSerializer(many=True))
    def get_figures(self, evaluation) -> list:
        contested = {row.figure for row in evaluation.contests.all()}
        return FigureSerializer(presenters.figure_rows(evaluation, contested), many=True).data

    def get_has_attachment(self, evaluation) -> bool:
        return bool(evaluation.self_report_file.name)

    @extend_schema_field(ResultSerializer(allow_null=True))
    def get_result(self, evaluation):
        if not presenters.shows_result(self.context["access"], evaluation.round):
            return None
        return ResultSerializer(evaluation).data


class SelfEvaluationSerializer(serializers.Serializer):
    """The self-evaluation report by the Shaanxi outline's sections; every section is required (checked by the
    service, per field), with an optional attachment (PDF, Word or Excel, with the list of service income)."""

    management = serializers.CharField(required=False, allow_blank=True, default="")
    operation = serializers.CharField(required=False, allow_blank=True, default="")
    sharing = serializers.CharField(required=False, allow_blank=True, default="")
    results = serializers.CharField(required=False, allow_blank=True, default="")
    problems = serializers.CharField(required=False, allow_blank=True, default="")
    attachment = serializers.FileField(required=False, allow_null=True, default=None)


class OnsiteSerializer(serializers.Serializer):
    flag = serializers.BooleanField()
    outcome = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


# --- rounds -------------------------------------------------------------------------------------------------------


class BudgetSerializer(serializers.Serializer):
    budget = serializers.DecimalField(max_digits=14, decimal_places=2)


class SubsidySerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField(source="unit.name")
    total = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    grade = serializers.CharField()
    subsidy = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)


class SubsidiesSerializer(serializers.Serializer):
    """Each unit's post-subsidy (good and above, proportional to score × external service, capped) and the total,
    which reconciles with the units' amounts to the fen."""

    round = serializers.IntegerField(source="round.pk")
    budget = serializers.DecimalField(source="round.subsidy_budget", max_digits=14, decimal_places=2)
    total = serializers.DecimalField(source="subsidy_total", max_digits=14, decimal_places=2)
    units = SubsidySerializer(many=True)


class FlagSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    indicator = serializers.CharField()
    kind = serializers.ChoiceField(choices=["missing", "spread"])
    expert = serializers.IntegerField(allow_null=True)
