"""The registration workflow, as the people in each role experience it."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from yiqi.accounts.access import access_for
from yiqi.core.models import AuditEvent
from yiqi.notifications.models import Notification
from yiqi.organizations.tests.factories import DeploymentFactory
from yiqi.registry import services
from yiqi.registry.models import Instrument, RegistrationAction
from yiqi.registry.models import RegistrationStatus as S
from yiqi.registry.tests.factories import InstrumentFactory

A = RegistrationAction


def act(world, who, instrument, action, comment=""):
    user = world.users[who]
    return services.transition(instrument.pk, action, access=access_for(user), user=user, comment=comment)


def test_mandatory_instrument_goes_from_draft_to_published(world, django_capture_on_commit_callbacks):
    instrument = world.draft_a
    with django_capture_on_commit_callbacks(execute=True):
        assert act(world, "officer_a", instrument, A.SUBMIT).registration_status == S.SUBMITTED
    assert Notification.objects.filter(recipient=world.users["unit_admin_a"]).exists()
    assert act(world, "unit_admin_a", instrument, A.CONFIRM).registration_status == S.AWAITING_AUTHORITY
    published = act(world, "platform_admin", instrument, A.APPROVE)
    assert published.registration_status == S.PUBLISHED
    assert published.published_at is not None
    assert [e.action for e in AuditEvent.objects.for_object(instrument)] == [A.SUBMIT, A.CONFIRM, A.APPROVE]
    assert mail.outbox, "the unit admin is emailed when a record awaits confirmation"


def test_voluntary_instrument_needs_the_supervising_department(world):
    instrument = InstrumentFactory(unit=world.unit_a, original_value=Decimal("120000.00"))
    act(world, "officer_a", instrument, A.SUBMIT)
    assert act(world, "unit_admin_a", instrument, A.CONFIRM).registration_status == S.AWAITING_DEPARTMENT
    with pytest.raises(PermissionDenied):
        act(world, "department_admin_b", instrument, A.DEPARTMENT_APPROVE)
    assert (
        act(world, "department_admin_a", instrument, A.DEPARTMENT_APPROVE).registration_status
        == S.AWAITING_AUTHORITY
    )


def test_department_may_decline_with_a_reason_and_unit_may_apply_again(world):
    instrument = InstrumentFactory(unit=world.unit_a, original_value=Decimal("120000.00"))
    act(world, "officer_a", instrument, A.SUBMIT)
    act(world, "unit_admin_a", instrument, A.CONFIRM)
    with pytest.raises(ValidationError) as error:
        act(world, "department_admin_a", instrument, A.DEPARTMENT_DECLINE)
    assert "comment" in error.value.message_dict
    declined = act(
        world, "department_admin_a", instrument, A.DEPARTMENT_DECLINE, comment="使用率低，暂不纳入"
    )
    assert declined.registration_status == S.DECLINED
    assert act(world, "officer_a", instrument, A.SUBMIT).registration_status == S.SUBMITTED


def test_threshold_is_one_setting_away(world):
    instrument = InstrumentFactory(unit=world.unit_a, original_value=Decimal("250000.00"))
    deployment = DeploymentFactory()
    act(world, "officer_a", instrument, A.SUBMIT)
    deployment.value_threshold = Decimal("200000")
    deployment.save()
    assert act(world, "unit_admin_a", instrument, A.CONFIRM).registration_status == S.AWAITING_AUTHORITY


def test_authority_returns_with_reasons_and_the_unit_sees_them(world):
    instrument = world.draft_a
    act(world, "officer_a", instrument, A.SUBMIT)
    act(world, "unit_admin_a", instrument, A.CONFIRM)
    returned = act(world, "platform_admin", instrument, A.RETURN, comment="技术指标填写不完整")
    assert returned.registration_status == S.RETURNED
    assert AuditEvent.objects.for_object(returned).last().comment == "技术指标填写不完整"
    assert Notification.objects.filter(
        recipient=world.users["officer_a"], subject__contains="已退回"
    ).exists()


@pytest.mark.parametrize(
    "who, action",
    [
        ("manager_a", A.SUBMIT),
        ("technician_a", A.SUBMIT),
        ("unit_admin_b", A.SUBMIT),
        ("external_user", A.SUBMIT),
        ("department_admin_a", A.SUBMIT),
    ],
)
def test_only_the_units_editors_may_submit(world, who, action):
    with pytest.raises(PermissionDenied):
        act(world, who, world.draft_a, action)
    world.draft_a.refresh_from_db()
    assert world.draft_a.registration_status == S.DRAFT


def test_actions_in_the_wrong_state_are_refused_and_change_nothing(world):
    with pytest.raises(ValidationError):
        act(world, "platform_admin", world.draft_a, A.APPROVE)
    with pytest.raises(ValidationError):
        act(world, "officer_a", world.published_a, A.SUBMIT)
    assert not AuditEvent.objects.for_model(Instrument).exists()


def test_officer_cannot_confirm_their_own_submission(world):
    act(world, "officer_a", world.draft_a, A.SUBMIT)
    with pytest.raises(PermissionDenied):
        act(world, "officer_a", world.draft_a, A.CONFIRM)


def test_incomplete_record_cannot_be_submitted(world):
    instrument = world.draft_a
    type(instrument).objects.filter(pk=instrument.pk).update(technical_indicators="")
    with pytest.raises(ValidationError) as error:
        act(world, "officer_a", instrument, A.SUBMIT)
    assert "technical_indicators" in error.value.message_dict


def test_available_actions_follow_role_and_state(world):
    draft = world.draft_a
    assert [t.action for t in services.available_actions(access_for(world.users["officer_a"]), draft)] == [
        A.SUBMIT
    ]
    assert services.available_actions(access_for(world.users["platform_admin"]), draft) == []
    act(world, "officer_a", draft, A.SUBMIT)
    draft.refresh_from_db()
    actions = [t.action for t in services.available_actions(access_for(world.users["unit_admin_a"]), draft)]
    assert actions == [A.CONFIRM, A.RETURN]


def test_history_keeps_every_change_with_its_reason(world):
    instrument = world.draft_a
    instrument.model_spec = "JSM-IT800"
    services.save_instrument(
        instrument, access=access_for(world.users["officer_a"]), user=world.users["officer_a"]
    )
    act(world, "officer_a", instrument, A.SUBMIT)
    records = list(instrument.history.order_by("history_date", "history_id"))
    assert [r.history_type for r in records] == ["+", "~", "~"]
    assert records[1].diff_against(records[0]).changed_fields == ["model_spec"]
    assert records[2].history_change_reason.startswith("提交")
