"""Complaints from filing to closing: numbers, statutory deadlines, who sees and does what, reminders."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from yiqi.accounts.access import access_for
from yiqi.accounts.tests.factories import UserFactory
from yiqi.core.models import AuditEvent, DailySequence
from yiqi.feedback import services
from yiqi.feedback.models import Complaint, ComplaintAction, ComplaintStatus
from yiqi.feedback.tasks import complaint_deadlines
from yiqi.notifications.models import Notification
from yiqi.organizations.models import Deployment
from yiqi.organizations.tests.factories import OrganizationFactory

from .conftest import completed_booking, completed_order, local_time

pytestmark = pytest.mark.django_db
S = ComplaintStatus


def file(world, user_key="external_user", **fields):
    fields.setdefault("unit", world.unit_a)
    fields.setdefault("subject", "报告迟迟未出")
    fields.setdefault("description", "9月1日送样，约定5个工作日出报告，至今未收到。")
    return services.file_complaint(user=world.users[user_key], **fields)


def told(**filters) -> set[str]:
    return set(Notification.objects.filter(**filters).values_list("recipient__username", flat=True))


def step(complaint, action, who, world, comment="", upheld=True):
    return services.transition(complaint, action, actor=world.users[who], comment=comment, upheld=upheld)


def events(complaint):
    return AuditEvent.objects.for_object(complaint)


# --- filing -----------------------------------------------------------------------------------------------------


def test_filing_numbers_the_complaint_and_sets_the_statutory_deadline(world):
    with local_time(2026, 9, 30):
        first, second = file(world), file(world, subject="收费与公示标准不符")
    assert (first.number, second.number) == ("TS202609300001", "TS202609300002")
    # Ten working days after 30 September skip the National Day holiday (1–7 October) and count the
    # make-up Saturday, 10 October: the 20th, not the 14th a Monday–Friday count would give.
    assert first.due_on == dt.date(2026, 10, 20)
    assert first.status == S.OPEN
    with local_time(2026, 10, 8):
        assert file(world).number == "TS202610080001", "the sequence starts again each day"
    event = events(first).get()
    assert (event.action, event.from_state, event.to_state) == (ComplaintAction.FILE, "", S.OPEN)


def test_the_handling_period_is_the_deployments_policy(world):
    Deployment.objects.update_or_create(pk=1, defaults={"complaint_working_days": 3})
    with local_time(2026, 9, 30):
        assert file(world).due_on == dt.date(2026, 10, 10)  # 8th, 9th and the make-up Saturday


def test_the_unit_and_its_department_are_told_of_a_new_complaint(world, served):
    file(world, instrument=served["instrument"])
    assert told() == {"admin_a", "manager_a", "dept_a"}


def test_a_complaint_may_name_the_users_own_booking_or_order(world, served):
    complaint = file(world, unit=None, record=served["booking"])
    assert complaint.unit == world.unit_a and complaint.instrument == served["instrument"]
    assert complaint.record == served["booking"]
    complaint = file(world, record=served["order"])
    assert complaint.record == served["order"] and complaint.instrument == served["instrument"]


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"subject": "  "}, "subject", "请填写投诉事项。"),
        ({"subject": "事" * 101}, "subject", "不能超过 100 字（现为 101 字）。"),
        ({"description": ""}, "description", "请填写详细情况。"),
        ({"description": "情" * 3001}, "description", "不能超过 3000 字（现为 3001 字）。"),
        ({"unit": None}, "unit", "请选择被投诉的单位或仪器。"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_saved(world, fields, field, message):
    with pytest.raises(ValidationError) as caught:
        file(world, **fields)
    assert caught.value.message_dict[field] == [message]
    assert not Complaint.objects.exists() and not Notification.objects.exists()


def test_a_complaint_must_be_about_a_management_unit_and_consistent(world, served):
    with pytest.raises(ValidationError, match="管理单位"):
        file(world, unit=world.enterprise)
    with pytest.raises(ValidationError, match="不属于被投诉的单位"):
        file(world, unit=world.unit_b, instrument=served["instrument"])
    with pytest.raises(ValidationError, match="不存在"):
        file(world, instrument=world.draft_b)  # a draft of another unit is invisible to the user
    stranger = completed_booking(served["instrument"], UserFactory(), days_ago=3)
    with pytest.raises(ValidationError, match="本人"):
        file(world, record=stranger)
    with pytest.raises(ValidationError, match="不一致"):
        file(world, record=served["booking"], instrument=world.published_a)
    assert not Complaint.objects.exists()


def test_anonymous_users_cannot_file(world):
    with pytest.raises(PermissionDenied):
        services.file_complaint(user=AnonymousUser(), unit=world.unit_a, subject="a", description="b")


# --- the lifecycle ----------------------------------------------------------------------------------------------


def test_accept_resolve_confirm_with_an_event_and_a_message_at_every_step(world, served):
    complaint = file(world, instrument=served["instrument"])
    Notification.objects.all().delete()
    complaint = step(complaint, "accept", "manager_a", world)
    assert complaint.status == S.IN_PROGRESS
    assert told() == {"company"}
    complaint = step(complaint, "resolve", "unit_admin_a", world, "已补发报告并致歉。")
    assert complaint.status == S.RESOLVED and complaint.outcome == "已补发报告并致歉。"
    assert complaint.resolved_at is not None and complaint.auto_close_on is not None
    complaint = step(complaint, "confirm", "external_user", world)
    assert complaint.status == S.CLOSED
    actions = list(events(complaint).values_list("action", "from_state", "to_state"))
    assert actions == [
        ("file", "", "open"),
        ("accept", "open", "in_progress"),
        ("resolve", "in_progress", "resolved"),
        ("confirm", "resolved", "closed"),
    ]
    assert told(subject__contains="确认办结") == {"admin_a", "manager_a"}
    assert services.available_actions(complaint, access_for(world.users["external_user"])) == []


def test_resolving_needs_an_outcome(world):
    complaint = step(file(world), "accept", "unit_admin_a", world)
    with pytest.raises(ValidationError) as caught:
        step(complaint, "resolve", "unit_admin_a", world, "   ")
    assert caught.value.message_dict == {"comment": ["办结时须填写处理结果。"]}
    complaint.refresh_from_db()
    assert complaint.status == S.IN_PROGRESS and events(complaint).count() == 2


def test_the_department_comments_and_may_resolve_even_before_the_unit_accepts(world):
    complaint = file(world)
    Notification.objects.all().delete()
    step(complaint, "comment", "department_admin_a", world, "请单位三日内联系投诉人。")
    assert told() == {"company", "admin_a"}
    note = events(complaint).last()
    assert (note.action, note.from_state, note.to_state) == ("comment", S.OPEN, S.OPEN)
    assert note.comment == "请单位三日内联系投诉人。"
    assert [row["action_label"] for row in services.history(complaint)] == ["提交投诉", "补充意见"]
    with pytest.raises(PermissionDenied):
        step(complaint, "resolve", "unit_admin_a", world, "已处理")  # the unit accepts first
    complaint = step(complaint, "resolve", "department_admin_a", world, "经核实，已责成单位退还多收费用。")
    assert complaint.status == S.RESOLVED
    with pytest.raises(PermissionDenied):
        step(complaint, "confirm", "department_admin_a", world)


def test_the_complainant_may_reopen_once_with_a_reason(world):
    with local_time(2026, 9, 1):
        complaint = step(
            step(file(world), "accept", "unit_admin_a", world), "resolve", "unit_admin_a", world, "已处理"
        )
    with pytest.raises(ValidationError, match="说明理由"):
        step(complaint, "reopen", "external_user", world)
    with local_time(2026, 9, 30):
        complaint = step(complaint, "reopen", "external_user", world, "报告仍有错误。")
    assert complaint.status == S.IN_PROGRESS and complaint.reopened_at is not None
    assert complaint.outcome == "" and complaint.auto_close_on is None
    assert complaint.due_on == dt.date(2026, 10, 20), "a fresh handling period"
    complaint = step(complaint, "resolve", "unit_admin_a", world, "已重新出具报告。")
    assert "reopen" not in services.available_actions(complaint, access_for(world.users["external_user"]))
    with pytest.raises(ValidationError, match="只能要求重新办理一次"):
        step(complaint, "reopen", "external_user", world, "还是不满意")
    complaint.refresh_from_db()
    assert complaint.status == S.RESOLVED


@pytest.mark.parametrize(
    "who, action",
    [
        ("external_user", "accept"),
        ("technician_a", "accept"),
        ("officer_a", "accept"),
        ("unit_admin_b", "accept"),
        ("department_admin_b", "comment"),
        ("department_admin_a", "accept"),
        ("manager_a", "comment"),  # the complaint names no instrument of theirs
    ],
)
def test_only_the_right_side_takes_each_step(world, who, action):
    complaint = file(world)
    with pytest.raises(PermissionDenied):
        step(complaint, action, who, world, "意见")
    complaint.refresh_from_db()
    assert complaint.status == S.OPEN and events(complaint).count() == 1


def test_steps_out_of_order_and_unknown_steps_are_refused(world):
    complaint = file(world)
    with pytest.raises(ValidationError, match="待处理"):
        step(complaint, "confirm", "external_user", world)
    with pytest.raises(ValidationError, match="未知操作"):
        step(complaint, "delete", "platform_admin", world)
    with pytest.raises(ValidationError, match="不能超过 3000 字"):
        step(complaint, "comment", "external_user", world, "长" * 3001)
    assert events(complaint).count() == 1


# --- who sees what ----------------------------------------------------------------------------------------------


@pytest.fixture
def complaints(world, served):
    """One complaint about unit A's instrument, one about unit A in general, one about unit B."""
    other = UserFactory()
    return {
        "a_instrument": file(world, instrument=served["instrument"]),
        "a_unit": services.file_complaint(user=other, unit=world.unit_a, subject="态度差", description="…"),
        "b": services.file_complaint(user=other, unit=world.unit_b, subject="预约被取消", description="…"),
    }


