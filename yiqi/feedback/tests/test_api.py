"""The ratings and complaints API: the same rules as the web, scoped lists, masked raters."""

import pytest
from rest_framework.test import APIClient

from yiqi.accounts.tests.factories import UserFactory
from yiqi.feedback import services
from yiqi.feedback.models import Complaint, Rating

from .conftest import completed_booking

pytestmark = pytest.mark.django_db

RATINGS = "/api/v1/ratings/"
COMPLAINTS = "/api/v1/complaints/"
GOOD = {"overall": 5, "timeliness": 4, "attitude": 5, "result_quality": 4}


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_rating_through_the_api_once(world, served):
    client = api(world.users["external_user"])
    response = client.post(
        RATINGS, {"booking": served["booking"].booking.pk, **GOOD, "comment": "好"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["rater"].endswith("**") and body["rater_kind"] == "enterprise"
    assert body["overall"] == 5 and "user" not in body
    again = client.post(RATINGS, {"booking": served["booking"].booking.pk, **GOOD}, format="json")
    assert again.status_code == 400 and "只能评价一次" in str(again.json())
    assert (
        client.post(RATINGS, {"order": served["order"].test_order.pk, **GOOD}, format="json").status_code
        == 201
    )
    assert {rating.record for rating in Rating.objects.all()} == {served["booking"], served["order"]}


def test_rating_a_service_record_by_its_own_id(world, served):
    client = api(world.users["external_user"])
    response = client.post(RATINGS, {"record": served["order"].pk, **GOOD}, format="json")
    assert response.status_code == 201, response.content
    assert Rating.objects.get().record == served["order"]
    both = {"record": served["booking"].pk, "booking": served["booking"].booking.pk, **GOOD}
    assert client.post(RATINGS, both, format="json").status_code == 400
    assert Rating.objects.count() == 1


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"overall": 0}, "overall"),
        ({"attitude": 6}, "attitude"),
        ({"timeliness": "abc"}, "timeliness"),
        ({"result_quality": None}, "result_quality"),
        ({"comment": "长" * 1001}, "comment"),
    ],
)
def test_bad_ratings_are_refused_field_by_field(world, served, changes, field):
    response = api(world.users["external_user"]).post(
        RATINGS, {"booking": served["booking"].booking.pk, **GOOD, **changes}, format="json"
    )
    assert response.status_code == 400 and field in response.json(), response.content
    assert not Rating.objects.exists()


def test_nobody_rates_someone_elses_service_or_anonymously(world, served):
    for who in ("unit_admin_a", "platform_admin"):
        response = api(world.users[who]).post(
            RATINGS, {"booking": served["booking"].booking.pk, **GOOD}, format="json"
        )
        assert response.status_code == 400 and "不存在" in str(response.json()["booking"])
    assert api().post(
        RATINGS, {"booking": served["booking"].booking.pk, **GOOD}, format="json"
    ).status_code in (
        401,
        403,
    )
    assert not Rating.objects.exists()


def test_public_lists_by_instrument_and_unit_mask_raters(world, served):
    rating = services.rate(user=world.users["external_user"], record=served["booking"], **GOOD)
    other = completed_booking(world.published_a, UserFactory(full_name="李四"), days_ago=5)
    services.rate(user=other.user, record=other, **GOOD)
    response = api().get(RATINGS, {"instrument": served["instrument"].pk})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [rating.pk]
    assert rows[0]["rater"] == "张**"
    assert len(api().get(RATINGS, {"unit": world.unit_a.pk}).json()["results"]) == 2
    assert api().get(RATINGS, {"unit": world.unit_b.pk}).json()["results"] == []
    mine = api(world.users["external_user"]).get(RATINGS, {"mine": "true"}).json()["results"]
    assert [row["id"] for row in mine] == [rating.pk]
    assert api().get(RATINGS, {"mine": "true"}).json()["results"] == []


