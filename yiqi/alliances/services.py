"""Business rules of sharing alliances: forming one, its terms, units joining and leaving through the state
machine, and the terms that hold between a user's organisation and an instrument's unit.

Booking reads the terms inside its one read (``terms_between_query``, ``recognised_units_query``); fees asks
``member_category``.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access
from yiqi.accounts.models import Role
from yiqi.accounts.services import users_with_role
from yiqi.core.workflow import StateMachine, Transition
from yiqi.notifications.services import Phrase, notify
from yiqi.organizations.models import Organization
from yiqi.registry.models import Instrument, RegistrationStatus

from .models import LIVE_STATES, Alliance, MemberCategory, Membership, MembershipStatus
from .signals import terms_checked

TERMS = ("member_category", "priority_days", "mutual_qualification")

# --- reading ------------------------------------------------------------------------------------------------------


def alliances() -> QuerySet[Alliance]:
    """Every alliance (they are public), with its lead unit."""
    return Alliance.objects.select_related("lead_unit")


def members(alliance: Alliance) -> QuerySet[Membership]:
    return alliance.memberships.filter(status=MembershipStatus.ACTIVE).select_related("unit")


def member_unit_ids(alliance: Alliance) -> list[int]:
    return list(members(alliance).values_list("unit_id", flat=True))


def leads(access: Access, alliance: Alliance) -> bool:
    return access.is_platform_admin or alliance.lead_unit_id in access.unit_admin_unit_ids


def joinable_units(access: Access, alliance: Alliance) -> QuerySet[Organization]:
    """The management units the user administers that are not in (nor asking to join) the alliance."""
    live = Membership.objects.filter(alliance=alliance, unit=OuterRef("pk"), status__in=LIVE_STATES)
    return (
        Organization.objects.management_units()
        .filter(pk__in=access.unit_admin_unit_ids)
        .exclude(Exists(live))
        .order_by("name")
    )


def _active(**where) -> QuerySet[Membership]:
    return Membership.objects.filter(status=MembershipStatus.ACTIVE, **where)


def terms_between_query(unit_id: int, user) -> QuerySet[Membership]:
    """The user's organisations' active memberships of alliances the unit is an active member of: one row per
    (alliance, the user's member organisation). For booking's one read."""
    shared = _active(alliance=OuterRef("alliance"), unit_id=unit_id)
    return _active(unit__role_assignments__user=user).exclude(unit_id=unit_id).filter(Exists(shared))


def recognised_units_query(unit_id: int) -> QuerySet[Membership]:
    """The other active members of the unit's alliances that recognise each other's user qualifications."""
    shared = _active(alliance=OuterRef("alliance"), unit_id=unit_id)
    return _active(alliance__mutual_qualification=True).exclude(unit_id=unit_id).filter(Exists(shared))


def member_category(organization_id: int | None, unit_id: int) -> str:
    """The most favourable member price category between the organisation and the unit ('' when none)."""
    if organization_id is None or organization_id == unit_id:
        return ""
    shared = _active(alliance=OuterRef("alliance"), unit_id=unit_id)
    return best_member_category(
        _active(unit_id=organization_id)
        .filter(Exists(shared))
        .values_list("alliance__member_category", flat=True)
    )


def best_member_category(categories) -> str:
    """The most favourable of several alliances' member categories ('' when none gives one)."""
    categories = set(categories)
    for category in (MemberCategory.INTERNAL, MemberCategory.ACADEMIC):
        if category in categories:
            return category
    return ""


# --- forming and terms --------------------------------------------------------------------------------------------


def _check_terms(alliance: Alliance, unit_ids) -> None:
    alliance.full_clean(exclude=["lead_unit"] if alliance.lead_unit_id is None else None)
    terms_checked.send(
        sender=Alliance,
        alliance=alliance,
        unit_ids=list(unit_ids),
        priority_days=alliance.priority_days,
        member_category=alliance.member_category,
    )


def form_alliance(*, access: Access, actor, lead_unit_id: int, **fields) -> Alliance:
    """A unit admin (or the platform admin) forms an alliance led by their unit, the lead its first member."""
    if not (access.is_platform_admin or lead_unit_id in access.unit_admin_unit_ids):
        raise PermissionDenied(_("只有牵头单位的管理员可以组建联盟。"))
    if not Organization.objects.management_units().filter(pk=lead_unit_id).exists():
        raise ValidationError({"lead_unit": [_("牵头单位须是管理单位。")]})
    alliance = Alliance(lead_unit_id=lead_unit_id, created_by=actor, **fields)
    _check_terms(alliance, [lead_unit_id])
    try:
        with transaction.atomic():
            alliance.save()
            lead = Membership.objects.create(
                alliance=alliance,
                unit_id=lead_unit_id,
                status=MembershipStatus.ACTIVE,
                joined_at=timezone.now(),
            )
            MACHINE.record_created(lead, actor=actor, comment=_("牵头单位"))
    except IntegrityError:
        raise ValidationError({"name": [_("已有同名的联盟。")]}) from None
    return alliance


@transaction.atomic
def set_terms(alliance: Alliance, *, access: Access, **terms) -> Alliance:
    """The lead unit changes the member terms; refused when a member's instrument settings contradict them."""
    if not leads(access, alliance):
        raise PermissionDenied(_("只有牵头单位的管理员可以修改联盟条款。"))
    locked = Alliance.objects.select_for_update().get(pk=alliance.pk)
    for name in (*TERMS, "description"):
        if name in terms:
            setattr(locked, name, terms[name])
    _check_terms(locked, member_unit_ids(locked))
    locked.save()
    return locked


# --- joining and leaving ------------------------------------------------------------------------------------------

MACHINE = StateMachine(
    Membership,
    [
        Transition(
            "approve",
            gettext_lazy("同意加入"),
            (MembershipStatus.APPLIED,),
            MembershipStatus.ACTIVE,
            who="lead",
        ),
        Transition(
            "decline",
            gettext_lazy("不同意"),
            (MembershipStatus.APPLIED,),
            MembershipStatus.DECLINED,
            who="lead",
            needs_comment=True,
        ),
        Transition(
            "accept",
            gettext_lazy("接受邀请"),
            (MembershipStatus.INVITED,),
            MembershipStatus.ACTIVE,
            who="invited",
        ),
        Transition(
            "refuse",
            gettext_lazy("谢绝邀请"),
            (MembershipStatus.INVITED,),
            MembershipStatus.DECLINED,
            who="invited",
        ),
        Transition(
            "leave", gettext_lazy("退出联盟"), (MembershipStatus.ACTIVE,), MembershipStatus.LEFT, who="member"
        ),
        Transition(
            "remove",
            gettext_lazy("移出联盟"),
            (MembershipStatus.ACTIVE,),
            MembershipStatus.LEFT,
            who="lead",
            needs_comment=True,
        ),
    ],
    missing_comment=gettext_lazy("请写明理由。"),
    lock_related=("alliance", "unit"),
)


def _admins(unit_id: int) -> list:
    return list(users_with_role(Role.UNIT_ADMIN, organization_id=unit_id))


def apply(alliance: Alliance, *, access: Access, actor, unit_id: int) -> Membership:
    """A unit's admin asks to join; the lead unit's admins decide."""
    if unit_id not in access.unit_admin_unit_ids:
        raise PermissionDenied(_("只有本单位管理员可以申请加入联盟。"))
    if not joinable_units(access, alliance).filter(pk=unit_id).exists():
        raise ValidationError({"unit": [_("该单位已是联盟成员或已提出申请。")]})
    try:
        with transaction.atomic():
            membership = Membership.objects.create(alliance=alliance, unit_id=unit_id)
            MACHINE.record_created(membership, actor=actor)
    except IntegrityError:
        raise ValidationError({"unit": [_("该单位已是联盟成员或已提出申请。")]}) from None
    notify(
        _admins(alliance.lead_unit_id),
        Phrase(
            gettext_lazy("%(unit)s 申请加入%(alliance)s"), unit=membership.unit.name, alliance=alliance.name
        ),
        url=reverse("alliances:detail", args=[alliance.pk]),
    )
    return membership


def invitable_units(alliance: Alliance) -> QuerySet[Organization]:
    """Management units that are not in the alliance, nor asking or invited to join it."""
    live = Membership.objects.filter(alliance=alliance, unit=OuterRef("pk"), status__in=LIVE_STATES)
    return Organization.objects.management_units().exclude(Exists(live)).order_by("name")


def invite(alliance: Alliance, *, access: Access, actor, unit_id: int) -> Membership:
    """The lead unit invites a unit; its admins accept or refuse (the terms are checked when they accept)."""
    if not leads(access, alliance):
        raise PermissionDenied(_("只有牵头单位的管理员可以邀请成员。"))
    if not invitable_units(alliance).filter(pk=unit_id).exists():
        raise ValidationError({"unit": [_("该单位不是管理单位，或已是联盟成员、已申请或已被邀请。")]})
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                alliance=alliance, unit_id=unit_id, status=MembershipStatus.INVITED
            )
            MACHINE.record_created(membership, actor=actor)
    except IntegrityError:
        raise ValidationError(
            {"unit": [_("该单位不是管理单位，或已是联盟成员、已申请或已被邀请。")]}
        ) from None
    notify(
        _admins(unit_id),
        Phrase(
            gettext_lazy("%(alliance)s 邀请%(unit)s加入"), alliance=alliance.name, unit=membership.unit.name
        ),
        url=reverse("alliances:detail", args=[alliance.pk]),
    )
    return membership


