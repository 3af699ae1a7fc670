"""Bulk actions of the review queue: many records, one comment, each still through the workflow."""

import pytest
from django.urls import reverse

from yiqi.core.models import AuditEvent
from yiqi.core.workflow import BULK_LIMIT
from yiqi.registry.models import Instrument, RegistrationAction
from yiqi.registry.models import RegistrationStatus as S
from yiqi.registry.tests.factories import InstrumentFactory

A = RegistrationAction


@pytest.fixture
def awaiting(world):
    return [
        InstrumentFactory(unit=world.unit_a, registration_status=S.AWAITING_AUTHORITY, name=f"待批{n}")
        for n in range(3)
    ]


def bulk(client, ids, action, comment=""):
    return client.post(
        reverse("registry:review_bulk"), {"ids": ids, "action": action, "comment": comment}, follow=True
    )


def texts(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_authority_approves_many_with_one_comment_each_audited(world, client_for, awaiting):
    client = client_for(world.users["platform_admin"])
    queue = client.get(reverse("registry:review_queue"))
    assert 'data-bulk-action="approve"' in queue.text and 'form="bulk-review"' in queue.text

    response = bulk(client, [i.pk for i in awaiting], A.APPROVE, "材料齐全")

    assert texts(response) == ["已处理 3 条。"]
    for instrument in awaiting:
        instrument.refresh_from_db()
        assert instrument.registration_status == S.PUBLISHED and instrument.published_at
        events = list(AuditEvent.objects.for_object(instrument))
        assert [(e.action, e.comment, e.actor) for e in events] == [
            (A.APPROVE, "材料齐全", world.users["platform_admin"])
        ]


def test_refusals_are_reported_per_record_and_the_others_go_on(world, client_for, awaiting):
    draft = world.draft_a  # not awaiting the authority
    response = bulk(client_for(world.users["platform_admin"]), [awaiting[0].pk, draft.pk], A.APPROVE)
    messages = texts(response)
    assert messages[0] == "已处理 1 条。"
    assert messages[1].startswith(f"{draft.name}（{draft.asset_number}）：未处理") and "草稿" in messages[1]
    assert Instrument.objects.get(pk=awaiting[0].pk).registration_status == S.PUBLISHED
    assert Instrument.objects.get(pk=draft.pk).registration_status == S.DRAFT
    assert not AuditEvent.objects.for_object(draft).exists()


def test_returning_many_needs_the_one_reason(world, client_for, awaiting):
    client = client_for(world.users["platform_admin"])
    response = bulk(client, [i.pk for i in awaiting], A.RETURN)
    assert texts(response) == ["退回或不同意时须填写理由。"]
    assert set(
        Instrument.objects.filter(pk__in=[i.pk for i in awaiting]).values_list(
            "registration_status", flat=True
        )
    ) == {S.AWAITING_AUTHORITY}

    bulk(client, [i.pk for i in awaiting], A.RETURN, "请补充照片")
    for instrument in awaiting:
        assert Instrument.objects.get(pk=instrument.pk).registration_status == S.RETURNED
        assert AuditEvent.objects.for_object(instrument).get().comment == "请补充照片"


def test_a_unit_admin_cannot_approve_for_the_authority(world, client_for, awaiting):
    response = bulk(client_for(world.users["unit_admin_a"]), [awaiting[0].pk], A.APPROVE)
    assert "您无权执行此操作" in texts(response)[0]
    assert Instrument.objects.get(pk=awaiting[0].pk).registration_status == S.AWAITING_AUTHORITY


def test_records_outside_the_users_scope_are_not_touched(world, client_for):
    submitted_b = InstrumentFactory(unit=world.unit_b, registration_status=S.SUBMITTED)
    response = bulk(client_for(world.users["unit_admin_a"]), [submitted_b.pk], A.CONFIRM)
    assert "已处理" not in " ".join(texts(response))
    assert Instrument.objects.get(pk=submitted_b.pk).registration_status == S.SUBMITTED


@pytest.mark.parametrize(
    ("ids", "message"),
    [([], "请至少勾选一条记录"), (["x"], "所选记录无效"), (list(range(1, BULK_LIMIT + 2)), "一次最多处理")],
)
def test_bad_selections_are_refused_clearly(world, client_for, ids, message):
    response = bulk(client_for(world.users["platform_admin"]), ids, A.APPROVE)
    assert response.status_code == 200 and message in texts(response)[0]


def test_an_unknown_action_is_refused(world, client_for, awaiting):
    response = bulk(client_for(world.users["platform_admin"]), [awaiting[0].pk], "explode")
    assert "未知操作" in texts(response)[0]


def test_anonymous_must_log_in(client, awaiting):
    response = client.post(reverse("registry:review_bulk"), {"ids": [awaiting[0].pk], "action": A.APPROVE})
    assert response.status_code == 302 and "login" in response["Location"]
    assert Instrument.objects.get(pk=awaiting[0].pk).registration_status == S.AWAITING_AUTHORITY
