from django.contrib import admin

from yiqi.core.admin import ReadOnlyAdminMixin

from .models import UsageRecord, UsageRecordEvent


class EventInline(admin.TabularInline):
    model = UsageRecordEvent
    extra = 0
    fields = ["action", "actor", "changes", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


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
    inlines = [EventInline]


@admin.register(UsageRecordEvent)
class UsageRecordEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["record_number", "unit", "action", "actor", "created_at"]
    list_filter = ["action"]
    list_select_related = ["unit", "actor"]
    raw_id_fields = ["record", "unit", "actor"]
