from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ["organization", "department"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "email", "phone", "is_active"]
    search_fields = ["username", "full_name", "email", "phone"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("联系方式"), {"fields": ("full_name", "phone")}),
    )
    inlines = [RoleAssignmentInline]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organization", "department", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__full_name", "organization__name"]
    raw_id_fields = ["user", "organization", "department"]
