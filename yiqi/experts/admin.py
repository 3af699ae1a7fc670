"""The authority keeps the expert pool in the admin: fields, disciplines, affiliations and declared conflicts."""

from django.contrib import admin

from .models import Affiliation, Assignment, Conflict, Discipline, Expert


class DisciplineInline(admin.TabularInline):
    model = Discipline
    extra = 0


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0
    autocomplete_fields = ["organization"]


class ConflictInline(admin.TabularInline):
    model = Conflict
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ("name", "title", "user", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "user__username")
    filter_horizontal = ("categories",)
    raw_id_fields = ["user"]
    inlines = [DisciplineInline, AffiliationInline, ConflictInline]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    """Read-only: assignments are made through ``services.assign``, which checks conflicts."""

    list_display = ("expert", "unit", "context_type", "context_id", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
