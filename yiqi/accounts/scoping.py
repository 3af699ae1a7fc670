"""Which organisations a user may see, and which of their details."""

from django.db.models import Q, QuerySet

from yiqi.organizations.models import Organization

from .access import Access


def visible_organizations(
    access: Access, queryset: QuerySet[Organization] | None = None
) -> QuerySet[Organization]:
    """Management units are public directory data; user organisations only to their members and admins."""
    queryset = Organization.objects.all() if queryset is None else queryset
    if access.is_platform_admin:
        return queryset
    return queryset.filter(Q(is_management_unit=True) | Q(pk__in=access.member_organization_ids))


def can_see_private_details(access: Access, organization: Organization) -> bool:
    """Credit code, address and staff: the organisation itself, its department, the platform."""
    return (
        access.is_platform_admin
        or organization.pk in access.member_organization_ids
        or (
            organization.supervising_department_id is not None
            and organization.supervising_department_id in access.department_ids
        )
    )
