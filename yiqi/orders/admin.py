"""Admin: orders' status and numbers only. Sample descriptions, answers and results belong to the ordering user
and are never shown here (see ``services``)."""

from django.contrib import admin

from yiqi.core.admin import ReadOnlyAdminMixin

from .models import OrderFormField, TestOrder


@admin.register(OrderFormField)
class OrderFormFieldAdmin(admin.ModelAdmin):
    list_display = ["instrument", "position", "label", "key", "field_type", "required"]
    raw_id_fields = ["instrument"]
    search_fields = ["instrument__name", "label", "key"]


@admin.register(TestOrder)
class TestOrderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "instrument", "status", "sample_count", "machine_hours", "created_at"]
    list_filter = ["status"]
    search_fields = ["number", "instrument__name"]
    fields = [
        "number", "instrument", "user_organization", "is_internal", "status", "sample_count", "estimated_hours",
        "machine_hours", "tested_from", "tested_until", "created_at", "updated_at",
    ]  # fmt: skip
    readonly_fields = fields
