"""Resources are registered like instruments: the same steps, taken by the same people, one audit event each; a
published record can be withdrawn and sent round again."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yiqi.accounts.access import access_for
from yiqi.core.models import AuditEvent
from yiqi.resources import services
from yiqi.resources.models import ResourceStatus

from .factories import ResourceFactory


def draft(world, **fields):
    return ResourceFactory(unit=world.unit, status=ResourceStatus.DRAFT, published_at=None, **fields)


def step(resource, action, user, comment=""):
    return services.act(resource, action, access=access_for(user), actor=user, comment=comment)


def test_the_registration_steps_and_who_takes_them(world):
    resource = draft(world)
    for refused_user, action in ((world.requester, "submit"), (world.other_admin, "submit")):
        with pytest.raises(PermissionDenied):
            step(resource, action, refused_user)
    resource = step(resource, "submit", world.officer)
    assert resource.status == ResourceStatus.SUBMITTED
    with pytest.raises(PermissionDenied):
        step(resource, "confirm", world.officer)  # the unit admin confirms
    with pytest.raises(ValidationError):
        step(resource, "approve", world.authority)  # not yet the authority's turn
    resource = step(resource, "confirm", world.admin)
    assert resource.status == ResourceStatus.AWAITING_DEPARTMENT
    with pytest.raises(PermissionDenied):
        step(resource, "department_approve", world.other_department)  # not its department
    resource = step(resource, "department_approve", world.department)
    assert resource.status == ResourceStatus.AWAITING_AUTHORITY
    with pytest.raises(PermissionDenied):
        step(resource, "approve", world.admin)
    resource = step(resource, "approve", world.authority)
    assert resource.status == ResourceStatus.PUBLISHED and resource.published_at
    trail = services.MACHINE.history(resource)
    assert [row["action"] for row in trail] == ["submit", "confirm", "department_approve", "approve"]
    assert [row["to_state"] for row in trail][-1] == "published"
    assert AuditEvent.objects.for_object(resource).count() == 4  # one per step


def test_returns_and_declines_need_a_reason_and_go_back_to_the_unit(world):
    resource = step(draft(world), "submit", world.officer)
    with pytest.raises(ValidationError, match="理由"):
        step(resource, "return", world.admin)
    resource = step(resource, "return", world.admin, "请补充数据格式说明")
    assert resource.status == ResourceStatus.RETURNED
    resource = step(step(step(resource, "submit", world.officer), "confirm", world.admin), "department_decline",
                    world.department, "不属于本省开放范围")  # fmt: skip
    assert resource.status == ResourceStatus.DECLINED and services.can_edit(
        access_for(world.officer), resource
    )
    assert step(resource, "submit", world.officer).status == ResourceStatus.SUBMITTED


def test_withdrawing_a_published_record_and_sending_it_round_again(world):
    resource = ResourceFactory(unit=world.unit)
    assert [s.action for s in services.allowed_actions(access_for(world.admin), resource)] == ["withdraw"]
    assert services.allowed_actions(access_for(world.officer), resource) == []
    with pytest.raises(PermissionDenied):
        step(resource, "withdraw", world.officer, "数据更正")
    resource = step(resource, "withdraw", world.admin, "数据更正中")
    assert resource.status == ResourceStatus.WITHDRAWN
    assert services.request_refusal(access_for(world.requester), resource)  # no longer requestable
    assert not services.visible_resources(access_for(world.stranger)).filter(pk=resource.pk).exists()
    assert step(resource, "submit", world.officer).status == ResourceStatus.SUBMITTED


def test_unit_resources_for_the_census(world):
    published = ResourceFactory(unit=world.unit)
    in_review = ResourceFactory(unit=world.unit, status=ResourceStatus.AWAITING_AUTHORITY, published_at=None)
    draft(world)
    ResourceFactory(unit=world.unit, status=ResourceStatus.WITHDRAWN)
    ResourceFactory()  # another unit's
    assert set(services.unit_resources(world.unit)) == {published, in_review}


def test_the_review_list_of_a_department_shows_its_units_records_in_a_state(world, client_for):
    waiting = ResourceFactory(
        unit=world.unit, name="待审数据集甲", status=ResourceStatus.AWAITING_DEPARTMENT, published_at=None
    )
    elsewhere = ResourceFactory(
        name="他厅数据集乙", status=ResourceStatus.AWAITING_DEPARTMENT, published_at=None
    )
    page = client_for(world.department).get("/resources/mine/", {"status": "awaiting_department"})
    assert page.status_code == 200
    assert waiting.name in page.content.decode() and elsewhere.name not in page.content.decode()
    assert client_for(world.requester).get("/resources/mine/").status_code == 403
