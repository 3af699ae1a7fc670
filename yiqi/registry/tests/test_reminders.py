import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from yiqi.core.workdays import add_working_days
from yiqi.notifications.models import Notification
from yiqi.organizations.tests.factories import DeploymentFactory
from yiqi.registry.models import RegistrationReminder, RegistrationStatus
from yiqi.registry.reminders import reminder_offset, send_registration_reminders
from yiqi.registry.tests.factories import InstrumentFactory

TODAY = dt.date(2024, 6, 3)  # a Monday with no holiday nearby


def accepted_so_due_in(working_days: int) -> dt.date:
    """An acceptance date whose 30-working-day deadline lies ``working_days`` after TODAY."""
    due = add_working_days(TODAY, working_days).date if working_days >= 0 else TODAY - dt.timedelta(days=3)
    day = due
    while add_working_days(day, 30).date != due:
        day -= dt.timedelta(days=1)
    return day


@pytest.mark.parametrize(
    "remaining, expected",
    [(12, None), (10, 10), (7, 10), (5, 5), (2, 5), (1, 1), (0, 1), (-1, 0)],
)
def test_the_right_reminder_for_the_days_left(remaining, expected):
    assert reminder_offset(remaining, [10, 5, 1]) == expected


def test_reminders_go_to_unit_admins_and_officers_once(world, django_capture_on_commit_callbacks):
    DeploymentFactory()
    InstrumentFactory(unit=world.unit_a, name="十天后到期", acceptance_date=accepted_so_due_in(10))
    InstrumentFactory(unit=world.unit_a, name="已逾期", acceptance_date=accepted_so_due_in(-1))
    InstrumentFactory(unit=world.unit_a, name="还早", acceptance_date=accepted_so_due_in(20))
    InstrumentFactory(
        unit=world.unit_a,
        name="已发布",
        acceptance_date=accepted_so_due_in(-1),
        registration_status=RegistrationStatus.PUBLISHED,
    )
    InstrumentFactory(
        unit=world.unit_a,
        name="低于门槛",
        acceptance_date=accepted_so_due_in(1),
        original_value=Decimal("1000"),
    )
    world.draft_a.delete(), world.managed_draft_a.delete(), world.draft_b.delete()

    with django_capture_on_commit_callbacks(execute=True):
        assert send_registration_reminders(TODAY) == 2
    officer_inbox = Notification.objects.filter(recipient=world.users["officer_a"])
    subjects = sorted(officer_inbox.values_list("subject", flat=True))
    assert subjects == ["1 台（套）仪器将在 10 个工作日内到达入网期限", "1 台（套）仪器已超过入网期限"]
    assert Notification.objects.filter(recipient=world.users["unit_admin_a"]).count() == 2
    assert not Notification.objects.filter(recipient=world.users["technician_a"]).exists()
    assert len(mail.outbox) == 2 * 2  # two messages, one email per recipient address
    assert "还早" not in "".join(officer_inbox.values_list("body", flat=True))

    assert send_registration_reminders(TODAY) == 0, "a second run the same day sends nothing"
    assert send_registration_reminders(add_working_days(TODAY, 5).date) == 1, "the 5-day reminder follows"
    assert RegistrationReminder.objects.count() == 3
