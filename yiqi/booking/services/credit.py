"""User credit: no-shows and late cancellations are marked, counted per user and per organisation over the
deployment's window, and a user who reaches the threshold may not book for a while.

A suspension follows ``SUSPENSION_MACHINE``: the user may appeal once to the units where the marks were made (their
unit admins accept, which lifts it, or dismiss it with a reason); the platform authority may lift it at any time;
the scheduled job lets it expire at its end. Every step leaves its audit event and tells the people concerned.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access, access_for
from yiqi.accounts.models import Role
from yiqi.accounts.services import users_with_role
from yiqi.core.workflow import StateMachine, Transition
from yiqi.notifications.services import notify
from yiqi.organizations.models import Deployment

from ..availability import as_local
from ..models import SUSPENDING_STATES, Booking, BookingSuspension, CreditEvent
from ..models import SuspensionStatus as T

# Who may take a step (``Transition.who``).
SUSPENDED_USER, APPEAL_UNIT, AUTHORITY, SYSTEM = "user", "unit", "authority", "system"

SUSPENSION_MACHINE = StateMachine(
    BookingSuspension,
    [
        Transition(
            "appeal", gettext_lazy("申诉"), (T.ACTIVE,), T.APPEALED, who=SUSPENDED_USER, needs_comment=True
        ),
        Transition("accept_appeal", gettext_lazy("支持申诉并解除"), (T.APPEALED,), T.LIFTED, who=APPEAL_UNIT),
        Transition(
            "dismiss_appeal",
            gettext_lazy("不支持申诉"),
            (T.APPEALED,),
            T.UPHELD,
            who=APPEAL_UNIT,
            needs_comment=True,
        ),
        Transition(
            "override",
            gettext_lazy("平台解除"),
            SUSPENDING_STATES,
            T.LIFTED,
            who=AUTHORITY,
            needs_comment=True,
        ),
        Transition("expire", gettext_lazy("到期恢复"), SUSPENDING_STATES, T.EXPIRED, who=SYSTEM),
    ],
    missing_comment=gettext_lazy("请填写理由。"),
    lock_related=("user",),
)


def credit_url() -> str:
    return reverse("booking:credit")


# --- standing: may this user book now? ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    deployment: Deployment
    suspension: BookingSuspension | None

    def refusal(self) -> str | None:
        """Why the user may not book now, with the end date (None: they may)."""
        if self.suspension is None:
            return None
        return _(
            "您的预约资格已暂停至 %(date)s（%(reason)s），期间不能预约。如有异议，请在“我的信用”中申诉。"
        ) % {
            "date": f"{as_local(self.suspension.ends_at):%Y-%m-%d %H:%M}",
            "reason": self.suspension.reason,
        }


def suspension_in_force(user, now: dt.datetime) -> QuerySet[BookingSuspension]:
    return BookingSuspension.objects.filter(user=user, status__in=SUSPENDING_STATES, ends_at__gt=now)


def standing(user, now: dt.datetime | None = None) -> Standing:
    """The deployment's booking policy and the user's suspension in force, if any (two queries)."""
    now = now or timezone.now()
    return Standing(Deployment.current(), suspension_in_force(user, now).first())


# --- marks and the suspension they cause ---------------------------------------------------------------------------


def counts_since(marks: QuerySet[CreditEvent]) -> dict:
    return marks.aggregate(
        no_shows=Count("pk", filter=Q(kind=CreditEvent.Kind.NO_SHOW)),
        late_cancellations=Count("pk", filter=Q(kind=CreditEvent.Kind.LATE_CANCELLATION)),
    )


def window_start(deployment: Deployment, now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(days=deployment.credit_window_days)


def is_late_cancellation(booking: Booking, deployment: Deployment, now: dt.datetime) -> bool:
    hours = deployment.late_cancellation_hours
    return bool(hours) and now > booking.starts_at - dt.timedelta(hours=hours)


def record_mark(booking: Booking, kind: str, *, now: dt.datetime | None = None) -> CreditEvent:
    """Mark the booking on its user's credit (once per booking) and suspend the user if the marks in the window
    reach the threshold. Call inside the transaction that changed the booking."""
    now = now or timezone.now()
    deployment = Deployment.current()
    mark = CreditEvent.objects.create(
        booking=booking,
        kind=kind,
        user_id=booking.user_id,
        user_organization_id=booking.user_organization_id,
        unit_id=booking.instrument.unit_id,
        occurred_at=now,
    )
    _suspend_if_due(booking.user, deployment, now)
    return mark


def _suspend_if_due(user, deployment: Deployment, now: dt.datetime) -> BookingSuspension | None:
    """Marks that have not yet caused a suspension count; reaching the threshold suspends the user (unless a
    suspension is already open) and ties those marks to it."""
    if BookingSuspension.objects.filter(user=user, status__in=SUSPENDING_STATES).exists():
        return None
    marks = CreditEvent.objects.filter(
        user=user, occurred_at__gte=window_start(deployment, now), suspension=None
    )
    counts = counts_since(marks)
    if counts["no_shows"] + counts["late_cancellations"] < deployment.credit_threshold:
        return None
    reason = _("%(days)d 天内爽约 %(no_shows)d 次、临时取消 %(late)d 次") % {
        "days": deployment.credit_window_days,
        "no_shows": counts["no_shows"],
        "late": counts["late_cancellations"],
    }
    try:
        with transaction.atomic():
            suspension = BookingSuspension.objects.create(
                user=user,
                starts_at=now,
                ends_at=now + dt.timedelta(days=deployment.suspension_days),
                reason=reason,
            )
    except IntegrityError:
        return None  # a concurrent mark suspended the user first (one open suspension per user)
    marks.update(suspension=suspension)
    SUSPENSION_MACHINE.record_created(suspension, actor=None, comment=reason)
    notify(
        [user],
        _("您的预约资格已暂停至 %(date)s") % {"date": f"{as_local(suspension.ends_at):%Y-%m-%d}"},
        _("原因：%(reason)s。暂停期间不能预约仪器。如有异议，可在“我的信用”页面向仪器所属单位申诉。")
        % {"reason": reason},
        credit_url(),
    )
    return suspension


# --- the suspension's life ------------------------------------------------------------------------------------------


def appeal_units(suspension: BookingSuspension) -> set[int]:
    """The units whose instruments the marks behind the suspension were made on: they hear the appeal."""
    return set(suspension.events.values_list("unit_id", flat=True))


def _permitted(actor):
    def permitted(suspension: BookingSuspension, step: Transition) -> bool:
        access = access_for(actor)
        if step.who == SUSPENDED_USER and suspension.user_id != access.user_id:
            raise PermissionDenied(_("只能对自己的暂停提出申诉。"))
        if step.who == APPEAL_UNIT and not access.unit_admin_unit_ids & appeal_units(suspension):
            raise PermissionDenied(_("只有相关仪器所属单位的管理员可以处理申诉。"))
        if step.who == AUTHORITY and not access.is_platform_admin:
            raise PermissionDenied(_("只有平台主管机关可以解除暂停。"))
        return True

    return permitted


def _unit_admins(suspension: BookingSuspension) -> list:
    admins = []
    for unit_id in sorted(appeal_units(suspension)):
        admins.extend(users_with_role(Role.UNIT_ADMIN, organization_id=unit_id))
    return admins


@transaction.atomic
def appeal(suspension: BookingSuspension, *, actor, reason: str) -> BookingSuspension:
    """The suspended user explains (once); the units' admins are told."""

    def prepare(suspension: BookingSuspension, step: Transition) -> None:
        suspension.appeal = (reason or "").strip()

    suspension = SUSPENSION_MACHINE.run(
        suspension, "appeal", actor=actor, comment=reason, permitted=_permitted(actor), prepare=prepare
    )
    notify(
        _unit_admins(suspension),
        _("预约资格暂停申诉待处理：%(user)s") % {"user": suspension.user.get_full_name()},
        suspension.appeal,
        reverse("booking:credit_appeals"),
    )
    return suspension


