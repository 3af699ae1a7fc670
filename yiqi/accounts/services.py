"""Looking people up by role, and self-registration of external users."""

from django.db import transaction
from django.db.models import QuerySet

from yiqi.organizations.models import Organization

from .models import Role, RoleAssignment, User


def users_with_role(role: str, *, organization_id=None, department_id=None) -> QuerySet[User]:
    filters = {"role_assignments__role": role}
    if organization_id is not None:
        filters["role_assignments__organization_id"] = organization_id
    if department_id is not None:
        filters["role_assignments__department_id"] = department_id
    return User.objects.filter(is_active=True, **filters).distinct()


@transaction.atomic
def register_external_user(*, user: User, password: str, organization: Organization) -> User:
    """Create a self-registered user who belongs to ``organization`` (saved here if new)."""
    if organization.pk is None:
        organization.full_clean()
        organization.save()
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    RoleAssignment.objects.create(user=user, role=Role.EXTERNAL_USER, organization=organization)
    return user


def organizations_of(user) -> QuerySet[Organization]:
    """Every organisation the user belongs to (works at or registered with), by name."""
    return Organization.objects.filter(role_assignments__user=user).distinct().order_by("name")
