"""The one state machine: declared transitions, refusals, and exactly one audit event per step."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yiqi.core.models import AuditEvent
from yiqi.core.workflow import StateMachine, Transition
from yiqi.registry.models import Instrument, RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory

S = RegistrationStatus

MACHINE = StateMachine(
    Instrument,
    [
        Transition("submit", "提交", (S.DRAFT, S.RETURNED), S.SUBMITTED),
        Transition("return", "退回", (S.SUBMITTED,), S.RETURNED, needs_comment=True),
        Transition(
            "confirm",
            "确认",
            (S.SUBMITTED,),
            lambda instrument: (
                S.AWAITING_AUTHORITY if instrument.original_value > 1000000 else S.AWAITING_DEPARTMENT
            ),
        ),
    ],
    field="registration_status",
    comment_max_length=20,
)


@pytest.fixture
def draft(db):
    return InstrumentFactory(registration_status=S.DRAFT)


def test_a_step_moves_the_state_and_writes_one_audit_event(draft, django_user_model):
    actor = django_user_model.objects.create_user("clerk")
    moved = MACHINE.run(draft, "submit", actor=actor, comment=" 请审核 ")
    draft.refresh_from_db()
    assert moved.registration_status == draft.registration_status == S.SUBMITTED
    (event,) = AuditEvent.objects.for_object(draft)
    assert (event.action, event.from_state, event.to_state, event.actor, event.comment) == (
        "submit",
        S.DRAFT,
        S.SUBMITTED,
        actor,
        "请审核",
    )


def test_a_step_from_the_wrong_state_is_refused_and_changes_nothing(draft):
    with pytest.raises(ValidationError) as refused:
        MACHINE.run(draft, "return", actor=None, comment="缺少照片")
    assert "不能退回" in str(refused.value)
    draft.refresh_from_db()
    assert draft.registration_status == S.DRAFT
    assert not AuditEvent.objects.for_object(draft).exists()


def test_unknown_actions_missing_and_long_comments_are_field_errors(draft):
    with pytest.raises(ValidationError) as unknown:
        MACHINE.run(draft, "publish", actor=None)
    assert "action" in unknown.value.message_dict
    MACHINE.run(draft, "submit", actor=None)
    with pytest.raises(ValidationError) as missing:
        MACHINE.run(draft, "return", actor=None, comment="  ")
    assert "comment" in missing.value.message_dict
    with pytest.raises(ValidationError) as long:
        MACHINE.run(draft, "return", actor=None, comment="太长" * 20)
    assert "comment" in long.value.message_dict
    assert AuditEvent.objects.for_object(draft).count() == 1


def test_rights_are_checked_on_the_locked_row_before_anything_changes(draft):
    with pytest.raises(PermissionDenied):
        MACHINE.run(draft, "submit", actor=None, permitted=lambda obj, step: False)
    draft.refresh_from_db()
    assert draft.registration_status == S.DRAFT
    assert not AuditEvent.objects.exists()


def test_a_failing_preparation_rolls_the_step_back(draft):
    def prepare(obj, step):
        obj.name = "改过的名字"
        raise ValidationError({"name": ["不行"]})

    with pytest.raises(ValidationError):
        MACHINE.run(draft, "submit", actor=None, prepare=prepare)
    draft.refresh_from_db()
    assert draft.registration_status == S.DRAFT and draft.name != "改过的名字"
    assert not AuditEvent.objects.exists()


def test_branching_targets_and_available_actions(draft):
    MACHINE.run(draft, "submit", actor=None)
    draft.refresh_from_db()
    assert [t.action for t in MACHINE.available(draft)] == ["return", "confirm"]
    confirmed = MACHINE.run(draft, "confirm", actor=None)
    expected = S.AWAITING_AUTHORITY if draft.original_value > 1000000 else S.AWAITING_DEPARTMENT
    assert confirmed.registration_status == expected


def test_audit_events_outlive_their_object(draft):
    MACHINE.record_created(draft, actor=None)
    pk = draft.pk
    draft.delete()
    assert AuditEvent.objects.filter(object_id=pk, action="create").count() == 1


def test_history_is_plain_rows_with_labels(draft, django_user_model):
    actor = django_user_model.objects.create_user("clerk2", full_name="王五")
    MACHINE.record_created(draft, actor=actor)
    MACHINE.run(draft, "submit", actor=actor, comment="请审核")
    rows = MACHINE.history(draft)
    assert [(r["action"], r["action_label"], r["from_label"], r["to_label"]) for r in rows] == [
        ("create", "创建", "", str(S.DRAFT.label)),
        ("submit", "提交", str(S.DRAFT.label), str(S.SUBMITTED.label)),
    ]
    assert rows[1]["comment"] == "请审核" and rows[1]["actor_name"] == "王五"
