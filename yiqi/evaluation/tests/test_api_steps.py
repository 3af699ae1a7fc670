"""The authority runs a round over the API with the pages' rules: field-level refusals, nothing for other roles,
and the rectification it decides is closed for the unit and its department to see."""

import datetime as dt

import pytest
from django.utils import timezone

from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import user_with_role
from yiqi.core.models import AuditEvent
from yiqi.evaluation.models import Rectification, Round
from yiqi.evaluation.services import defaults
from yiqi.experts.models import Conflict
from yiqi.experts.services import assignments_in
from yiqi.experts.tests.factories import ExpertFactory
from yiqi.organizations.tests.factories import DepartmentFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/evaluation/"


def test_the_authority_runs_a_round_from_opening_to_rectification_over_the_api(client):
    authority = user_with_role(Role.PLATFORM_ADMIN)
    department = DepartmentFactory()
    unit = OrganizationFactory(name="丙大学", supervising_department=department)  # no use: graded poor
    officer = user_with_role(Role.UNIT_ADMIN, organization=unit)
    head = user_with_role(Role.DEPARTMENT_ADMIN, department=department)
    expert, conflicted = ExpertFactory(), ExpertFactory()
    Conflict.objects.create(expert=conflicted, organization=unit, reason="兼职")
    today = timezone.localdate()
    body = {
        "name": "接口开启的评价",
        "scheme": defaults.default_scheme().pk,
        "period_start": (today - dt.timedelta(days=365)).isoformat(),
        "period_end": (today - dt.timedelta(days=1)).isoformat(),
        "submission_due": (today + dt.timedelta(days=5)).isoformat(),
        "scoring_due": (today + dt.timedelta(days=3)).isoformat(),
        "units": [unit.pk],
    }

    client.force_login(officer)
    assert client.post(f"{API}rounds/", body, content_type="application/json").status_code == 403
    client.force_login(authority)
    refused = client.post(f"{API}rounds/", body, content_type="application/json")
    assert (
        refused.status_code == 400 and "专家评分截止不能早于自评提交截止" in refused.json()["scoring_due"][0]
    )
    assert not Round.objects.exists()  # nothing half-saved
    body["scoring_due"] = (today + dt.timedelta(days=10)).isoformat()
    opened = client.post(f"{API}rounds/", body, content_type="application/json")
    assert opened.status_code == 201 and opened.json()["status"] == "open"
    round_id = opened.json()["id"]
    again = client.post(f"{API}rounds/", {**body, "name": "重叠"}, content_type="application/json")
    assert again.status_code == 400 and "重叠" in again.json()["units"][0]

    assign = f"{API}rounds/{round_id}/assign/"
    assert "不在本轮评价中" in client.post(assign, {"unit": 999999, "expert": expert.pk}).json()["unit"][0]
    conflict = client.post(assign, {"unit": unit.pk, "expert": conflicted.pk})
    assert conflict.status_code == 400 and "expert" in conflict.json()
    assert client.post(assign, {"unit": unit.pk, "expert": expert.pk}).status_code == 200
    assert [a.expert for a in assignments_in(Round.objects.get())] == [expert]

    assert client.post(f"{API}rounds/{round_id}/publish/").status_code == 400  # not closed yet
    assert client.post(f"{API}rounds/{round_id}/start-scoring/").json()["status"] == "scoring"
    assert client.post(f"{API}rounds/{round_id}/close/").json()["status"] == "closed"
    assert client.post(f"{API}rounds/{round_id}/publish/").json()["status"] == "published"
    assert AuditEvent.objects.filter(action="publish").count() == 1

    client.force_login(head)
    listed = client.get(f"{API}rectifications/").json()["results"]
    assert [(r["unit_name"], r["status"]) for r in listed] == [("丙大学", "open")]
    close = f"{API}rectifications/{listed[0]['id']}/close/"
    assert client.post(close, {"report": "已整改"}).status_code == 403
    client.force_login(authority)
    assert client.post(close, {"report": ""}).json()["report"]
    assert client.post(close, {"report": "开放制度已建立"}).json()["status"] == "closed"
    assert Rectification.objects.get().report == "开放制度已建立"
    client.force_login(officer)
    assert client.get(f"{API}rectifications/").json()["results"][0]["status"] == "closed"


def test_the_rectification_list_does_not_grow_in_queries_with_its_rows(client, django_assert_max_num_queries):
    from .scene import published_round

    authority = user_with_role(Role.PLATFORM_ADMIN)
    published_round(authority, [OrganizationFactory() for _ in range(5)], year=2024)
    client.force_login(authority)
    with django_assert_max_num_queries(8):
        assert client.get(f"{API}rectifications/").json()["count"] == 5
