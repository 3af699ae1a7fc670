from rest_framework import serializers

from .models import Expert


class ExpertSerializer(serializers.ModelSerializer):
    categories = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    disciplines = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    affiliations = serializers.SerializerMethodField()
    conflicts = serializers.SerializerMethodField()

    class Meta:
        model = Expert
        fields = [
            "id",
            "name",
            "title",
            "is_active",
            "categories",
            "disciplines",
            "affiliations",
            "conflicts",
        ]

    def get_affiliations(self, expert) -> list[int]:
        return [a.organization_id for a in expert.affiliations.all()]

    def get_conflicts(self, expert) -> list[int]:
        return [c.organization_id for c in expert.conflicts.all()]
