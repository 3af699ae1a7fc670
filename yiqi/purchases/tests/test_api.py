"""The review over the API: filing, submission with evidence, the steps, scoping, and a list whose query count does
not grow with its rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from yiqi.accounts.access import access_for
from yiqi.purchases import services

from .factories import QUOTES, file_application

pytestmark = pytest.mark.django_db

URL = "/api/v1/purchase-applications/"


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def body(**overrides):
    data = {
        "name": "场发射扫描电子显微镜",
        "category": "010102",
        "specifications": "分辨率 0.8 nm",
        "functions": "表面形貌观察",
        "budget": "3200000.00",
        "funding_source": "central",
        "discipline": "材料科学",
        "necessity": "现有设备老化。",
        "expected_hours": 1500,
        "expected_users": 80,
        "sharing_mode": "external",
        "hours_offered": 500,
        "quotes": [{k: str(v) for k, v in q.items()} for q in QUOTES],
    }
    data.update(overrides)
    return data


def test_a_unit_files_and_submits_and_the_authority_reads_the_evidence(province):
    unit = client_for(province.officer)
    created = unit.post(URL, body(), format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    submitted = unit.post(f"{URL}{pk}/act/", {"action": "submit"}, format="json")
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == "submitted" and submitted.json()["evidence"]["similar"]

    edited = unit.patch(f"{URL}{pk}/", {"name": "改名"}, format="json")
    assert edited.status_code == 400 and "申请已提交" in str(edited.json())

    authority = client_for(province.authority)
    refused = authority.post(
        f"{URL}{pk}/act/", {"action": "assign", "expert": province.insider.pk}, format="json"
    )
    assert refused.status_code == 400 and "expert" in refused.json()
    assigned = authority.post(
        f"{URL}{pk}/act/", {"action": "assign", "expert": province.outsider.pk}, format="json"
    )
    assert assigned.json()["status"] == "in_review"


def test_past_and_absurd_input_is_refused_field_by_field(province):
    response = client_for(province.officer).post(
        URL, body(expected_hours=100000, category="999999"), format="json"
    )
    assert response.status_code == 400
    assert {"expected_hours", "category"} <= set(response.json())


def test_strangers_see_nothing(province):
    application = file_application(province.applicant, province.officer)
    services.submit(access_for(province.officer), application, actor=province.officer)
    from yiqi.accounts.tests.factories import UserFactory

    assert client_for(UserFactory()).get(URL).json()["count"] == 0
    assert client_for(UserFactory()).get(f"{URL}{application.pk}/").status_code == 404


def count_list_queries(user) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client_for(user).get(URL).status_code == 200
    return len(queries)


def test_list_queries_do_not_grow_with_rows(province):
    file_application(province.applicant, province.officer)
    count_list_queries(province.authority)  # first request warms per-process caches
    few = count_list_queries(province.authority)
    for _ in range(3):
        file_application(province.applicant, province.officer)
    assert count_list_queries(province.authority) == few
