"""Admin views of bookings. Bookings, their events and the waitlist are read-only here: they change only through
``services`` (which check the rules and keep the audit trail); settings and qualifications are editable."""

from django.contrib import admin

from yiqi.core.admin import AuditEventInline, ReadOnlyAdminMixin

from .models import (
    Blackout,
    Booking,
    CalendarFeed,
    OpenHours,
    Qualification,
    ServiceSettings,
    WaitlistEntry,
)


@admin.register(OpenHours)
class OpenHoursAdmin(admin.ModelAdmin):
    list_display = ["instrument", "weekday", "start_minute", "end_minute"]
    list_filter = ["weekday"]
    search_fields = ["instrument__name"]
    raw_id_fields = ["instrument"]


@admin.register(ServiceSettings)
class ServiceSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "instrument",
        "bookings_open",
        "slot_minutes",
        "requires_approval",
        "requires_qualification",
    ]
    list_filter = ["bookings_open", "requires_approval", "requires_qualification", "closed_on_holidays"]
    search_fields = ["instrument__name", "instrument__asset_number"]
    raw_id_fields = ["instrument"]


@admin.register(Blackout)
class BlackoutAdmin(admin.ModelAdmin):
    list_display = ["instrument", "kind", "starts_at", "ends_at", "reason"]
    list_filter = ["kind"]
    search_fields = ["instrument__name"]
    raw_id_fields = ["instrument", "created_by"]


@admin.register(Qualification)
class QualificationAdmin(admin.ModelAdmin):
    list_display = ["user", "instrument", "trained_on", "expires_on", "revoked_at"]
    search_fields = ["user__username", "user__full_name", "instrument__name"]
    raw_id_fields = ["instrument", "user", "granted_by"]


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "instrument",
        "user",
        "user_organization",
        "status",
        "starts_at",
        "ends_at",
        "is_internal",
    ]
    list_filter = ["status", "is_internal"]
    search_fields = ["instrument__name", "user__username", "user__full_name", "purpose"]
    date_hierarchy = "starts_at"
    inlines = [AuditEventInline]


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["instrument", "user", "starts_at", "ends_at", "status", "offer_expires_at"]
    list_filter = ["status"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    raw_id_fields = ["user"]
    readonly_fields = ["token"]