@pytest.mark.parametrize(
    "who, expected",
    [
        ("anonymous", set()),
        ("platform_admin", {"a_instrument", "a_unit", "b"}),
        ("department_admin_a", {"a_instrument", "a_unit"}),
        ("department_admin_b", {"b"}),
        ("unit_admin_a", {"a_instrument", "a_unit"}),
        ("manager_a", {"a_instrument"}),
        ("officer_a", set()),
        ("technician_a", set()),
        ("unit_admin_b", {"b"}),
        ("external_user", {"a_instrument"}),
        ("expert", set()),
        ("evaluator", set()),
    ],
)
def test_each_role_sees_exactly_its_complaints(world, complaints, who, expected):
    visible = set(services.visible_complaints(access_for(world.users[who])).values_list("pk", flat=True))
    assert visible == {complaints[key].pk for key in expected}


# --- deadlines --------------------------------------------------------------------------------------------------


def test_an_overdue_complaint_is_escalated_once_to_the_unit_and_department(world, served):
    with local_time(2026, 9, 30):
        late = file(world, instrument=served["instrument"])
        handled = step(
            step(file(world), "accept", "unit_admin_a", world), "resolve", "unit_admin_a", world, "已办结"
        )
    Notification.objects.all().delete()
    assert services.remind_overdue_complaints(dt.date(2026, 10, 20)) == 0, "the last day is not overdue yet"
    assert services.remind_overdue_complaints(dt.date(2026, 10, 21)) == 1
    late.refresh_from_db()
    assert late.escalated_at is not None and late.is_overdue
    assert told() == {"admin_a", "manager_a", "dept_a"}
    assert events(late).filter(action=ComplaintAction.ESCALATE).count() == 1
    assert services.remind_overdue_complaints(dt.date(2026, 10, 22)) == 0, "one reminder only"
    assert Notification.objects.count() == 3
    handled.refresh_from_db()
    assert handled.escalated_at is None


