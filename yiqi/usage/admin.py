from django.contrib import admin

from yiqi.core.admin import AuditEventInline, ReadOnlyAdminMixin

from .models import UsageRecord


@admin.register(UsageRecord)
class UsageRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: records come from completed services or the units' own manual entries (with their checks)."""

    list_display = [
        "instrument",
        "unit",
        "source",
        "user_name",
        "is_external",
        "started_at",
        "machine_hours",
        "fee",
    ]
    list_filter = ["source", "is_external", "purpose"]
    search_fields = ["instrument__name", "instrument__asset_number", "user_name"]
    list_select_related = ["instrument", "unit"]
    inlines = [AuditEventInline]
