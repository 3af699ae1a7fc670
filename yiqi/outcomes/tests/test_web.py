"""The results pages: the unit's list with the acknowledgements to decide, recording with field-level errors,
correcting, deleting, and a user's own acknowledgements."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yiqi.outcomes.models import Outcome, OutcomeStatus

from .factories import OutcomeFactory

pytestmark = pytest.mark.django_db


def test_an_officer_records_a_patent_and_sees_each_mistake_by_its_field(world, client_for):
    client = client_for(world.officer)
    url = reverse("outcomes:create") + "?kind=patent"
    page = client.get(url)
    assert page.status_code == 200 and "专利号" in page.content.decode()
    bad = client.post(
        url, {"title": "一种电镜样品台", "identifier": "ZL201710601862.4", "date": "2025-04-01"}
    )
    assert bad.status_code == 200
    assert bad.context["form"].errors.keys() == {"identifier", "instruments"}
    assert not Outcome.objects.exists()
    good = client.post(
        url,
        {
            "title": "一种电镜样品台",
            "identifier": "ZL 2017 1 0601862.3",
            "date": "2025-04-01",
            "instruments": [world.sem.pk],
            "service_records": [world.served.pk],
        },
    )
    assert good.status_code == 302
    patent = Outcome.objects.get()
    assert (patent.kind, patent.identifier, patent.status) == ("patent", "ZL201710601862.3", "confirmed")
    assert list(patent.service_records.all()) == [world.served]


def test_a_duplicate_doi_is_refused_on_its_field(world, client_for):
    OutcomeFactory(unit=world.unit, identifier="10.1000/dup", instruments=[world.sem])
    page = client_for(world.admin).post(
        reverse("outcomes:create") + "?kind=paper",
        {
            "title": "重复",
            "identifier": "https://doi.org/10.1000/DUP",
            "source": "J",
            "date": "2025-04-01",
            "instruments": [world.sem.pk],
        },
    )
    assert page.status_code == 200
    assert "已登记" in page.context["form"].errors["identifier"][0]
    assert Outcome.objects.count() == 1


def test_the_unit_corrects_and_deletes_a_result(world, client_for):
    paper = OutcomeFactory(unit=world.unit, identifier="10.1000/edit", instruments=[world.sem])
    client = client_for(world.officer)
    assert client.get(reverse("outcomes:edit", args=[paper.pk])).status_code == 200
    client.post(
        reverse("outcomes:edit", args=[paper.pk]),
        {
            "title": "改正后的题目",
            "identifier": "10.1000/edit",
            "source": "J",
            "date": "2025-04-01",
            "instruments": [world.sem.pk, world.xrd.pk],
        },
    )
    paper.refresh_from_db()
    assert paper.title == "改正后的题目" and paper.instruments.count() == 2
    assert client.get(reverse("outcomes:delete", args=[paper.pk])).status_code == 200
    assert client.post(reverse("outcomes:delete", args=[paper.pk])).status_code == 302
    assert not Outcome.objects.exists()


def test_staff_who_do_not_keep_records_read_but_do_not_change(world, client_for):
    paper = OutcomeFactory(unit=world.unit, identifier="10.1000/read", instruments=[world.sem])
    client = client_for(world.technician)
    assert "10.1000/read" in client.get(reverse("outcomes:list")).content.decode()
    assert client.get(reverse("outcomes:edit", args=[paper.pk])).status_code == 403
    assert client.get(reverse("outcomes:create")).status_code == 403
    assert client_for(world.other_admin).get(reverse("outcomes:edit", args=[paper.pk])).status_code == 404
    assert client_for(world.user).get(reverse("outcomes:list")).status_code == 403


def test_a_user_acknowledges_a_paper_and_the_unit_confirms_it_from_its_list(world, client_for):
    client = client_for(world.user)
    page = client.get(reverse("outcomes:mine"))
    assert world.sem.name in page.content.decode()
    bad = client.post(
        reverse("outcomes:mine"),
        {
            "service_record": world.served.pk,
            "title": "断口分析",
            "doi": "not-a-doi",
            "journal": "材料导报",
            "date": "2025-09-01",
        },
    )
    assert bad.context["form"].errors.keys() == {"doi"}
    assert not Outcome.objects.exists()
    client.post(
        reverse("outcomes:mine"),
        {
            "service_record": world.served.pk,
            "title": "断口分析",
            "doi": "10.1000/ack",
            "journal": "材料导报",
            "date": "2025-09-01",
        },
    )
    ack = Outcome.objects.get()
    assert ack.status == OutcomeStatus.PENDING and ack.submitted_by == world.user
    listed = client_for(world.admin).get(reverse("outcomes:list") + "?status=pending")
    assert "断口分析" in listed.content.decode()
    client_for(world.admin).post(reverse("outcomes:decide", args=[ack.pk]), {"action": "confirm"})
    ack.refresh_from_db()
    assert ack.status == OutcomeStatus.CONFIRMED
    assert "已确认" in client.get(reverse("outcomes:mine")).content.decode()


def test_the_list_reads_the_same_number_of_queries_for_3_or_30_results(world, client_for):
    client = client_for(world.admin)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("outcomes:list")).status_code == 200
        return len(captured)

    for n in range(3):
        OutcomeFactory(unit=world.unit, identifier=f"10.1000/a{n}", instruments=[world.sem])
    few = queries()
    for n in range(27):
        OutcomeFactory(
            unit=world.unit, identifier=f"10.1000/b{n}", date=dt.date(2024, 1, 1), instruments=[world.sem]
        )
    assert queries() == few <= 15
