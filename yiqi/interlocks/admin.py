from django.contrib import admin

from yiqi.core.admin import AuditEventInline, ReadOnlyAdminMixin

from .models import Interlock, InterlockCommand, InterlockSession


@admin.register(Interlock)
class InterlockAdmin(admin.ModelAdmin):
    """Which device switches which instrument and how (driver settings). Its state changes only through the
    services (enable, release, override, auto-off), so it is read-only here."""

    list_display = ["instrument", "device", "driver", "state", "user", "enabled_until"]
    list_filter = ["driver", "state"]
    search_fields = ["instrument__name", "device__uid"]
    list_select_related = ["instrument", "device", "user"]
    raw_id_fields = ["device"]
    readonly_fields = ["state", "user", "booking", "enabled_until", "allowlist_pushed_at"]
    inlines = [AuditEventInline]

    def save_model(self, request, obj, form, change):
        obj.instrument_id, obj.unit_id = obj.device.instrument_id, obj.device.unit_id
        super().save_model(request, obj, form, change)


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
