"""Admin: schedules are editable; charges are read-only here (their rules live in ``services``)."""

from django.contrib import admin

from yiqi.core.admin import AuditEventInline, ReadOnlyAdminMixin

from .models import Charge, ChargeAdjustment, ChargeLine, FeeItem


@admin.register(FeeItem)
class FeeItemAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "instrument",
        "component",
        "basis",
        "applies_to",
        "rate_internal",
        "rate_academic",
        "rate_external",
        "is_active",
    ]
    list_filter = ["is_active", "component", "basis", "applies_to"]
    search_fields = ["name", "instrument__name"]
    raw_id_fields = ["instrument"]
    list_select_related = ["instrument"]


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0


class LineInline(ReadOnlyInline):
    model = ChargeLine
    fields = ["stage", "description", "component", "basis", "quantity", "unit_price", "amount"]


class AdjustmentInline(ReadOnlyInline):
    model = ChargeAdjustment
    fields = ["amount", "reason", "status", "requested_by", "decided_by", "decided_at", "decision_comment"]


@admin.register(Charge)
class ChargeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "unit",
        "payer",
        "payer_organization",
        "status",
        "total",
        "billed_at",
        "paid_on",
    ]
    list_filter = ["status", "user_category"]
    search_fields = [
        "payment_reference",
        "payer__username",
        "payer__full_name",
        "instrument__name",
        "record__reference",
    ]
    list_select_related = ["instrument", "unit", "payer", "payer_organization"]
    readonly_fields = ["record"]
    inlines = [LineInline, AdjustmentInline, AuditEventInline]