@transaction.atomic
def decide_appeal(
    suspension: BookingSuspension, *, actor, accept: bool, comment: str = ""
) -> BookingSuspension:
    """A unit admin accepts the appeal (the suspension is lifted) or dismisses it with a reason."""
    action = "accept_appeal" if accept else "dismiss_appeal"
    suspension = SUSPENSION_MACHINE.run(
        suspension, action, actor=actor, comment=comment, permitted=_permitted(actor)
    )
    subject = (
        _("您的申诉已获支持，预约资格已恢复")
        if accept
        else _("您的申诉未获支持，预约资格暂停至 %(date)s")
        % {"date": f"{as_local(suspension.ends_at):%Y-%m-%d}"}
    )
    notify([suspension.user], subject, (comment or "").strip(), credit_url())
    return suspension


@transaction.atomic
def override(suspension: BookingSuspension, *, actor, comment: str) -> BookingSuspension:
    """The platform authority lifts the suspension, whatever its state."""
    suspension = SUSPENSION_MACHINE.run(
        suspension, "override", actor=actor, comment=comment, permitted=_permitted(actor)
    )
    notify([suspension.user], _("平台已解除您的预约资格暂停"), (comment or "").strip(), credit_url())
    return suspension


def expire_suspensions(now: dt.datetime | None = None) -> int:
    """Suspensions past their end are closed (the scheduled job); each through the machine."""
    now = now or timezone.now()
    expired = 0
    for pk in BookingSuspension.objects.filter(status__in=SUSPENDING_STATES, ends_at__lte=now).values_list(
        "pk", flat=True
    ):
        try:
            SUSPENSION_MACHINE.run(BookingSuspension(pk=pk), "expire", actor=None)
        except ValidationError:
            continue  # lifted meanwhile
        expired += 1
    return expired


