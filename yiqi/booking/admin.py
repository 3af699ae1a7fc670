"""Admin views of bookings. Bookings, their events and the waitlist are read-only here: they change only through
``services`` (which check the rules and keep the audit trail); settings, open hours, blackouts and qualifications
are editable, each form checked by the same service rules as the manager's settings page."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from yiqi.core.admin import AuditEventInline, ReadOnlyAdminMixin

from . import services
from .models import (
    Blackout,
    Booking,
    CalendarFeed,
    OpenHours,
    Qualification,
    ServiceSettings,
    WaitlistEntry,
)


class OpenHoursAdminForm(forms.ModelForm):
    """One period, checked with the instrument's other periods as the whole week (``check_open_hours``)."""

    class Meta:
        model = OpenHours
        fields = ["instrument", "weekday", "start_minute", "end_minute"]

    def clean(self):
        cleaned = super().clean()
        instrument, weekday = cleaned.get("instrument"), cleaned.get("weekday")
        first, last = cleaned.get("start_minute"), cleaned.get("end_minute")
        if instrument is None or None in (weekday, first, last):
            return cleaned
        others = OpenHours.objects.filter(instrument=instrument).exclude(pk=self.instance.pk)
        week = [*others.values_list("weekday", "start_minute", "end_minute"), (weekday, first, last)]
        try:
            services.check_open_hours(
                week, slot_minutes=services.settings_or_defaults(instrument).slot_minutes
            )
        except ValidationError as error:
            raise ValidationError(error.message_dict["open_hours"]) from error
        return cleaned


@admin.register(OpenHours)
class OpenHoursAdmin(admin.ModelAdmin):
    form = OpenHoursAdminForm
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


class BlackoutAdminForm(forms.ModelForm):
    """Refused over time a booking holds, as on the settings page (``check_blackout``)."""

    class Meta:
        model = Blackout
        fields = ["instrument", "kind", "starts_at", "ends_at", "reason", "created_by"]

    def clean(self):
        cleaned = super().clean()
        instrument, start, end = (cleaned.get(name) for name in ("instrument", "starts_at", "ends_at"))
        if instrument is not None and start is not None and end is not None:
            try:
                services.check_blackout(instrument, start, end)
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error(field, messages)
        return cleaned


@admin.register(Blackout)
class BlackoutAdmin(admin.ModelAdmin):
    form = BlackoutAdminForm
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
