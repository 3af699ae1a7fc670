"""The two ways into an organisation that exists: an invitation from its unit admin, or an approved join request.

An invitation is an emailed link with a role, used once and expiring after ``INVITATION_VALID_DAYS``; only the
SHA-256 of its token is stored. A join request grants nothing until the organisation's unit admin (or the platform
administrator) approves it. Both move through the one state machine, so each step is locked, checked and audited.
"""

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.core.workflow import BulkOutcome, StateMachine, Transition, run_each
from yiqi.organizations.models import Department, Organization

from .access import Access, access_for
from .models import ORGANIZATION_ROLES, Invitation, JoinRequest, Role, RoleAssignment, User
from .services import create_account

INVITATION_VALID_DAYS = 7

INVITATIONS = StateMachine(
    Invitation,
    [
        Transition(
            "accept", gettext_lazy("接受邀请"), (Invitation.Status.PENDING,), Invitation.Status.ACCEPTED
        ),
        Transition(
            "revoke",
            gettext_lazy("撤销邀请"),
            (Invitation.Status.PENDING,),
            Invitation.Status.REVOKED,
            "admin",
        ),
    ],
)
JOIN_REQUESTS = StateMachine(
    JoinRequest,
    [
        Transition(
            "approve",
            gettext_lazy("批准"),
            (JoinRequest.Status.PENDING,),
            JoinRequest.Status.APPROVED,
            "admin",
        ),
        Transition(
            "reject",
            gettext_lazy("拒绝"),
            (JoinRequest.Status.PENDING,),
            JoinRequest.Status.REJECTED,
            "admin",
        ),
    ],
)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def may_manage_members(access: Access, organization_id: int) -> bool:
    return access.is_platform_admin or organization_id in access.unit_admin_unit_ids


def _require_manager(actor, organization_id: int) -> None:
    if not may_manage_members(access_for(actor), organization_id):
        raise PermissionDenied(_("只有该单位的单位管理员可以管理成员。"))


# --- invitations ---------------------------------------------------------------------------------------------------


def invite(
    *, organization: Organization, email: str, role: str, actor: User, link_for: Callable[[str], str]
) -> Invitation:
    """Invite ``email`` into ``organization`` with ``role`` and mail the link (``link_for(token)``, absolute)."""
    _require_manager(actor, organization.pk)
    errors = {}
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("请输入有效的邮箱地址。")]
    if role not in {r.value for r in ORGANIZATION_ROLES}:
        errors["role"] = [_("请选择有效的角色。")]
    elif role != Role.EXTERNAL_USER and not organization.is_management_unit:
        errors["role"] = [_("用户单位只能邀请“用户”角色；单位工作人员角色仅限管理单位。")]
    if errors:
        raise ValidationError(errors)
    return _send(Invitation(organization=organization, email=email, role=role), actor, link_for)


def invite_department_admin(
    *, department: Department, email: str, actor: User, link_for: Callable[[str], str]
) -> Invitation:
    """The platform administrator invites a supervising department's admin (the role is held in the department)."""
    if not access_for(actor).is_platform_admin:
        raise PermissionDenied(_("只有平台管理员可以邀请主管部门管理员。"))
    email = check_admin_email(email, department=True)
    invitation = Invitation(department=department, email=email, role=Role.DEPARTMENT_ADMIN)
    return _send(invitation, actor, link_for)


def check_admin_email(email: str, *, department: bool = False) -> str:
    """A first admin's address, stripped; a field error on ``admin_email`` otherwise."""
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        message = (
            _("请输入主管部门管理员的有效邮箱地址。") if department else _("请输入单位管理员的有效邮箱地址。")
        )
        raise ValidationError({"admin_email": [message]}) from None
    return email


def _send(invitation: Invitation, actor: User, link_for: Callable[[str], str]) -> Invitation:
    """Store the invitation with a fresh token's hash and mail its link once the transaction commits."""
    token = secrets.token_urlsafe(32)
    invitation.token_hash = hash_token(token)
    invitation.invited_by = actor
    invitation.expires_at = timezone.now() + dt.timedelta(days=INVITATION_VALID_DAYS)
    invitation.save()
    INVITATIONS.record_created(
        invitation, actor=actor, data={"email": invitation.email, "role": invitation.role}
    )
    scope, email = invitation.scope.name, invitation.email
    subject = _("邀请您加入“%(org)s”") % {"org": scope}
    body = _(
        "%(inviter)s 邀请您以“%(role)s”身份加入“%(org)s”。\n"
        "请在 %(days)d 天内打开以下链接接受邀请（链接仅能使用一次）：\n%(link)s\n\n"
        "如果您不认识邀请人，请忽略本邮件。"
    ) % {
        "inviter": actor.get_full_name(),
        "role": invitation.get_role_display(),
        "org": scope,
        "days": INVITATION_VALID_DAYS,
        "link": link_for(token),
    }
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    return invitation


def find_invitation(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("organization", "department")
        .filter(token_hash=hash_token(token))
        .first()
    )


