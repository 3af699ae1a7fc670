from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from yiqi.core.admin import AuditEventInline

from .models import ImportJob, Instrument, InstrumentAttachment, InstrumentCategory


@admin.register(InstrumentCategory)
class InstrumentCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent"]
    search_fields = ["code", "name"]


class AttachmentInline(admin.TabularInline):
    model = InstrumentAttachment
    extra = 0


@admin.register(Instrument)
class InstrumentAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "asset_number",
        "unit",
        "category",
        "original_value",
        "registration_status",
        "registration_due",
    ]
    list_filter = ["registration_status", "kind", "sharing_mode", "operating_status"]
    search_fields = ["name", "name_en", "asset_number", "model_spec", "manufacturer"]
    raw_id_fields = ["unit", "sub_unit", "parent", "category", "manager"]
    readonly_fields = [
        "registration_status",
        "registration_due",
        "registration_due_estimated",
        "published_at",
    ]
    inlines = [AttachmentInline, AuditEventInline]
    list_select_related = ["unit", "category"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = [
        "original_name",
        "unit",
        "status",
        "total_rows",
        "created_count",
        "updated_count",
        "created_at",
    ]
    list_filter = ["status"]
    readonly_fields = ["errors"]
