from rest_framework import serializers

from yiqi.experts.models import Expert
from yiqi.organizations.models import Organization

from .models import ExpertScore, Rectification, Round, Scheme, UnitEvaluation


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
    evaluation = serializers.IntegerField()
    indicator = serializers.IntegerField()
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
    unit = serializers.IntegerField(min_value=1)
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