def invitation_problem(invitation: Invitation | None) -> str:
    """Why the invitation cannot be accepted, or ``""``."""
    if invitation is None:
        return _("邀请链接无效。请核对链接，或向单位管理员重新索取。")
    if invitation.status == Invitation.Status.ACCEPTED:
        return _("该邀请已被使用，每个邀请链接只能使用一次。")
    if invitation.status == Invitation.Status.REVOKED:
        return _("该邀请已被单位管理员撤销。")
    if invitation.expires_at <= timezone.now():
        return _("该邀请已过期，请向单位管理员重新索取。")
    return ""


def accept_invitation(invitation: Invitation, *, user: User) -> RoleAssignment:
    """``user`` takes up the invitation: the role in the organisation, once."""

    def prepare(locked: Invitation, step):
        problem = invitation_problem(locked)
        if problem:
            raise ValidationError({"invitation": [problem]})
        if (user.email or "").strip().lower() != locked.email.lower():
            raise ValidationError(
                {"invitation": [_("此邀请发给 %(email)s，请用该邮箱的账号接受。") % {"email": locked.email}]}
            )
        locked.accepted_by = user
        locked.accepted_at = timezone.now()

    with transaction.atomic():
        locked = INVITATIONS.run(
            invitation, "accept", actor=user, prepare=prepare, refusal=lambda obj: invitation_problem(obj)
        )
        assignment, _created = RoleAssignment.objects.get_or_create(
            user=user,
            role=locked.role,
            organization_id=locked.organization_id,
            department_id=locked.department_id,
        )
    return assignment


@transaction.atomic
def register_by_invitation(invitation: Invitation, *, user: User, password: str) -> User:
    """A new account made from an invitation link: its email is the one invited."""
    problem = invitation_problem(invitation)
    if problem:
        raise ValidationError({"invitation": [problem]})
    user.email = invitation.email
    create_account(user, password)
    accept_invitation(invitation, user=user)
    return user


def revoke_invitation(invitation: Invitation, *, actor: User) -> Invitation:
    return INVITATIONS.run(
        invitation,
        "revoke",
        actor=actor,
        permitted=lambda locked, step: may_manage_members(access_for(actor), locked.organization_id),
    )


def invitations_for(access: Access) -> QuerySet[Invitation]:
    """Invitations of the organisations the user administers (all of them for the platform)."""
    rows = Invitation.objects.select_related("organization", "department", "invited_by", "accepted_by")
    return rows if access.is_platform_admin else rows.filter(organization_id__in=access.unit_admin_unit_ids)


# --- join requests -------------------------------------------------------------------------------------------------


def request_to_join(*, user: User, organization: Organization, message: str = "") -> JoinRequest:
    """Ask to join; the organisation's admins see it on their members page. Grants nothing by itself."""
    if RoleAssignment.objects.filter(user=user, organization=organization).exists():
        raise ValidationError({"organization_name": [_("您已是该单位的成员。")]})
    if JoinRequest.objects.filter(
        user=user, organization=organization, status=JoinRequest.Status.PENDING
    ).exists():
        raise ValidationError({"organization_name": [_("您已申请加入该单位，请等待单位管理员审核。")]})
    request = JoinRequest(user=user, organization=organization, message=(message or "").strip()[:200])
    request.save()
    JOIN_REQUESTS.record_created(request, actor=user)
    return request


def decide_join_request(
    join_request: JoinRequest, action: str, *, actor: User, comment: str = ""
) -> JoinRequest:
    """Approve (the applicant becomes a user of the organisation) or reject a join request."""

    def permitted(locked: JoinRequest, step) -> bool:
        return may_manage_members(access_for(actor), locked.organization_id)

    def prepare(locked: JoinRequest, step):
        locked.decided_at = timezone.now()

    with transaction.atomic():
        locked = JOIN_REQUESTS.run(
            join_request, action, actor=actor, comment=comment, permitted=permitted, prepare=prepare
        )
        if locked.status == JoinRequest.Status.APPROVED:
            RoleAssignment.objects.get_or_create(
                user_id=locked.user_id, role=Role.EXTERNAL_USER, organization_id=locked.organization_id
            )
    return locked


def decide_join_requests(ids, action: str, *, actor: User, comment: str = "") -> BulkOutcome:
    """Approve or reject many requests with one comment; each is decided (and audited) on its own."""
    JOIN_REQUESTS.step(action)  # an unknown action refuses them all
    requests = join_requests_for(access_for(actor)).filter(pk__in=ids).order_by("pk")
    return run_each(
        requests, lambda request: decide_join_request(request, action, actor=actor, comment=comment)
    )


def join_requests_for(access: Access) -> QuerySet[JoinRequest]:
    """Pending requests the user may decide: their units', or every one for the platform administrator."""
    rows = JoinRequest.objects.filter(status=JoinRequest.Status.PENDING).select_related(
        "user", "organization"
    )
    return rows if access.is_platform_admin else rows.filter(organization_id__in=access.unit_admin_unit_ids)


def my_join_requests(user: User) -> QuerySet[JoinRequest]:
    return JoinRequest.objects.filter(user=user).select_related("organization")


@transaction.atomic
def register_and_request_to_join(
    *, user: User, password: str, organization: Organization, message: str = ""
) -> User:
    """A new account with no membership yet, and its request to join ``organization``."""
    create_account(user, password)
    request_to_join(user=user, organization=organization, message=message)
    return user
