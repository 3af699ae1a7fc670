"""A data set is registered, found, requested, approved, delivered and rated; the requests stay with the parties."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from yiqi.accounts.access import access_for
from yiqi.feedback import services as feedback
from yiqi.resources import services
from yiqi.resources.models import RequestStatus, Resource, ResourceStatus
from yiqi.servicerecords.models import ServiceKind, ServiceStatus

from .factories import ResourceFactory, germplasm_bank

DATASET_FORM = {
    "name": "秦岭生物多样性调查数据",
    "subject": "生态学",
    "keywords": "秦岭 物种",
    "access_level": "on_application",
    "time_coverage": "2015–2024",
    "space_coverage": "陕西秦岭",
    "data_format": "CSV",
    "data_size": "3 万条",
    "licence": "cc-by-4.0",
    "doi": "10.12345/qinling.2024",
}


def test_a_data_set_from_registration_to_rating(world, client_for, django_capture_on_commit_callbacks):
    officer, admin, requester = (
        client_for(world.officer),
        client_for(world.admin),
        client_for(world.requester),
    )
    response = officer.post(reverse("resources:create") + "?kind=dataset", DATASET_FORM)
    assert response.status_code == 302
    resource = Resource.objects.get(name="秦岭生物多样性调查数据")
    assert resource.status == ResourceStatus.DRAFT and resource.unit == world.unit
    # A draft is the unit's own: the public does not find it.
    assert client_for(world.stranger).get(reverse("resources:detail", args=[resource.pk])).status_code == 404

    # The instruments' registration workflow: the unit confirms, its department agrees, the authority publishes.
    with django_capture_on_commit_callbacks(execute=True):  # the catalogue indexes it once it is committed
        publish(resource, world, client_for)
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.PUBLISHED and resource.published_at

    found = requester.get(reverse("resources:list"), {"q": "秦岭", "kind": "dataset"}, follow=True)
    assert resource.name in found.content.decode()
    assert "CC BY 4.0" in found.content.decode()  # the licence facet

    response = requester.post(
        reverse("resources:request", args=[resource.pk]), {"purpose": "物种分布建模", "quantity": 1}
    )
    made = resource.requests.get()
    assert response.status_code == 302 and made.status == RequestStatus.REQUESTED
    assert made.record.kind == ServiceKind.RESOURCE_SUPPLY and made.record.unit_id == world.unit.pk
    assert made.record.instrument_id is None and made.record.status == ServiceStatus.OPEN
    # Only the parties see the request.
    detail = reverse("resources:request_detail", args=[made.pk])
    assert client_for(world.stranger).get(detail).status_code == 404
    assert client_for(world.other_admin).get(detail).status_code == 404
    assert made.number not in client_for(world.stranger).get(reverse("resources:requests")).content.decode()

    act = reverse("resources:request_act", args=[made.pk])
    requester.post(act, {"action": "approve"})  # the requester cannot approve their own request
    made.refresh_from_db()
    assert made.status == RequestStatus.REQUESTED
    admin.post(act, {"action": "approve", "comment": "同意，限科研使用"})
    admin.post(act, {"action": "deliver"})  # neither note nor link: refused
    made.refresh_from_db()
    assert made.status == RequestStatus.APPROVED
    admin.post(act, {"action": "deliver", "delivery_link": "https://data.example.cn/dl/abc"})
    made.refresh_from_db()
    made.record.refresh_from_db()
    assert made.status == RequestStatus.DELIVERED and made.delivered_at
    assert made.record.status == ServiceStatus.COMPLETED
    page = requester.get(detail).content.decode()
    assert "https://data.example.cn/dl/abc" in page

    rating = feedback.rate(
        user=world.requester, record=made.record, overall=5, timeliness=4, attitude=5, result_quality=5
    )
    assert rating.instrument is None and rating.unit_id == world.unit.pk
    assert requester.get(reverse("feedback:rate", args=[made.record.pk])).status_code == 200
    feedback.reply(rating, actor=world.admin, text="感谢使用")


def publish(resource, world, client_for) -> None:
    """Take a draft through every registration step on the pages, by the people whose step it is."""
    act = reverse("resources:act", args=[resource.pk])
    for user, action in (
        (world.officer, "submit"),
        (world.admin, "confirm"),
        (world.department, "department_approve"),
        (world.authority, "approve"),
    ):
        client_for(user).post(act, {"action": action})


def test_a_declined_sample_request_closes_its_record(world):
    bank = germplasm_bank(unit=world.unit)
    made = services.request_resource(
        bank, access=access_for(world.requester), user=world.requester, purpose="抗旱育种", quantity=20
    )
    assert made.record.sample_count == 20
    with pytest.raises(Exception, match="理由"):
        services.decide(made, "decline", access=access_for(world.admin), actor=world.admin)
    services.decide(made, "decline", access=access_for(world.admin), actor=world.admin, comment="库存不足")
    made.record.refresh_from_db()
    assert made.record.status == ServiceStatus.CLOSED


def test_bad_input_is_refused_with_nothing_saved(world, client_for):
    officer = client_for(world.officer)
    response = officer.post(
        reverse("resources:create") + "?kind=dataset", {**DATASET_FORM, "licence": "all-rights-mine"}
    )
    assert response.status_code == 200 and "licence" in response.context["form"].errors
    response = officer.post(reverse("resources:create") + "?kind=dataset", {**DATASET_FORM, "doi": ""})
    assert "须填写 DOI 或访问地址" in response.content.decode()
    for field, value in (
        ("doi", "doi:12345"),
        ("doi", "10.12/x"),
        ("landing_url", "ftp://data.example.cn/x"),
    ):
        response = officer.post(reverse("resources:create") + "?kind=dataset", {**DATASET_FORM, field: value})
        assert field in response.context["form"].errors, (field, value)
    response = officer.post(
        reverse("resources:create") + "?kind=natural", {"name": "标本馆", "access_level": "open"}
    )
    assert "collection" in response.context["form"].errors
    assert not Resource.objects.exists()
    # The database refuses a licence outside the list, a data set without one, and a published data set with
    # neither DOI nor landing URL, whatever the code does.
    for licence in ("gpl", ""):
        with pytest.raises(IntegrityError), transaction.atomic():
            ResourceFactory(unit=world.unit, licence=licence)
    with pytest.raises(IntegrityError), transaction.atomic():
        ResourceFactory(unit=world.unit, doi="", landing_url="")


def test_restricted_and_unpublished_resources_cannot_be_requested(world, client_for):
    restricted = ResourceFactory(unit=world.unit, access_level="restricted")
    draft = ResourceFactory(unit=world.unit, status=ResourceStatus.DRAFT, published_at=None)
    requester = client_for(world.requester)
    response = requester.post(
        reverse("resources:request", args=[restricted.pk]), {"purpose": "x", "quantity": 1}
    )
    assert response.status_code == 200 and not restricted.requests.exists()
    assert requester.post(reverse("resources:request", args=[draft.pk]), {"purpose": "x"}).status_code == 404
    # Other units' staff neither see nor edit a unit's resources.
    assert (
        client_for(world.other_admin).get(reverse("resources:edit", args=[restricted.pk])).status_code == 403
    )
