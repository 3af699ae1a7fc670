"""``/api/v1/outcomes/``: role-scoped lists with flat query counts, recording with field-level refusals, the user's
acknowledgement and the unit's decision."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from yiqi.outcomes.models import Outcome

from .factories import OutcomeFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/outcomes/"


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_unit_records_results_and_bad_input_is_refused_by_field(world):
    client = api(world.officer)
    made = client.post(
        URL,
        {
            "kind": "standard",
            "title": "扫描电镜校准规范",
            "identifier": "jjf 1916-2021",
            "date": "2025-02-01",
            "instruments": [world.sem.pk],
        },
        format="json",
    )
    assert made.status_code == 201, made.json()
    assert made.json()["identifier"] == "JJF 1916-2021" and made.json()["status"] == "confirmed"
    again = client.post(
        URL,
        {
            "kind": "standard",
            "title": "重复",
            "identifier": "JJF1916-2021",
            "date": "2025-02-01",
            "instruments": [world.sem.pk],
        },
        format="json",
    )
    assert again.status_code == 400 and "identifier" in again.json()
    for body in (
        {"kind": "novel", "title": "x", "date": "2025-01-01"},
        {"kind": "paper", "title": "x", "date": "2025-13-01"},
        {"kind": "paper", "title": "x", "date": "2025-01-01", "instruments": [10**30]},
        {"kind": "award", "title": "x", "date": "2025-01-01", "instruments": [world.foreign.pk]},
    ):
        assert client.post(URL, body, format="json").status_code == 400
    assert Outcome.objects.count() == 1


def test_lists_are_scoped_to_the_role_and_filters_refuse_garbage(world):
    OutcomeFactory(unit=world.unit, instruments=[world.sem])
    OutcomeFactory(unit=world.other_unit, instruments=[world.foreign])
    assert len(api(world.technician).get(URL).json()["results"]) == 1
    assert len(api(world.department).get(URL).json()["results"]) == 1
    assert api(world.user).get(URL).json()["results"] == []
    assert api(world.admin).get(URL, {"kind": "paper", "unit": world.unit.pk}).json()["count"] == 1
    for params in ({"kind": "论文"}, {"status": "x"}, {"unit": "١٢"}, {"unit": "9" * 40}):
        assert api(world.admin).get(URL, params).status_code == 400


def test_the_list_reads_the_same_number_of_queries_for_2_or_20_results(world):
    client = api(world.admin)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    queries()  # the caller's access is read once and kept on the user
    for n in range(2):
        OutcomeFactory(unit=world.unit, identifier=f"10.1000/a{n}", instruments=[world.sem, world.xrd])
    few = queries()
    for n in range(18):
        OutcomeFactory(unit=world.unit, identifier=f"10.1000/b{n}", instruments=[world.sem])
    assert queries() == few


def test_a_user_acknowledges_and_the_unit_decides(world):
    made = api(world.user).post(
        f"{URL}acknowledge/",
        {
            "service_record": world.served.pk,
            "title": "断口分析",
            "doi": "10.1000/ack",
            "journal": "材料导报",
            "date": "2025-09-01",
        },
        format="json",
    )
    assert made.status_code == 201 and made.json()["status"] == "pending"
    pk = made.json()["id"]
    duplicate = api(world.user).post(
        f"{URL}acknowledge/",
        {
            "service_record": world.served.pk,
            "title": "断口分析",
            "doi": "10.1000/ACK",
            "journal": "材料导报",
            "date": "2025-09-01",
        },
        format="json",
    )
    assert duplicate.status_code == 400 and "doi" in duplicate.json()
    assert api(world.user).get(f"{URL}{pk}/").status_code == 200
    assert api(world.user).post(f"{URL}{pk}/decide/", {"action": "confirm"}, format="json").status_code == 403
    assert (
        api(world.admin).post(f"{URL}{pk}/decide.json", {"action": "maybe"}, format="json").status_code == 400
    )
    decided = api(world.admin).post(f"{URL}{pk}/decide.json", {"action": "decline"}, format="json")
    assert decided.status_code == 400 and "comment" in decided.json()
    decided = api(world.admin).post(f"{URL}{pk}/decide/", {"action": "confirm"}, format="json")
    assert decided.json()["status"] == "confirmed"
    refused = api(world.stranger).post(
        f"{URL}acknowledge/",
        {
            "service_record": world.served.pk,
            "title": "x",
            "doi": "10.1000/x9",
            "journal": "j",
            "date": "2025-09-01",
        },
        format="json",
    )
    assert refused.status_code == 400 and "service_record" in refused.json()


def test_the_unit_corrects_and_deletes_through_the_api(world):
    paper = OutcomeFactory(unit=world.unit, identifier="10.1000/p", instruments=[world.sem])
    changed = api(world.officer).patch(f"{URL}{paper.pk}/", {"title": "新题目"}, format="json")
    assert changed.status_code == 200 and changed.json()["title"] == "新题目"
    assert changed.json()["instruments"] == [world.sem.pk]
    assert api(world.officer).patch(f"{URL}{paper.pk}/", ["x"], format="json").status_code == 400
    assert api(world.technician).delete(f"{URL}{paper.pk}/").status_code == 403
    assert api(world.other_admin).delete(f"{URL}{paper.pk}/").status_code == 404
    assert api(world.officer).delete(f"{URL}{paper.pk}/").status_code == 204
