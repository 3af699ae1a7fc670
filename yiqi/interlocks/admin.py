from django.contrib import admin

from yiqi.core.admin import AuditEventInline, ReadOnlyAdminMixin

from .models import Interlock, InterlockCommand, InterlockSession


@admin.register(Interlock)
class InterlockAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the state changes only through the services (enable, release, override, auto-off)."""

    list_display = ["instrument", "device", "driver", "state", "user", "enabled_until"]
    list_filter = ["driver", "state"]
    search_fields = ["instrument__name", "device__uid"]
    list_select_related = ["instrument", "device", "user"]
    inlines = [AuditEventInline]


@admin.register(InterlockCommand)
class InterlockCommandAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["sent_at", "interlock", "action", "for_user", "requested_by", "ok", "latency_ms", "error"]
    list_filter = ["action", "ok"]
    list_select_related = ["interlock__instrument", "interlock__device", "for_user", "requested_by"]


@admin.register(InterlockSession)
class InterlockSessionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["instrument", "user", "started_at", "ended_at", "end_cause", "is_override"]
    list_filter = ["end_cause", "is_override"]
    list_select_related = ["instrument", "user"]
