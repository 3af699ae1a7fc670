"""The usage pages in the browser: dashboard, record list and export, the manual record form, template tags."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.utils import timezone

from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory
from yiqi.usage.models import UsageRecord
from yiqi.usage.tests.conftest import pdf
from yiqi.usage.tests.factories import UsageRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def usage(world):
    """This year: unit_a 3.00 h (1.00 external), unit_b 5.00 h external."""
    instrument_b = InstrumentFactory(
        unit=world.unit_b, registration_status=RegistrationStatus.PUBLISHED, name="B单位质谱仪"
    )
    start = timezone.now() - dt.timedelta(days=1)
    return [
        UsageRecordFactory(instrument=world.published_a, machine_hours=Decimal("2.00"), started_at=start),
        UsageRecordFactory(
            instrument=world.published_a,
            machine_hours=Decimal("1.00"),
            is_external=True,
            user_organization=world.enterprise,
            user_name="外单位张工",
            started_at=start,
        ),
        UsageRecordFactory(
            instrument=instrument_b, machine_hours=Decimal("5.00"), is_external=True, started_at=start
        ),
    ]


def test_unit_staff_see_their_units_dashboard(world, usage, client_for):
    response = client_for(world.users["technician_a"]).get("/usage/dashboard/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "西北测试大学" in body and "B单位质谱仪" not in body
    assert response.context["headline"].machine_hours == Decimal("3.00")
    assert response.context["headline"].sharing_rate == Decimal("0.3333")
    assert [row.label for row in response.context["top_instruments"]][0].startswith("公开的电镜")
    assert "vendor/echarts-5.6.0/echarts.min.js" in body and 'id="usage-chart-data"' in body


def test_a_department_sees_its_units_and_may_pick_one(world, usage, client_for):
    client = client_for(world.users["department_admin_a"])
    response = client.get("/usage/dashboard/")
    assert response.status_code == 200
    assert [row.label for row in response.context["rows"]] == ["西北测试大学"]
    assert response.context["headline"].machine_hours == Decimal("3.00")
    picked = client.get(f"/usage/dashboard/?unit={world.unit_a.pk}")
    assert picked.context["unit"] == world.unit_a
    assert client.get(f"/usage/dashboard/?unit={world.unit_b.pk}").context["unit"] is None


def test_the_platform_admin_sees_the_province_by_department_region_or_unit(world, usage, client_for):
    client = client_for(world.users["platform_admin"])
    response = client.get("/usage/dashboard/")
    assert response.context["headline"].machine_hours == Decimal("8.00")
    assert {row.label for row in response.context["rows"]} == {"陕西省教育厅", "陕西省卫生健康委员会"}
    by_region = client.get("/usage/dashboard/?group_by=region").context["rows"]
    assert [(row.label, row.machine_hours) for row in by_region] == [
        ("陕西省", Decimal("8.00")),
        ("西安市", Decimal("8.00")),
    ]
    last_year = client.get(f"/usage/dashboard/?year={timezone.localdate().year - 1}")
    assert last_year.context["headline"].machine_hours == Decimal("0.00")
    assert last_year.context["headline"].sharing_rate is None


@pytest.mark.parametrize(("role", "status"), [("external_user", 403), ("expert", 403), ("anonymous", 302)])
def test_the_dashboard_is_for_units_departments_and_the_platform(world, client_for, role, status):
    assert client_for(world.users[role]).get("/usage/dashboard/").status_code == status


def test_record_list_and_csv_export_show_only_visible_records(world, usage, client_for):
    client = client_for(world.users["technician_a"])
    response = client.get("/usage/records/")
    assert response.status_code == 200
    assert {r.pk for r in response.context["page_obj"].object_list} == {usage[0].pk, usage[1].pk}
    external = client.get("/usage/records/?service=external")
    assert [r.pk for r in external.context["page_obj"].object_list] == [usage[1].pk]
    export = client.get("/usage/records/export.csv?service=external")
    text = b"".join(export.streaming_content).decode()
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 2 and rows[1][5] == "外单位张工" and rows[1][7] == "是"


def form_data(world, start, end, **overrides):
    local = timezone.localtime
    return {
        "instrument": world.published_a.pk,
        "user_name": "李同学",
        "user_organization": world.enterprise.pk,
        "purpose": UsageRecord.Purpose.SERVICE,
        "started_at": local(start).strftime("%Y-%m-%dT%H:%M"),
        "ended_at": local(end).strftime("%Y-%m-%dT%H:%M"),
        "machine_hours": "",
        "sample_count": "2",
        "service_content": "线下测试服务",
        "fee": "200",
        "evidence": pdf(),
    } | overrides


def test_recording_offline_use_through_the_form(world, client_for, recent):
    client = client_for(world.users["technician_a"])
    assert client.get("/usage/records/new/").status_code == 200
    response = client.post("/usage/records/new/", form_data(world, *recent))
    record = UsageRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/usage/records/{record.pk}/"
    assert (record.is_external, record.machine_hours, record.fee) == (
        True,
        Decimal("2.00"),
        Decimal("200.00"),
    )
    detail = client.get(f"/usage/records/{record.pk}/")
    assert detail.context["can_change"] and detail.context["can_download"]
    download = client.get(f"/usage/records/{record.pk}/evidence/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")


def test_bad_input_in_the_form_is_shown_and_nothing_saved(world, client_for, recent):
    start, end = recent
    client = client_for(world.users["technician_a"])
    response = client.post("/usage/records/new/", form_data(world, end, start, machine_hours="5"))
    assert response.status_code == 400
    assert "结束时间必须晚于开始时间。" in response.content.decode()
    assert not UsageRecord.objects.exists()
    no_file = form_data(world, start, end)
    del no_file["evidence"]
    assert client.post("/usage/records/new/", no_file).status_code == 400
    other = InstrumentFactory(unit=world.unit_b, registration_status=RegistrationStatus.PUBLISHED)
    assert (
        client.post("/usage/records/new/", form_data(world, start, end, instrument=other.pk)).status_code
        == 400
    )
    assert not UsageRecord.objects.exists()


def test_editing_and_deleting_through_the_pages(world, client_for, recent):
    client = client_for(world.users["technician_a"])
    client.post("/usage/records/new/", form_data(world, *recent))
    record = UsageRecord.objects.get()
    data = form_data(world, *recent, machine_hours="1.5")
    del data["evidence"]
    assert client.post(f"/usage/records/{record.pk}/edit/", data).status_code == 302
    record.refresh_from_db()
    assert record.machine_hours == Decimal("1.50") and record.evidence
    detail = client.get(f"/usage/records/{record.pk}/").content.decode()
    assert "有效机时（小时）：2.00 → 1.50" in detail
    assert "<strong>登记</strong>" in detail and "<strong>修改</strong>" in detail
    outsider = Client()
    outsider.force_login(world.users["unit_admin_b"])
    assert outsider.get(f"/usage/records/{record.pk}/edit/").status_code == 404
    assert outsider.post(f"/usage/records/{record.pk}/delete/").status_code == 404
    assert client.post(f"/usage/records/{record.pk}/delete/").status_code == 302
    assert not UsageRecord.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("department_admin_a", 200), ("platform_admin", 200), ("evaluator", 403), ("unit_admin_b", 404)],
)
def test_evidence_downloads_are_limited(world, client_for, recent, role, status):
    client_for(world.users["technician_a"]).post("/usage/records/new/", form_data(world, *recent))
    record = UsageRecord.objects.get()
    client = client_for(world.users[role])
    assert client.get(f"/usage/records/{record.pk}/evidence/").status_code == status


def render(template: str, user, **context) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load usage_tags %}" + template).render(Context({"request": request, **context}))


def test_instrument_usage_summary_shows_this_and_last_year(world, usage):
    UsageRecordFactory(
        instrument=world.published_a,
        machine_hours=Decimal("4.00"),
        is_external=True,
        started_at=timezone.now().replace(year=timezone.now().year - 1),
    )
    html = render(
        "{% instrument_usage_summary instrument %}", world.users["anonymous"], instrument=world.published_a
    )
    year = timezone.localdate().year
    assert f'<th scope="row">{year}</th><td class="text-end">3.00</td><td class="text-end">1.00</td>' in html
    assert (
        f'<th scope="row">{year - 1}</th><td class="text-end">4.00</td><td class="text-end">4.00</td>' in html
    )


def test_usage_workspace_for_unit_staff_and_departments(world, usage):
    from django.contrib.auth.models import AnonymousUser

    unit_html = render("{% usage_workspace %}", world.users["technician_a"])
    assert "西北测试大学" in unit_html and "3.00" in unit_html and "33.33%" in unit_html
    department_html = render("{% usage_workspace %}", world.users["department_admin_b"])
    assert (
        "陕西省卫生健康委员会" in department_html
        and "5.00" in department_html
        and "100.00%" in department_html
    )
    assert render("{% usage_workspace %}", world.users["external_user"]).strip() == ""
    assert render("{% usage_workspace %}", AnonymousUser()).strip() == ""


def test_pages_and_messages_have_english_translations(world, usage, client_for, settings, recent):
    client = client_for(world.users["technician_a"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Machine-hours and sharing rate by month" in client.get("/usage/dashboard/").content.decode()
    start, end = recent
    response = client.post("/usage/records/new/", form_data(world, start, end, machine_hours="3"))
    assert "Machine-hours cannot exceed the time from start to end (2.00 h)." in response.content.decode()


def test_evidence_is_served_as_a_download_never_inline(world, client_for, recent):
    client = client_for(world.users["technician_a"])
    client.post("/usage/records/new/", form_data(world, *recent))
    download = client.get(f"/usage/records/{UsageRecord.objects.get().pk}/evidence/")
    assert download["Content-Disposition"].startswith("attachment;")