def visible_memberships(access: Access) -> QuerySet[Membership]:
    """Memberships of the units the user administers and of the alliances they lead (all for the platform)."""
    memberships = Membership.objects.select_related("alliance", "unit")
    if access.is_platform_admin:
        return memberships
    return memberships.filter(
        Q(unit_id__in=access.unit_admin_unit_ids) | Q(alliance__lead_unit_id__in=access.unit_admin_unit_ids)
    )


def _may(access: Access, membership: Membership, step: Transition) -> bool:
    if step.who == "invited":
        return membership.unit_id in access.unit_admin_unit_ids
    if step.who == "lead":
        return leads(access, membership.alliance) and membership.unit_id != membership.alliance.lead_unit_id
    return (
        membership.unit_id in access.unit_admin_unit_ids
        and membership.unit_id != membership.alliance.lead_unit_id
    )


def allowed_actions(access: Access, membership: Membership) -> list[Transition]:
    return [step for step in MACHINE.available(membership) if _may(access, membership, step)]


def _prepare(membership: Membership, step: Transition) -> None:
    if step.action in ("approve", "accept"):
        _check_terms(membership.alliance, [membership.unit_id])
        membership.joined_at = timezone.now()


def act(membership: Membership, action: str, *, access: Access, actor, comment: str = "") -> Membership:
    """Approve, decline, leave or remove; the other side hears of it."""
    done = MACHINE.run(
        membership,
        action,
        actor=actor,
        comment=comment,
        permitted=lambda locked, step: _may(access, locked, step),
        prepare=_prepare,
    )
    alliance = done.alliance
    by_member = action in ("leave", "accept", "refuse")
    told = _admins(alliance.lead_unit_id) if by_member else _admins(done.unit_id)
    notify(
        told,
        Phrase(
            gettext_lazy("%(alliance)s · %(unit)s：%(step)s"),
            alliance=alliance.name,
            unit=done.unit.name,
            step=MACHINE.transitions[action].label,
        ),
        comment,
        url=reverse("alliances:detail", args=[alliance.pk]),
    )
    return done


def member_instruments(unit_ids) -> QuerySet[Instrument]:
    """The alliance's catalogue: the members' published instruments."""
    return (
        Instrument.objects.filter(unit_id__in=unit_ids, registration_status=RegistrationStatus.PUBLISHED)
        .select_related("unit")
        .order_by("unit__name", "name", "pk")
    )
