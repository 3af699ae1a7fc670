"""Copy versus loan: a copy is delivered once; a loan is lent with a date to come back by, shows as overdue to the
unit when late, and is taken back. Requests and what is delivered stay with the parties."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.resources import services
from yiqi.resources.models import RequestShape, RequestStatus, ResourceRequest
from yiqi.servicerecords.models import ServiceStatus

from .factories import ResourceFactory, germplasm_bank, report


def ask(world, resource, **fields):
    return services.request_resource(
        resource, access=access_for(world.requester), user=world.requester, purpose="课题研究", **fields
    )


def decide(world, made, action, **fields):
    return services.decide(made, action, access=access_for(world.admin), actor=world.admin, **fields)


def test_each_kind_takes_its_own_shapes(world):
    assert ask(world, ResourceFactory(unit=world.unit)).shape == RequestShape.ACCESS
    assert ask(world, germplasm_bank(unit=world.unit)).shape == RequestShape.SAMPLE
    assert ask(world, report(unit=world.unit)).shape == RequestShape.COPY
    assert ask(world, report(unit=world.unit), shape="loan").shape == RequestShape.LOAN
    with pytest.raises(ValidationError) as refused:
        ask(world, ResourceFactory(unit=world.unit), shape="loan")  # a data set is not lent
    assert "shape" in refused.value.message_dict
    assert ResourceRequest.objects.count() == 4


def test_a_loan_is_lent_overdue_and_taken_back(world, client_for):
    made = decide(world, ask(world, report(unit=world.unit), shape="loan"), "approve")
    assert [s.action for s in services.request_actions(access_for(world.admin), made)] == ["lend"]
    with pytest.raises(ValidationError, match="交付"):
        decide(world, made, "deliver", delivery_note="纸本一册")  # a loan comes back: it is lent
    today = timezone.localdate()
    for bad in (None, today, today + dt.timedelta(days=400)):
        with pytest.raises(ValidationError) as refused:
            decide(world, made, "lend", delivery_note="纸本一册", due_back=bad)
        assert "due_back" in refused.value.message_dict
    made = decide(
        world, made, "lend", delivery_note="纸本一册，到馆自取", due_back=today + dt.timedelta(days=30)
    )
    assert made.status == RequestStatus.LENT and made.delivered_at and not made.is_overdue
    made.record.refresh_from_db()
    assert made.record.status == ServiceStatus.COMPLETED  # served: it may be rated

    # Thirty-one days on, the unit sees it overdue; the borrower's list shows it too, nobody else's does.
    ResourceRequest.objects.filter(pk=made.pk).update(due_back=today - dt.timedelta(days=1))
    assert list(services.overdue_loans(access_for(world.admin))) == [made]
    assert not services.overdue_loans(access_for(world.other_admin)).exists()
    page = client_for(world.admin).get(reverse("resources:requests")).content.decode()
    assert "逾期未还" in page and "?overdue=1" in page
    overdue_page = client_for(world.admin).get(reverse("resources:requests"), {"overdue": "1"})
    assert made.number in overdue_page.content.decode()

    made = decide(world, ResourceRequest.objects.get(pk=made.pk), "take_back", comment="完好归还")
    assert made.status == RequestStatus.RETURNED and made.returned_at and not made.is_overdue
    trail = [row["action"] for row in services.REQUESTS.history(made)]
    assert trail == ["create", "approve", "lend", "take_back"]  # request, decision, delivery, return


def test_a_copy_is_delivered_once(world):
    made = decide(world, ask(world, report(unit=world.unit)), "approve")
    assert [s.action for s in services.request_actions(access_for(world.admin), made)] == ["deliver"]
    made = decide(world, made, "deliver", delivery_link="https://lib.example.cn/copy/1")
    assert made.status == RequestStatus.DELIVERED and made.due_back is None
    assert services.request_actions(access_for(world.admin), made) == []
    with pytest.raises(ValidationError):
        decide(world, made, "take_back")


def test_requests_and_deliverables_are_the_parties_only(world, client_for):
    made = decide(world, ask(world, ResourceFactory(unit=world.unit)), "approve")
    made = decide(world, made, "deliver", delivery_link="https://data.example.cn/private/token-abc")
    detail = reverse("resources:request_detail", args=[made.pk])
    for outsider in (world.stranger, world.other_admin, world.department, world.other_department):
        assert client_for(outsider).get(detail).status_code == 404
        listing = client_for(outsider).get(reverse("resources:requests")).content.decode()
        assert made.number not in listing and "token-abc" not in listing
        assert not services.visible_requests(access_for(outsider)).exists()
    for party in (world.requester, world.admin, world.officer):
        assert "token-abc" in client_for(party).get(detail).content.decode()
    api = client_for(world.department).get(f"/api/v1/resource-requests/{made.pk}/")
    assert api.status_code == 404
    waiting = ask(world, ResourceFactory(unit=world.unit))
    for outsider in (world.stranger, world.department, world.officer):  # the unit's admins decide
        with pytest.raises(PermissionDenied):
            services.decide(waiting, "approve", access=access_for(outsider), actor=outsider)


def test_the_request_page_offers_copy_or_loan_for_a_report(world, client_for):
    item = report(unit=world.unit)
    requester = client_for(world.requester)
    page = requester.get(reverse("resources:request", args=[item.pk])).content.decode()
    assert 'value="loan"' in page and 'value="copy"' in page
    response = requester.post(
        reverse("resources:request", args=[item.pk]), {"shape": "loan", "purpose": "查阅", "quantity": 1}
    )
    assert response.status_code == 302 and item.requests.get().shape == RequestShape.LOAN
    response = requester.post(
        reverse("resources:request", args=[item.pk]), {"shape": "sample", "purpose": "查阅", "quantity": 1}
    )
    assert response.status_code == 200 and "shape" in response.context["form"].errors
