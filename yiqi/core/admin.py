"""Admin helpers shared by the apps, and the audit trail's read-only admin."""

from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline

from .models import AuditEvent


class ReadOnlyAdminMixin:
    """Shows records without letting the admin add, change or delete them: they change only through the app's
    ``services``, which check the rules and keep the audit trail. Works for ``ModelAdmin`` and inlines."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditEventInline(ReadOnlyAdminMixin, GenericTabularInline):
    """An object's audit trail under its own admin page."""

    model = AuditEvent
    fields = ["created_at", "action", "from_state", "to_state", "actor", "comment", "data"]
    readonly_fields = fields
    extra = 0


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit trail is written by the services, never edited."""

    list_display = ("created_at", "content_type", "object_id", "action", "from_state", "to_state", "actor")
    list_filter = ("content_type", "action")
    search_fields = ("comment",)
