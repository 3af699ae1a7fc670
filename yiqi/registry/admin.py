from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from yiqi.core.admin import AuditEventInline

from .models import ImportJob, Instrument, InstrumentAttachment, InstrumentCategory


@admin.register(InstrumentCategory)
class InstrumentCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent"]
    search_fields = ["code", "name"]


class AttachmentInline(admin.TabularInline):
    """Listed with a link to the checked file view; uploads go through the instrument page, where the upload check
    runs (an admin form would store any file unchecked)."""

    model = InstrumentAttachment
    extra = 0
    fields = ["kind", "title", "open_file", "uploaded_by", "created_at"]
    readonly_fields = ["kind", "open_file", "uploaded_by", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("文件"))
    def open_file(self, attachment):
        return format_html('<a href="{}">{}</a>', attachment.get_absolute_url(), attachment.download_name)


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