def test_resolved_complaints_close_themselves_when_the_complainant_stays_silent(world):
    with local_time(2026, 9, 30):
        complaint = step(
            step(file(world), "accept", "unit_admin_a", world), "resolve", "unit_admin_a", world, "已办结"
        )
    assert complaint.auto_close_on == dt.date(2026, 10, 20)
    assert services.close_unconfirmed_complaints(dt.date(2026, 10, 19)) == 0
    assert services.close_unconfirmed_complaints(dt.date(2026, 10, 20)) == 1
    complaint.refresh_from_db()
    assert complaint.status == S.CLOSED
    event = events(complaint).last()
    assert (event.action, event.actor) == (ComplaintAction.AUTO_CLOSE, None)
    assert (event.from_state, event.to_state) == (S.RESOLVED, S.CLOSED)
    assert "company" in told(subject__contains="自动关闭")


def test_the_daily_task_runs_both(world):
    file(world)
    Complaint.objects.update(due_on=dt.date(2020, 1, 1))
    assert complaint_deadlines.call_local() == {"reminded": 1, "closed": 0}
    assert complaint_deadlines.call_local() == {"reminded": 0, "closed": 0}
    assert AuditEvent.objects.for_model(Complaint).filter(action=ComplaintAction.ESCALATE).count() == 1


