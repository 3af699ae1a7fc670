"""The people a round concerns hear of it once per event, in their own language."""

import pytest

from yiqi.accounts.access import access_for
from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import user_with_role
from yiqi.evaluation.models import NoticeEvent
from yiqi.evaluation.services import notices, rounds
from yiqi.experts.tests.factories import ExpertFactory
from yiqi.notifications.models import Notification
from yiqi.organizations.tests.factories import DepartmentFactory, OrganizationFactory

from .scene import open_round

pytestmark = pytest.mark.django_db


def subjects(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("subject", flat=True))


def test_units_experts_and_departments_hear_of_each_step_once(django_capture_on_commit_callbacks):
    authority = user_with_role(Role.PLATFORM_ADMIN)
    department = DepartmentFactory()
    unit = OrganizationFactory(supervising_department=department)  # no use at all: graded poor
    outsider = OrganizationFactory()
    officer = user_with_role(Role.INFORMATION_OFFICER, organization=unit)
    english = user_with_role(Role.UNIT_ADMIN, organization=unit, language="en")
    head = user_with_role(Role.DEPARTMENT_ADMIN, department=department)
    stranger = user_with_role(Role.UNIT_ADMIN, organization=outsider)
    expert = ExpertFactory()
    access = access_for(authority)

    with django_capture_on_commit_callbacks(execute=True):
        round_ = open_round(authority, [unit], year=2025, name="2025 年度评价")
    assert subjects(officer) == [f"评价轮次“2025 年度评价”已开启，请于 {round_.submission_due} 前提交自评"]
    assert subjects(english)[0].startswith("Evaluation round “2025 年度评价” is open")
    assert subjects(head) == [] and subjects(stranger) == []

    evaluation = round_.units.get()
    with django_capture_on_commit_callbacks(execute=True):
        rounds.assign_expert(access, evaluation, expert=expert, actor=authority)
    assert subjects(expert.user) == [f"请评议：{unit.name}（2025 年度评价）"]

    with django_capture_on_commit_callbacks(execute=True):
        rounds.start_scoring(access, round_, actor=authority)
        rounds.close(access, round_, actor=authority)
    assert len(subjects(officer)) == 1  # results are told when published, not when computed

    with django_capture_on_commit_callbacks(execute=True):
        rounds.publish(access, round_, actor=authority)
    poor = f"{unit.name} 在“2025 年度评价”中评为较差，须限期整改"
    assert subjects(officer)[1:] == ["评价轮次“2025 年度评价”结果已公布", poor]
    assert subjects(head) == [poor]
    assert "Results of evaluation round" in subjects(english)[1]

    with django_capture_on_commit_callbacks(execute=True):
        rounds.close_rectification(
            access, evaluation.rectification, actor=authority, report="已制定开放制度，机时明显增加"
        )
    decided = f"{unit.name} 在“2025 年度评价”后的限期整改已核定完成"
    assert subjects(head) == [poor, decided] and subjects(officer)[-1] == decided
    assert (
        Notification.objects.filter(recipient=head).latest("id").body
        == "整改情况：已制定开放制度，机时明显增加"
    )

    # A retried task sends nothing twice.
    before = Notification.objects.count()
    assert not notices.tell(NoticeEvent.RESULTS_PUBLISHED, round_.pk)
    assert not notices.tell(NoticeEvent.ROUND_OPENED, round_.pk)
    assert Notification.objects.count() == before
    assert subjects(stranger) == []
