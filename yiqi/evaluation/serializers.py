from rest_framework import serializers

from .models import ExpertScore, Round, UnitEvaluation


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
