"""Admin views for looking things up; changes go through the pages and the API, where the rules are."""

from django.contrib import admin

from yiqi.core.admin import AuditEventInline

from .models import Complaint, Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["instrument", "unit", "user", "overall", "created_at", "replied_at"]
    list_filter = ["overall", "rater_kind"]
    search_fields = ["instrument__name", "unit__name", "comment", "reply"]
    raw_id_fields = ["record", "instrument", "user", "replied_by"]
    readonly_fields = ["unit", "rater_kind", "created_at"]


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["number", "subject", "unit", "status", "due_on", "created_at"]
    list_filter = ["status"]
    search_fields = ["number", "subject", "unit__name", "complainant__username", "complainant__full_name"]
    raw_id_fields = ["complainant", "unit", "instrument", "record"]
    readonly_fields = ["number", "resolved_at", "auto_close_on", "reopened_at", "escalated_at", "created_at"]
    inlines = [AuditEventInline]