def available_steps(suspension: BookingSuspension, access: Access) -> list[str]:
    """What ``access`` may do with the suspension now: appeal, accept_appeal, dismiss_appeal, override."""
    allowed = {step.action for step in SUSPENSION_MACHINE.available(suspension)}
    steps = []
    if "appeal" in allowed and suspension.user_id == access.user_id:
        steps.append("appeal")
    if allowed & {"accept_appeal", "dismiss_appeal"} and access.unit_admin_unit_ids & appeal_units(
        suspension
    ):
        steps += ["accept_appeal", "dismiss_appeal"]
    if "override" in allowed and access.is_platform_admin:
        steps.append("override")
    return steps


# --- plain data for the credit pages -----------------------------------------------------------------------------

LIST_LIMIT = 50


def my_credit(user, now: dt.datetime | None = None) -> dict:
    """The user's marks and counts in the window, their latest suspension and what they may do with it."""
    now = now or timezone.now()
    deployment = Deployment.current()
    since = window_start(deployment, now)
    marks = CreditEvent.objects.filter(user=user, occurred_at__gte=since)
    suspension = BookingSuspension.objects.filter(user=user).order_by("-starts_at", "-id").first()
    return {
        "deployment": deployment,
        "counts": counts_since(marks),
        "marks": list(marks.select_related("booking__instrument")[:LIST_LIMIT]),
        "suspension": suspension,
        "in_force": suspension is not None
        and suspension.status in SUSPENDING_STATES
        and suspension.ends_at > now,
        "steps": available_steps(suspension, access_for(user)) if suspension else [],
    }


def _with_people(suspensions: QuerySet[BookingSuspension]) -> QuerySet[BookingSuspension]:
    return suspensions.select_related("user")


def unit_appeals(access: Access, now: dt.datetime | None = None) -> dict:
    """For a unit admin: the suspensions their units' marks caused (appeals waiting first), and the latest marks
    made on their instruments."""
    now = now or timezone.now()
    units = access.unit_admin_unit_ids
    suspensions = _with_people(
        BookingSuspension.objects.filter(
            pk__in=CreditEvent.objects.filter(unit_id__in=units).values("suspension")
        )
    )
    return {
        "waiting": list(suspensions.filter(status=T.APPEALED).order_by("updated_at", "id")[:LIST_LIMIT]),
        "others": list(suspensions.exclude(status=T.APPEALED)[:LIST_LIMIT]),
        "marks": list(
            CreditEvent.objects.filter(
                unit_id__in=units, occurred_at__gte=window_start(Deployment.current(), now)
            ).select_related("user", "user_organization", "booking__instrument")[:LIST_LIMIT]
        ),
    }


def credit_overview(now: dt.datetime | None = None) -> dict:
    """For the platform authority: suspensions (open first) and the marks in the window by organisation."""
    now = now or timezone.now()
    deployment = Deployment.current()
    marks = CreditEvent.objects.filter(occurred_at__gte=window_start(deployment, now))
    by_organization = (
        marks.values("user_organization", "user_organization__name")
        .annotate(
            no_shows=Count("pk", filter=Q(kind=CreditEvent.Kind.NO_SHOW)),
            late_cancellations=Count("pk", filter=Q(kind=CreditEvent.Kind.LATE_CANCELLATION)),
            total=Count("pk"),
        )
        .order_by("-total", "user_organization__name")[:LIST_LIMIT]
    )
    return {
        "deployment": deployment,
        "open": list(
            _with_people(BookingSuspension.objects.filter(status__in=SUSPENDING_STATES))[:LIST_LIMIT]
        ),
        "closed": list(
            _with_people(BookingSuspension.objects.exclude(status__in=SUSPENDING_STATES))[:LIST_LIMIT]
        ),
        "by_organization": list(by_organization),
        "open_states": [str(state) for state in SUSPENDING_STATES],
        "totals": counts_since(marks),
    }


def appeals_to_hear(access: Access) -> QuerySet[BookingSuspension]:
    """The appeals waiting for the unit admin's units."""
    heard = CreditEvent.objects.filter(unit_id__in=access.unit_admin_unit_ids).values("suspension")
    return BookingSuspension.objects.filter(pk__in=heard, status=T.APPEALED)


def visible_suspensions(access: Access) -> QuerySet[BookingSuspension]:
    """Own suspensions; those the unit admin's units hear; all for the platform authority."""
    suspensions = BookingSuspension.objects.select_related("user")
    if access.is_platform_admin:
        return suspensions
    if not access.is_authenticated:
        return suspensions.none()
    heard = CreditEvent.objects.filter(unit_id__in=access.unit_admin_unit_ids).values("suspension")
    return suspensions.filter(Q(user_id=access.user_id) | Q(pk__in=heard))


def suspension_history(suspension: BookingSuspension) -> list[dict]:
    return SUSPENSION_MACHINE.history(suspension)
