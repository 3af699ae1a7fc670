"""Setting up a province without the Django admin: regions, supervising departments, management units and the
first admin of each unit, added by the platform administrator in pages or from a spreadsheet
(``onboarding_import``), and the deployment's authority itself (``create_authority``, from nothing).

A unit's first admin gets an invitation link (``membership.invite``): nobody's password passes through the
authority, and the admin then invites the unit's staff the same way.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from yiqi.core.models import AuditEvent
from yiqi.organizations.models import Department, Deployment, Organization, Region
from yiqi.organizations.validators import normalize_credit_code, validate_region_code

from . import membership
from .access import access_for
from .membership import check_admin_email
from .models import Invitation, Role, RoleAssignment, User


def require_platform_admin(actor) -> None:
    if not access_for(actor).is_platform_admin:
        raise PermissionDenied(_("只有平台管理员可以登记行政区划、主管部门和管理单位。"))


def parent_code(code: str, known: Callable[[str], bool]) -> str | None:
    """The code of the region a new region lies in (``known(code)``: whether that region is registered)."""
    region = Region(code=code)
    if region.level == Region.Level.PROVINCE:
        return None
    city = code[:4] + "00"
    if region.level == Region.Level.COUNTY and known(city):
        return city
    return code[:2] + "0000"


def build_region(code: str, name: str, *, known: Callable[[str], bool] | None = None) -> Region:
    """An unsaved region under its parent, checked; ``known`` says which codes exist (the database by default)."""
    code, name = (code or "").strip(), " ".join((name or "").split())
    known = known or (lambda c: Region.objects.filter(code=c).exists())
    try:
        validate_region_code(code)
    except ValidationError as error:
        raise ValidationError({"code": error.messages}) from None
    if known(code):
        raise ValidationError({"code": [_("行政区划代码 %(code)s 已经登记。") % {"code": code}]})
    parent = parent_code(code, known)
    if parent and not known(parent):
        raise ValidationError(
            {"code": [_("上级区划 %(parent)s 尚未登记，请先登记上级区划。") % {"parent": parent}]}
        )
    region = Region(code=code, name=name, parent_id=parent)
    # Fields only: Region.clean() would look for the parent in the database, not in the file being imported.
    region.clean_fields(exclude=["parent"])
    return region


@transaction.atomic
def create_region(*, code: str, name: str, actor) -> Region:
    require_platform_admin(actor)
    region = build_region(code, name)
    region.save()
    AuditEvent.record(region, "create", actor=actor, data={"code": region.code, "name": region.name})
    return region


def department_clash(name: str) -> dict[str, list[str]]:
    if Department.objects.filter(name__iexact=name).exists():
        return {"name": [_("主管部门“%(name)s”已经登记。") % {"name": name}]}
    return {}


@transaction.atomic
def create_department(
    *, name: str, region: Region, actor, admin_email: str = "", link_for: Callable[[str], str] | None = None
) -> Department:
    """Register a supervising department; with an address, its first admin is invited (mailed on commit)."""
    require_platform_admin(actor)
    department = Department(name=" ".join((name or "").split()), region=region)
    department.full_clean(validate_unique=False)
    if errors := department_clash(department.name):
        raise ValidationError(errors)
    department.save()
    AuditEvent.record(department, "create", actor=actor, data={"name": department.name})
    if admin_email:
        membership.invite_department_admin(
            department=department, email=admin_email, actor=actor, link_for=link_for
        )
    return department


def unit_clash(name: str, credit_code: str) -> dict[str, list[str]]:
    """Field → messages when a new unit would take a registered organisation's name or credit code."""
    errors = {}
    if Organization.objects.filter(name__iexact=name).exists():
        errors["name"] = [_("单位“%(name)s”已经登记。") % {"name": name}]
    if credit_code and Organization.objects.filter(credit_code=credit_code).exists():
        errors["credit_code"] = [_("统一社会信用代码 %(code)s 已有单位登记。") % {"code": credit_code}]
    return errors


def prepare_unit(unit: Organization) -> Organization:
    """A new management unit, normalised and checked field by field (its department must be set)."""
    unit.name = " ".join((unit.name or "").split())
    unit.credit_code = normalize_credit_code(unit.credit_code)
    unit.is_management_unit = True
    errors = {}
    if not unit.credit_code:
        errors["credit_code"] = [_("管理单位须填写统一社会信用代码。")]
    try:
        unit.full_clean(validate_unique=False, exclude=list(errors))
    except ValidationError as error:
        errors = {**error.message_dict, **errors}
    if errors:
        raise ValidationError(errors)
    return unit


