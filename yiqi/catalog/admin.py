from django.contrib import admin

from .models import Synonym


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    """The platform authority maintains the search synonyms here; changes apply to the next search."""

    list_display = ("words", "expands_to", "note", "enabled", "updated_at")
    list_filter = ("enabled",)
    list_editable = ("enabled",)
    search_fields = ("words", "expands_to", "note")
    ordering = ("id",)
