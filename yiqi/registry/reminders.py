"""Registration deadline reminders: N working days before the deadline (10, 5, 1 by default) and once overdue.

Run daily. Each (instrument, deadline, offset) is sent at most once, so a missed day or a second run never
duplicates, and a changed acceptance date (hence deadline) starts a fresh series.
"""

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.models import Role, RoleAssignment
from yiqi.core.workdays import add_working_days, working_days_between
from yiqi.notifications.services import Phrase, notify
from yiqi.organizations.models import Deployment

from .deadlines import pending_mandatory
from .models import Instrument, RegistrationReminder

OVERDUE = 0
MAX_LISTED = 20


def reminder_offset(remaining: int, offsets: list[int]) -> int | None:
    """Which reminder applies with ``remaining`` working days left: the smallest offset not below it."""
    if remaining < 0:
        return OVERDUE
    fitting = [k for k in offsets if k >= remaining]
    return min(fitting) if fitting else None


@transaction.atomic
def send_registration_reminders(today: dt.date | None = None) -> int:
    """Send due reminders to each unit's admins and information officers; returns reminders recorded."""
    today = today or timezone.localdate()
    deployment = Deployment.current()
    offsets = deployment.reminder_offsets
    horizon = add_working_days(today, max(offsets)).date if offsets else today
    candidates = pending_mandatory(Instrument.objects.all(), deployment).filter(
        registration_due__isnull=False, registration_due__lte=horizon
    )
    by_unit: dict[tuple[int, int], list[Instrument]] = defaultdict(list)
    new_reminders = []
    for instrument in candidates.only("id", "unit_id", "name", "asset_number", "registration_due").order_by(
        "registration_due", "id"
    ):
        offset = reminder_offset(working_days_between(today, instrument.registration_due), offsets)
        if offset is None:
            continue
        by_unit[(instrument.unit_id, offset)].append(instrument)
        new_reminders.append(
            RegistrationReminder(
                instrument=instrument, due_date=instrument.registration_due, working_days_before=offset
            )
        )
    if not new_reminders:
        return 0
    sent = {
        (r["instrument_id"], r["due_date"], r["working_days_before"])
        for r in RegistrationReminder.objects.filter(
            instrument_id__in=[r.instrument_id for r in new_reminders]
        ).values("instrument_id", "due_date", "working_days_before")
    }
    new_reminders = [
        r for r in new_reminders if (r.instrument_id, r.due_date, r.working_days_before) not in sent
    ]
    fresh = {r.instrument_id for r in new_reminders}
    RegistrationReminder.objects.bulk_create(new_reminders, ignore_conflicts=True)
    recipients = _unit_recipients({unit for unit, _offset in by_unit})
    for (unit_id, offset), instruments in by_unit.items():
        instruments = [i for i in instruments if i.pk in fresh]
        if instruments:
            notify(
                recipients.get(unit_id, []),
                *_message(offset, instruments),
                kind="registration_reminder",
                context={
                    "overdue": offset == OVERDUE,
                    "count": len(instruments),
                    "earliest": min(i.registration_due for i in instruments),
                },
            )
    return len(new_reminders)


def _unit_recipients(unit_ids: set[int]) -> dict[int, list]:
    rows = RoleAssignment.objects.filter(
        organization_id__in=unit_ids,
        role__in=[Role.UNIT_ADMIN, Role.INFORMATION_OFFICER],
        user__is_active=True,
    ).select_related("user")
    recipients: dict[int, dict[int, object]] = defaultdict(dict)
    for row in rows:
        recipients[row.organization_id][row.user_id] = row.user
    return {unit: list(users.values()) for unit, users in recipients.items()}


def _message(offset: int, instruments: list[Instrument]) -> tuple[Phrase, Promise, str]:
    """Subject, body and link, written later in each recipient's language."""
    if offset == OVERDUE:
        subject = Phrase(gettext_lazy("%(n)d 台（套）仪器已超过入网期限"), n=len(instruments))
        url = reverse("registry:instrument_list") + "?deadline=overdue"
    else:
        subject = Phrase(
            gettext_lazy("%(n)d 台（套）仪器将在 %(days)d 个工作日内到达入网期限"),
            n=len(instruments),
            days=offset,
        )
        url = reverse("registry:instrument_list") + "?deadline=due_soon"
    return subject, lazy(_listing, str)(instruments), url


def _listing(instruments: list[Instrument]) -> str:
    lines = [
        f"{i.name}（{i.asset_number}）" + _("截止 %(date)s") % {"date": i.registration_due.isoformat()}
        for i in instruments[:MAX_LISTED]
    ]
    if len(instruments) > MAX_LISTED:
        lines.append(_("……另有 %(n)d 台（套）") % {"n": len(instruments) - MAX_LISTED})
    return "\n".join(lines)