def create_unit(
    *, unit: Organization, admin_email: str, actor, link_for: Callable[[str], str]
) -> tuple[Organization, Invitation]:
    """Register a management unit and invite its first admin (the link is mailed when the unit is saved)."""
    require_platform_admin(actor)
    errors = {}
    try:
        prepare_unit(unit)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        admin_email = check_admin_email(admin_email)
    except ValidationError as error:
        errors.update(error.message_dict)
    for field, messages in unit_clash(unit.name, unit.credit_code).items():
        errors.setdefault(field, messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        unit.save()
        AuditEvent.record(
            unit, "create", actor=actor, data={"name": unit.name, "credit_code": unit.credit_code}
        )
        invitation = membership.invite(
            organization=unit, email=admin_email, role=Role.UNIT_ADMIN, actor=actor, link_for=link_for
        )
    return unit, invitation


# --- the deployment's authority, from nothing ----------------------------------------------------------------------


@dataclass(frozen=True)
class AuthoritySetup:
    deployment: Deployment
    region: Region
    department: Department
    admin: User
    created: tuple[str, ...]  # what this run made (empty: everything was already there)


@transaction.atomic
def create_authority(
    *,
    platform_name: str,
    authority_name: str,
    region_code: str,
    region_name: str,
    username: str,
    email: str,
    password: str | None = None,
) -> AuthoritySetup:
    """The deployment row, its home region, the authority as a department and its first platform administrator.

    Idempotent: what exists with the same values is kept; a different value for something that exists is refused
    rather than overwritten. Without ``password`` the administrator's password is unusable until set through a
    link (``set_password_link``)."""
    created = []
    region = Region.objects.filter(code=(region_code or "").strip()).first()
    if region is None:
        region = build_region(region_code, region_name)
        if region.level != Region.Level.PROVINCE and region.parent_id is None:
            raise ValidationError({"region_code": [_("请先登记上级区划。")]})
        region.save()
        created.append("region")
    elif region.name != " ".join((region_name or "").split()):
        raise ValidationError(
            {
                "region_name": [
                    _("行政区划 %(code)s 已登记为“%(name)s”。") % {"code": region.code, "name": region.name}
                ]
            }
        )

    deployment = Deployment.objects.select_for_update().filter(pk=1).first()
    if deployment is None:
        deployment = Deployment(
            pk=1,
            name=platform_name,
            authority_name=authority_name,
            home_region=region,
            reminder_working_days=list(Deployment.DEFAULT_REMINDERS),
        )
        deployment.full_clean(validate_unique=False)
        deployment.save()
        created.append("deployment")
    elif (deployment.name, deployment.authority_name, deployment.home_region_id) != (
        platform_name,
        authority_name,
        region.code,
    ):
        raise ValidationError(
            {
                "deployment": [
                    _("本平台已设置为“%(name)s”（主管机关：%(authority)s），不能用本命令改为其他设置。")
                    % {"name": deployment.name, "authority": deployment.authority_name}
                ]
            }
        )

    department = Department.objects.filter(name=authority_name).first()
    if department is None:
        department = Department(name=authority_name, region=region)
        department.full_clean(validate_unique=False)
        department.save()
        created.append("department")

    admin = _platform_admin(username, email, password, created)
    return AuthoritySetup(deployment, region, department, admin, tuple(created))


def _platform_admin(username: str, email: str, password: str | None, created: list[str]) -> User:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": [_("请输入有效的邮箱地址。")]}) from None
    admin = User.objects.filter(username=username).first()
    if admin is None:
        admin = User(username=username, email=email)
        if password:
            try:
                password_validation.validate_password(password, admin)
            except ValidationError as error:
                raise ValidationError({"password": error.messages}) from None
            admin.set_password(password)
        else:
            admin.set_unusable_password()
        admin.full_clean(exclude=["password"])
        admin.save()
        created.append("admin")
    elif admin.email.lower() != email.lower():
        raise ValidationError(
            {"username": [_("用户名 %(username)s 已被其他邮箱的账号使用。") % {"username": username}]}
        )
    _role, made = RoleAssignment.objects.get_or_create(user=admin, role=Role.PLATFORM_ADMIN)
    if made:
        created.append("role")
    return admin
