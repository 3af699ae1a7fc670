from django.contrib import admin

from yiqi.core.admin import ReadOnlyAdminMixin

from .models import ServiceRecord


@admin.register(ServiceRecord)
class ServiceRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Records change only through the services of their kind."""

    list_display = ("id", "kind", "reference", "instrument", "user", "status", "created_at")
    list_filter = ("kind", "status")
    search_fields = ("reference", "user__username")
    raw_id_fields = ("instrument", "user", "user_organization")
