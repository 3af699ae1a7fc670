"""The authority files a decided application in its online record (备案): a filing number, one audit event, the
record page and API filtered by year, unit and opinion, and the printable opinion through the API."""

import re
import zlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.accounts.tests.factories import UserFactory
from yiqi.core.models import AuditEvent
from yiqi.purchases import printing, services
from yiqi.purchases.models import Opinion, Status
from yiqi.registry.tests.factories import InstrumentFactory

from .factories import file_application
from .test_api import client_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/purchase-applications/"


def decided(province, opinion=Opinion.RECOMMEND, **overrides):
    authority, expert = access_for(province.authority), province.outsider.user
    application = file_application(province.applicant, province.officer, **overrides)
    application = services.submit(access_for(province.officer), application, actor=province.officer)
    review = services.assign_expert(
        authority, application, expert=province.outsider, actor=province.authority
    )
    values = {
        "relevance": 4,
        "necessity": 4,
        "reasonableness": 4,
        "recommendation": opinion,
        "reasons": "可行。",
    }
    services.submit_review(access_for(expert), review, values=values, actor=expert)
    conditions = "每年对外开放 600 机时。" if opinion == Opinion.CONDITIONAL else ""
    return services.decide(
        authority,
        application,
        opinion=opinion,
        text="评议意见。",
        conditions=conditions,
        actor=province.authority,
    )


def test_the_authority_files_a_decided_application_once_under_a_filing_number(province):
    application = decided(province)
    with pytest.raises(PermissionDenied):
        services.file_application(access_for(province.unit_admin), application, actor=province.unit_admin)
    application.refresh_from_db()
    assert application.status == Status.DECIDED and application.filing_number is None

    application = services.file_application(
        access_for(province.authority), application, actor=province.authority
    )
    assert application.status == Status.FILED and application.filed_at
    assert application.filing_number == f"BA{timezone.localdate():%Y%m%d}0001"
    assert list(AuditEvent.objects.for_object(application).values_list("action", flat=True))[-1] == "file"
    with pytest.raises(ValidationError):
        services.file_application(access_for(province.authority), application, actor=province.authority)
    assert AuditEvent.objects.for_object(application).filter(action="file").count() == 1

    # Filing does not stop the unit linking the instrument it bought.
    bought = InstrumentFactory(unit=province.applicant)
    services.link_instrument(
        access_for(province.officer), application, instrument=bought, actor=province.officer
    )
    assert services.opening_obligations(bought)["application"] == application.number


def test_an_application_under_review_cannot_be_filed(province):
    application = file_application(province.applicant, province.officer)
    application = services.submit(access_for(province.officer), application, actor=province.officer)
    with pytest.raises(ValidationError):
        services.file_application(access_for(province.authority), application, actor=province.authority)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and not application.filing_number


def file(province, application):
    return services.file_application(access_for(province.authority), application, actor=province.authority)


def test_the_record_page_lists_filed_applications_by_year_unit_and_opinion(client, province):
    kept = file(province, decided(province, name="场发射扫描电镜甲"))
    refused = file(province, decided(province, Opinion.REFUSE, name="场发射扫描电镜乙"))
    decided(province, name="场发射扫描电镜丙")  # decided, not filed

    client.force_login(province.authority)
    page = client.get("/purchases/record/").content.decode()
    assert kept.filing_number in page and refused.filing_number in page and "扫描电镜丙" not in page
    page = client.get("/purchases/record/", {"opinion": "refuse"}).content.decode()
    assert refused.filing_number in page and kept.filing_number not in page
    year = timezone.localdate().year
    assert kept.filing_number not in client.get("/purchases/record/", {"year": year - 1}).content.decode()
    assert (
        kept.filing_number
        in client.get("/purchases/record/", {"year": year, "unit": province.applicant.pk}).content.decode()
    )
    assert "扫描电镜甲" in client.get("/purchases/record/", {"year": "abc"}).content.decode()

    client.force_login(UserFactory())
    assert client.get("/purchases/record/").status_code == 403


def test_the_record_api_filters_and_refuses_bad_filters(province):
    kept = file(province, decided(province))
    authority = client_for(province.authority)
    rows = authority.get(f"{URL}record/").json()["results"]
    assert [row["filing_number"] for row in rows] == [kept.filing_number]
    assert authority.get(f"{URL}record/", {"opinion": "refuse"}).json()["results"] == []
    refused = authority.get(f"{URL}record/", {"year": "1800", "opinion": "maybe"})
    assert refused.status_code == 400 and {"year", "opinion"} <= set(refused.json())
    assert client_for(UserFactory()).get(f"{URL}record/").json()["results"] == []


def pdf_titles(pdf: bytes) -> set[str]:
    """The titles WeasyPrint writes into the PDF: the document's (the print page's <title>) and its outline's (the
    page's headings), which may sit in compressed object streams."""
    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    titles = re.findall(rb"/Title\s*(<[0-9a-fA-F]+>|\((?:[^()\\]|\\.)*\))", b"\n".join(parts))
    return {
        bytes.fromhex(raw[1:-1].decode()).decode("utf-16")
        if raw.startswith(b"<")
        else raw[1:-1].decode("latin-1")
        for raw in titles
    }


def test_the_printable_opinion_comes_through_the_api_for_those_who_see_the_application(province):
    application = file(province, decided(province))
    response = client_for(province.officer).get(f"{URL}{application.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    titles = pdf_titles(pdf)
    assert pdf.startswith(b"%PDF")
    assert {
        f"{application.number} {application.filing_number}",
        "大型科研仪器购置查重评议意见书",
        "查重证据",
        "专家评议意见",
        "评议意见",
    } <= titles
    # The same rendering as the page's print.
    assert pdf_titles(printing.opinion_pdf(access_for(province.authority), application)) == titles

    assert client_for(UserFactory()).get(f"{URL}{application.pk}/pdf/").status_code == 404
    draft = file_application(province.applicant, province.officer)
    assert client_for(province.officer).get(f"{URL}{draft.pk}/pdf/").status_code == 403
