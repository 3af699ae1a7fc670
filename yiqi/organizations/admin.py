from django.contrib import admin

from .models import Department, Deployment, Organization, Region, SubUnit


@admin.register(Deployment)
class DeploymentAdmin(admin.ModelAdmin):
    list_display = ["name", "home_region", "value_threshold", "registration_working_days"]

    def has_add_permission(self, request):
        return not Deployment.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "region"]
    search_fields = ["name"]
    raw_id_fields = ["region"]


class SubUnitInline(admin.TabularInline):
    model = SubUnit
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_management_unit", "supervising_department", "region", "credit_code"]
    list_filter = ["is_management_unit", "kind", "supervising_department"]
    search_fields = ["name", "short_name", "credit_code"]
    raw_id_fields = ["region"]
    inlines = [SubUnitInline]
