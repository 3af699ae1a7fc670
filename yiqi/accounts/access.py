"""What a user may see and do, computed once per request from their role assignments.

Every scoped query in the project starts from an ``Access``; views never inspect roles themselves.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser

from .models import Role, RoleAssignment


@dataclass(frozen=True)
class Access:
    user_id: int | None = None
    is_platform_admin: bool = False
    is_expert: bool = False
    is_evaluator: bool = False
    department_ids: frozenset[int] = field(default_factory=frozenset)
    # organisation id -> roles held there
    organization_roles: dict[int, frozenset[str]] = field(default_factory=dict)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    def organizations_with(self, *roles: str) -> set[int]:
        return {org for org, held in self.organization_roles.items() if held.intersection(roles)}

    @property
    def staff_unit_ids(self) -> set[int]:
        """Units in which the user works (any staff role)."""
        from .models import UNIT_STAFF_ROLES

        return self.organizations_with(*UNIT_STAFF_ROLES)

    @property
    def editor_unit_ids(self) -> set[int]:
        """Units whose instrument records the user may create and edit."""
        return self.organizations_with(Role.UNIT_ADMIN, Role.INFORMATION_OFFICER)

    @property
    def sole_editor_unit_id(self) -> int | None:
        """The unit a new record is for when none is named: the user's, if they edit for exactly one."""
        units = self.editor_unit_ids
        return next(iter(units)) if len(units) == 1 else None

    @property
    def unit_admin_unit_ids(self) -> set[int]:
        return self.organizations_with(Role.UNIT_ADMIN)

    @property
    def member_organization_ids(self) -> set[int]:
        return set(self.organization_roles)

    def has_role(self, role: str) -> bool:
        if role == Role.PLATFORM_ADMIN:
            return self.is_platform_admin
        if role == Role.DEPARTMENT_ADMIN:
            return bool(self.department_ids)
        if role == Role.EXPERT:
            return self.is_expert
        if role == Role.EVALUATOR:
            return self.is_evaluator
        return bool(self.organizations_with(role))


ANONYMOUS = Access()


def access_for(user) -> Access:
    """The user's access, cached on the user object for the rest of the request."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_yiqi_access", None)
    if cached is not None:
        return cached
    departments: set[int] = set()
    organization_roles: dict[int, set[str]] = {}
    flags = set()
    for role, department_id, organization_id in RoleAssignment.objects.filter(user_id=user.pk).values_list(
        "role", "department_id", "organization_id"
    ):
        if department_id:
            departments.add(department_id)
        elif organization_id:
            organization_roles.setdefault(organization_id, set()).add(role)
        else:
            flags.add(role)
    access = Access(
        user_id=user.pk,
        is_platform_admin=Role.PLATFORM_ADMIN in flags or user.is_superuser,
        is_expert=Role.EXPERT in flags,
        is_evaluator=Role.EVALUATOR in flags,
        department_ids=frozenset(departments),
        organization_roles={org: frozenset(roles) for org, roles in organization_roles.items()},
    )
    user._yiqi_access = access
    return access


class AccessMixin:
    """For pages and API views: the caller's ``Access`` as ``self.access``, also handed to serializers in their
    context."""

    @property
    def access(self) -> Access:
        return access_for(self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "access": self.access}
