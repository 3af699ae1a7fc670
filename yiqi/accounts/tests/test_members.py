"""A unit admin's members page: deciding many join requests at once."""

import pytest
from django.urls import reverse

from yiqi.accounts import membership
from yiqi.accounts.access import access_for
from yiqi.accounts.models import JoinRequest, Role
from yiqi.accounts.tests.factories import UserFactory, user_with_role
from yiqi.core.models import AuditEvent
from yiqi.organizations.tests.factories import OrganizationFactory


@pytest.fixture
def unit(db):
    return OrganizationFactory(name="西北测试大学")


@pytest.fixture
def admin(unit):
    return user_with_role(Role.UNIT_ADMIN, organization=unit, username="unitadmin")


def requests_to(unit, count):
    return [
        membership.request_to_join(user=UserFactory(full_name=f"申请人{n}"), organization=unit)
        for n in range(count)
    ]


def decide(client, ids, action, comment=""):
    return client.post(
        reverse("accounts:join_request_bulk"), {"ids": ids, "action": action, "comment": comment}, follow=True
    )


def texts(response):
    return [str(m) for m in response.context["messages"]]


def test_the_unit_admin_approves_many_with_one_comment(client, unit, admin):
    pending = requests_to(unit, 3)
    client.force_login(admin)
    page = client.get(reverse("accounts:members"))
    assert 'form="bulk-join"' in page.text and 'data-select-all="ids"' in page.text

    response = decide(client, [r.pk for r in pending], "approve", "欢迎加入")

    assert texts(response) == ["已处理 3 份申请。"]
    for join_request in pending:
        join_request.refresh_from_db()
        assert join_request.status == JoinRequest.Status.APPROVED
        assert unit.pk in access_for(join_request.user).member_organization_ids
        event = AuditEvent.objects.for_object(join_request).get(action="approve")
        assert (event.actor, event.comment) == (admin, "欢迎加入")


def test_requests_to_another_unit_are_left_alone(client, unit, admin):
    other = OrganizationFactory()
    (mine,) = requests_to(unit, 1)
    (theirs,) = requests_to(other, 1)
    client.force_login(admin)
    decide(client, [mine.pk, theirs.pk], "reject")
    assert JoinRequest.objects.get(pk=mine.pk).status == JoinRequest.Status.REJECTED
    assert JoinRequest.objects.get(pk=theirs.pk).status == JoinRequest.Status.PENDING


def test_an_already_decided_request_is_reported_and_the_others_go_on(client, unit, admin):
    first, second = requests_to(unit, 2)
    membership.decide_join_request(first, "reject", actor=admin)
    outcome = membership.decide_join_requests([first.pk, second.pk], "approve", actor=admin)
    # A decided request leaves the pending list, so only the other one is decided.
    assert [r.pk for r in outcome.done] == [second.pk] and not outcome.refused
    assert JoinRequest.objects.get(pk=first.pk).status == JoinRequest.Status.REJECTED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "approve"}, "请至少勾选一条记录"),
        ({"ids": ["1"], "action": "explode"}, "未知操作"),
    ],
)
def test_bad_input_is_refused_clearly(client, unit, admin, data, message):
    client.force_login(admin)
    response = client.post(reverse("accounts:join_request_bulk"), data, follow=True)
    assert response.status_code == 200 and message in " ".join(texts(response))


def test_the_unit_admins_workspace_links_to_inviting_staff(client, admin):
    client.force_login(admin)
    page = client.get(reverse("portal:workspace"))
    assert reverse("accounts:members") in page.text and reverse("accounts:setup") not in page.text
