"""Purchase review evidence names the domestic instruments among the similar ones: the alternatives a reviewer
weighs against an import."""

import pytest
from django.urls import reverse

from yiqi.accounts.access import access_for
from yiqi.catalog.indexing import rebuild_index
from yiqi.catalog.tests.conftest import as_if_committed, published
from yiqi.purchases import services

from .factories import file_application

pytestmark = pytest.mark.django_db


def test_the_evidence_lists_domestic_alternatives(province, client_for):
    domestic = published(
        "国产场发射扫描电子显微镜",
        unit=province.baoji,
        sharing_mode="external",
        country_of_origin="CN",
        domestic_core_parts=True,
        model_spec="SEM5000",
    )
    rebuild_index()
    as_if_committed()
    application = file_application(province.applicant, province.officer)
    application = services.submit(access_for(province.officer), application, actor=province.officer)

    rows = {row["instrument_id"]: row for row in application.evidence["similar"]}
    assert rows[domestic.pk]["made_in_china"] and rows[domestic.pk]["domestic_core_parts"]
    assert not rows[province.idle_sem.pk]["made_in_china"]
    assert application.evidence["domestic_alternatives"] == [domestic.pk]
    page = (
        client_for(province.officer).get(reverse("purchases:detail", args=[application.pk])).content.decode()
    )
    assert "相似仪器中的国产替代" in page and "核心部件国产替代" in page


def test_evidence_without_domestic_instruments_says_so(province, client_for):
    application = file_application(province.applicant, province.officer)
    application = services.submit(access_for(province.officer), application, actor=province.officer)
    assert application.evidence["domestic_alternatives"] == []
    page = (
        client_for(province.officer).get(reverse("purchases:detail", args=[application.pk])).content.decode()
    )
    assert "相似仪器中没有国产仪器" in page
