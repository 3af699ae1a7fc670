from django.contrib import admin

from .models import PurchaseApplication, ReviewRules


@admin.register(ReviewRules)
class ReviewRulesAdmin(admin.ModelAdmin):
    list_display = ["threshold", "funding_sources", "saturation_hours", "min_quotes", "similarity_floor"]


@admin.register(PurchaseApplication)
class PurchaseApplicationAdmin(admin.ModelAdmin):
    """Read-only: applications change only through their workflow."""

    list_display = ["number", "name", "unit", "status", "opinion"]
    list_filter = ["status", "opinion"]
    search_fields = ["number", "name", "unit__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