def test_numbers_of_a_busy_day_stay_unique(world):
    unit = OrganizationFactory(supervising_department=world.department_a)
    with local_time(2026, 3, 2):
        numbers = [
            services.file_complaint(user=UserFactory(), unit=unit, subject="s", description="d").number
            for _ in range(12)
        ]
    assert numbers == [f"TS20260302{n:04d}" for n in range(1, 13)]


def test_completed_order_complaint_links_the_order(world, served):
    order = completed_order(served["instrument"], world.users["external_user"])
    complaint = file(world, unit=None, record=order)
    assert complaint.unit == world.unit_a and complaint.record == order


def test_numbering_continues_after_complaints_loaded_by_other_means(world):
    with local_time(2026, 3, 2):
        first = file(world)
    Complaint.objects.filter(pk=first.pk).update(number="TS202603020041")
    DailySequence.objects.all().delete()  # e.g. demo data written straight to the table
    with local_time(2026, 3, 2):
        assert file(world).number == "TS202603020042"


def test_the_confirmation_period_is_the_deployments_policy(world, served):
    Deployment.objects.update_or_create(pk=1, defaults={"complaint_confirmation_working_days": 2})
    complaint = file(world, instrument=served["instrument"])
    with local_time(2026, 9, 30):
        services.transition(complaint, ComplaintAction.ACCEPT, actor=world.users["unit_admin_a"])
        resolved = services.transition(
            complaint,
            ComplaintAction.RESOLVE,
            actor=world.users["unit_admin_a"],
            comment="已更换样品托",
            upheld=True,
        )
    assert resolved.auto_close_on == dt.date(2026, 10, 9)  # two working days after the National Day week


def test_resolving_decides_whether_the_complaint_is_upheld_and_reopening_clears_it(world, served):
    complaint = step(file(world, instrument=served["instrument"]), "accept", "unit_admin_a", world)
    with pytest.raises(ValidationError) as raised:
        step(complaint, "resolve", "unit_admin_a", world, "已处理", upheld=None)
    assert raised.value.message_dict == {"upheld": ["办结时须认定投诉是否成立。"]}
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.IN_PROGRESS and complaint.upheld is None
    complaint = step(complaint, "resolve", "unit_admin_a", world, "经核实投诉不属实。", upheld=False)
    assert complaint.upheld is False
    complaint = step(complaint, "reopen", "external_user", world, "并未核实。")
    assert complaint.upheld is None
