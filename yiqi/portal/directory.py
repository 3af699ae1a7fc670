"""The unit directory: which management units it lists. The home page's unit count is this list's length."""

from django.db.models import QuerySet

from yiqi.accounts.access import Access
from yiqi.accounts.scoping import visible_organizations
from yiqi.organizations.models import Organization


def directory_units(access: Access) -> QuerySet[Organization]:
    """Every management unit the visitor may see (management units are public directory data)."""
    return visible_organizations(access, Organization.objects.management_units())
