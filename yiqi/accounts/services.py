"""Looking people up by role, and self-registration.

Self-registration never makes anyone a member of an organisation that already exists: a person registers as an
individual, with a new organisation of their own, or asks to join one (``membership.request_to_join``: nothing is
granted until that organisation's admin approves). Invitations from a unit admin are the other way in
(``membership``).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from yiqi.organizations.models import Organization

from .models import Role, RoleAssignment, User


def ask_for_invitation() -> str:
    return _("如您是该单位人员，请向单位管理员索取邀请链接，或选择“申请加入已登记的单位”，经批准后加入。")


def users_with_role(role: str, *, organization_id=None, department_id=None) -> QuerySet[User]:
    filters = {"role_assignments__role": role}
    if organization_id is not None:
        filters["role_assignments__organization_id"] = organization_id
    if department_id is not None:
        filters["role_assignments__department_id"] = department_id
    return User.objects.filter(is_active=True, **filters).distinct()


def organization_clash(name: str, credit_code: str) -> dict[str, str]:
    """Field → message when a new organisation would take the name or credit code of one already registered."""
    errors = {}
    if name and Organization.objects.filter(name__iexact=" ".join(name.split())).exists():
        errors["organization_name"] = (
            _("“%(name)s”已在平台登记，不能重复登记。") % {"name": name} + ask_for_invitation()
        )
    if credit_code and Organization.objects.filter(credit_code=credit_code).exists():
        errors["credit_code"] = _("该统一社会信用代码已有单位登记。") + ask_for_invitation()
    return errors


def find_organization(*, name: str = "", credit_code: str = "") -> Organization | None:
    """The registered organisation with this credit code, else with exactly this name (a join request's target)."""
    if credit_code:
        return Organization.objects.filter(credit_code=credit_code).first()
    name = " ".join((name or "").split())
    return Organization.objects.filter(name__iexact=name).first() if name else None


def set_message_language(user: User, language: str) -> bool:
    """The language the user's inbox messages and emails are written in; False for a language the site lacks."""
    if language not in dict(settings.LANGUAGES):
        return False
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
    return True


def create_account(user: User, password: str) -> User:
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def register_individual(*, user: User, password: str) -> User:
    """A person who uses instruments on their own account: no organisation, no role anywhere."""
    return create_account(user, password)


def register_with_new_organization(*, user: User, password: str, organization: Organization) -> User:
    """A person registers together with their organisation, new to the platform (never a management unit)."""
    if organization.pk is not None:
        raise ValueError("self-registration never joins an existing organisation")
    organization.is_management_unit = False
    organization.supervising_department = None
    errors = organization_clash(organization.name, organization.credit_code)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            organization.full_clean()
            organization.save()
            create_account(user, password)
            RoleAssignment.objects.create(user=user, role=Role.EXTERNAL_USER, organization=organization)
    except IntegrityError:
        # Someone registered the same name or credit code a moment ago.
        user.pk = organization.pk = None
        raise ValidationError(
            organization_clash(organization.name, organization.credit_code)
            or {"organization_name": _("该单位刚刚被登记，请稍后重试。")}
        ) from None
    return user


def organizations_of(user) -> QuerySet[Organization]:
    """Every organisation the user belongs to (works at or registered with), by name."""
    return Organization.objects.filter(role_assignments__user=user).distinct().order_by("name")


def manages_members(access) -> bool:
    """Who invites people and decides join requests: unit admins for their units, the platform authority for all."""
    return access.is_platform_admin or bool(access.unit_admin_unit_ids)