def test_the_unit_replies_once_through_the_api(world, served):
    rating = services.rate(user=world.users["external_user"], record=served["booking"], **GOOD)
    url = f"{RATINGS}{rating.pk}/reply/"
    assert api(world.users["unit_admin_b"]).post(url, {"reply": "x"}, format="json").status_code == 403
    response = api(world.users["manager_a"]).post(url, {"reply": "谢谢"}, format="json")
    assert response.status_code == 200 and response.json()["reply"] == "谢谢"
    again = api(world.users["unit_admin_a"]).post(url, {"reply": "再谢"}, format="json")
    assert again.status_code == 400 and "reply" in again.json()


def test_complaints_through_the_api(world, served):
    client = api(world.users["external_user"])
    response = client.post(
        COMPLAINTS,
        {"booking": served["booking"].booking.pk, "subject": "预约被无故取消", "description": "……"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("TS") and body["unit"] == world.unit_a.pk and body["status"] == "open"
    assert body["instrument"] == served["instrument"].pk and body["available_actions"] == ["comment"]
    assert (body["record"], body["booking"], body["order"]) == (
        served["booking"].pk,
        served["booking"].booking.pk,
        None,
    )
    url = f"{COMPLAINTS}{body['id']}/"

    admin = api(world.users["unit_admin_a"])
    assert admin.get(url).json()["available_actions"] == ["accept", "comment"]
    response = admin.post(f"{url}transition/", {"action": "resolve", "comment": "已处理"}, format="json")
    assert response.status_code == 403
    assert admin.post(f"{url}transition/", {"action": "accept"}, format="json").status_code == 200
    response = admin.post(f"{url}transition/", {"action": "resolve"}, format="json")
    assert response.status_code == 400 and response.json() == {"comment": ["办结时须填写处理结果。"]}
    response = admin.post(f"{url}transition/", {"action": "resolve", "comment": "已处理"}, format="json")
    assert response.status_code == 400 and response.json() == {"upheld": ["办结时须认定投诉是否成立。"]}
    admin.post(
        f"{url}transition/", {"action": "resolve", "comment": "已重新安排", "upheld": False}, format="json"
    )
    detail = client.get(url).json()
    assert detail["upheld"] is False
    assert detail["status"] == "resolved" and [e["action"] for e in detail["events"]] == [
        "file",
        "accept",
        "resolve",
    ]
    resolved = detail["events"][-1]
    assert {k: resolved[k] for k in ("action_label", "from_status", "to_status", "comment")} == {
        "action_label": "办结",
        "from_status": "in_progress",
        "to_status": "resolved",
        "comment": "已重新安排",
    }
    assert resolved["actor_name"] == world.users["unit_admin_a"].get_full_name() and resolved["created_at"]
    assert client.post(f"{url}transition/", {"action": "fly"}, format="json").status_code == 400
    assert client.post(f"{url}transition/", {"action": "confirm"}, format="json").json()["status"] == "closed"


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"unit": 999999, "subject": "a", "description": "b"}, "unit"),
        ({"subject": "a", "description": "b"}, "unit"),
        ({"unit": "x", "subject": "a", "description": "b"}, "unit"),
        ({"subject": "", "description": "b", "unit": None}, "unit"),
        ({"description": "b"}, "subject"),
    ],
)
def test_bad_complaints_are_refused(world, payload, field):
    response = api(world.users["external_user"]).post(COMPLAINTS, payload, format="json")
    assert response.status_code == 400 and field in response.json(), response.content
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    "who, sees",
    [
        ("external_user", True),
        ("unit_admin_a", True),
        ("department_admin_a", True),
        ("platform_admin", True),
        ("unit_admin_b", False),
        ("department_admin_b", False),
        ("officer_a", False),
    ],
)
def test_complaint_lists_are_scoped(world, who, sees):
    complaint = services.file_complaint(
        user=world.users["external_user"], unit=world.unit_a, subject="态度差", description="……"
    )
    client = api(world.users[who])
    ids = [row["id"] for row in client.get(COMPLAINTS).json()["results"]]
    assert (complaint.pk in ids) is sees
    assert client.get(f"{COMPLAINTS}{complaint.pk}/").status_code == (200 if sees else 404)


def test_anonymous_users_see_no_complaints(world):
    assert api().get(COMPLAINTS).status_code in (401, 403)
