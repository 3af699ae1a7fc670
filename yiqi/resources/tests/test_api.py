"""The resource API: registration and requests over HTTP, field-level refusals, and lists whose query count does
not grow with their rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from yiqi.accounts.access import access_for
from yiqi.accounts.models import User
from yiqi.resources import services
from yiqi.resources.models import ResourceStatus

from .factories import ResourceFactory

API = "/api/v1"


def api_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_register_publish_request_and_deliver_over_the_api(world):
    officer, admin, requester = api_for(world.officer), api_for(world.admin), api_for(world.requester)
    response = officer.post(
        f"{API}/resources/",
        {"kind": "report", "name": "渭河流域水资源评价报告", "authors": "王伟", "year": 2024},
        format="json",
    )
    assert response.status_code == 400 and "publisher" in response.json()  # a report names its publisher
    response = officer.post(
        f"{API}/resources/",
        {
            "kind": "report",
            "name": "渭河流域水资源评价报告",
            "authors": "王伟",
            "year": 2024,
            "publisher": "省水利厅",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    act = f"{API}/resources/{pk}/act/"
    assert officer.post(act, {"action": "submit"}, format="json").status_code == 200
    assert officer.post(act, {"action": "confirm"}, format="json").status_code == 403  # the unit admin's step
    assert admin.post(act, {"action": "approve"}, format="json").status_code == 400  # not in this state
    assert admin.post(act, {"action": "confirm"}, format="json").json()["status"] == "awaiting_department"
    assert (
        api_for(world.department).post(act, {"action": "department_approve"}, format="json").status_code
        == 200
    )
    assert api_for(world.authority).post(act, {"action": "approve"}, format="json").json()["status"] == (
        ResourceStatus.PUBLISHED
    )
    assert api_for().get(f"{API}/resources/{pk}/").status_code == 200

    response = requester.post(
        f"{API}/resource-requests/", {"resource": pk, "purpose": "", "quantity": 1}, format="json"
    )
    assert response.status_code == 400 and "purpose" in response.json()
    response = requester.post(
        f"{API}/resource-requests/", {"resource": pk, "purpose": "课题调研", "quantity": 1}, format="json"
    )
    assert response.status_code == 201
    request_pk = response.json()["id"]
    assert api_for(world.stranger).get(f"{API}/resource-requests/{request_pk}/").status_code == 404
    assert api_for(world.other_admin).get(f"{API}/resource-requests/").json()["count"] == 0
    decide = f"{API}/resource-requests/{request_pk}/decide/"
    assert admin.post(decide, {"action": "approve"}, format="json").json()["status"] == "approved"
    response = admin.post(decide, {"action": "lend", "delivery_note": "纸本"}, format="json")
    assert response.status_code == 400  # a copy is delivered, not lent
    response = admin.post(decide, {"action": "deliver", "delivery_note": "已邮寄复印件"}, format="json")
    assert response.json()["status"] == "delivered" and response.json()["shape"] == "copy"


def test_bad_licence_doi_and_url_over_the_api(world):
    officer = api_for(world.officer)
    data = {"kind": "dataset", "name": "x", "subject": "y", "data_format": "csv", "licence": "cc0-1.0"}
    response = officer.post(f"{API}/resources/", {**data, "licence": "mine"}, format="json")
    assert response.status_code == 400 and "licence" in response.json()
    response = officer.post(f"{API}/resources/", data, format="json")
    assert response.status_code == 400 and {"doi", "landing_url"} <= set(response.json())
    for field, value in (("doi", "https://doi.org/10.1/x"), ("landing_url", "javascript:alert(1)")):
        response = officer.post(f"{API}/resources/", {**data, field: value}, format="json")
        assert response.status_code == 400 and field in response.json(), (field, value)
    assert (
        officer.post(f"{API}/resources/", {**data, "doi": "10.5061/dryad.x1"}, format="json").status_code
        == 201
    )


def test_lists_do_not_grow_their_queries_with_rows(world):
    def measure(user, path) -> tuple[int, int]:
        client = api_for(User.objects.get(pk=user.pk) if user else None)  # no access cached from before
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{API}/{path}/")
        assert response.status_code == 200
        return response.json()["count"], len(captured)

    def add(n):
        for _ in range(n):
            services.request_resource(
                ResourceFactory(unit=world.unit),
                access=access_for(world.requester),
                user=world.requester,
                purpose="研究",
            )

    for path, user in (("resources", None), ("resource-requests", world.admin)):
        add(2)
        rows, few = measure(user, path)
        add(4)
        more_rows, more = measure(user, path)
        assert more_rows == rows + 4 and more == few
