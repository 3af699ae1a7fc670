from django.contrib import admin

from .models import FakeEndpointMode, UnitCode


@admin.register(UnitCode)
class UnitCodeAdmin(admin.ModelAdmin):
    list_display = ("unit", "code")
    search_fields = ("unit__name", "code")
    autocomplete_fields = ("unit",)


@admin.register(FakeEndpointMode)
class FakeEndpointModeAdmin(admin.ModelAdmin):
    list_display = ("mode", "delay_seconds")
