"""Creating and editing records in the browser: every bad field gets its own message and nothing is saved."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from yiqi.registry.models import Instrument, RegistrationStatus


def valid_data(world, **changes):
    data = {
        "unit": world.unit_a.pk,
        "kind": "single_instrument",
        "asset_number": "2025-00001",
        "name": "X射线衍射仪",
        "name_en": "X-ray Diffractometer",
        "category": "010301",
        "original_value": "1280000.00",
        "source": "purchased",
        "funding_source": "central",
        "manufacturer": "布鲁克",
        "country_of_origin": "DE",
        "model_spec": "D8 ADVANCE",
        "technical_indicators": "测角仪半径 ≥ 250 mm；2θ 范围 -110°–168°",
        "main_functions": "物相定性定量分析、晶粒尺寸与残余应力测定",
        "acceptance_date": "2025-03-14",
        "contact_name": "王老师",
        "contact_phone": "029-82660000",
        "sharing_mode": "external",
        "operating_status": "normal",
        "offers_commissioned_testing": "on",
        "open_policy": "<p>面向社会开放</p><script>alert(1)</script>",
    }
    data.update(changes)
    return data


def test_officer_registers_an_instrument_with_its_deadline(world, client_for):
    response = client_for(world.users["officer_a"]).post(
        reverse("registry:instrument_create"), valid_data(world)
    )
    instrument = Instrument.objects.get(asset_number="2025-00001")
    assert response.status_code == 302 and response.url == reverse(
        "registry:instrument_detail", args=[instrument.pk]
    )
    assert instrument.registration_status == RegistrationStatus.DRAFT
    assert instrument.created_by == world.users["officer_a"]
    # 30 working days: Qingming (4 Apr) is off, Sunday 27 Apr is a make-up working day.
    assert instrument.registration_due == dt.date(2025, 4, 27)
    assert "<script>" not in instrument.open_policy and "<p>面向社会开放</p>" in instrument.open_policy


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("original_value", "-5", "0.01"),
        ("original_value", "0", "0.01"),
        ("original_value", "99999999999999", "位"),
        ("original_value", "一百万", "数"),
        ("category", "019999", "未知的分类代码"),
        ("acceptance_date", (timezone.localdate() + dt.timedelta(days=3)).isoformat(), "不能晚于今天"),
        ("acceptance_date", "2025-02-30", "日期"),
        ("name", "仪" * 101, "100"),
        ("technical_indicators", "指" * 501, "500"),
        ("contact_phone", "call me", "电话"),
        ("start_of_use_date", "2025-01-01", "启用日期"),
    ],
)
def test_bad_field_gets_a_field_level_message_and_nothing_is_saved(world, client_for, field, value, message):
    before = Instrument.objects.count()
    response = client_for(world.users["officer_a"]).post(
        reverse("registry:instrument_create"), valid_data(world, **{field: value})
    )
    assert response.status_code == 200
    form = response.context["form"]
    errors = form.errors.get(field) or form.errors.get("__all__") or []
    assert any(message in str(e) for e in errors), form.errors
    assert Instrument.objects.count() == before


def test_not_shared_needs_a_reason(world, client_for):
    response = client_for(world.users["officer_a"]).post(
        reverse("registry:instrument_create"), valid_data(world, sharing_mode="not_shared")
    )
    assert "not_shared_reason" in response.context["form"].errors
    assert not Instrument.objects.filter(asset_number="2025-00001").exists()


def test_duplicate_asset_number_in_the_unit_is_refused(world, client_for):
    response = client_for(world.users["officer_a"]).post(
        reverse("registry:instrument_create"), valid_data(world, asset_number=world.draft_a.asset_number)
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Instrument.objects.filter(asset_number=world.draft_a.asset_number).count() == 1


def test_same_asset_number_in_another_unit_is_fine(world, client_for):
    response = client_for(world.users["officer_a"]).post(
        reverse("registry:instrument_create"), valid_data(world, asset_number=world.draft_b.asset_number)
    )
    assert response.status_code == 302


def test_officer_cannot_register_for_another_unit(world, client_for):
    response = client_for(world.users["officer_a"]).post(
        reverse("registry:instrument_create"), valid_data(world, unit=world.unit_b.pk)
    )
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert not Instrument.objects.filter(asset_number="2025-00001").exists()


def test_editing_keeps_the_unit_and_records_history(world, client_for):
    instrument = world.draft_a
    data = valid_data(
        world, asset_number=instrument.asset_number, unit=world.unit_b.pk, model_spec="D8 VENTURE"
    )
    response = client_for(world.users["officer_a"]).post(
        reverse("registry:instrument_update", args=[instrument.pk]), data
    )
    assert response.status_code == 302
    instrument.refresh_from_db()
    assert instrument.unit == world.unit_a and instrument.model_spec == "D8 VENTURE"
    assert instrument.history.count() == 2
    detail = client_for(world.users["officer_a"]).get(
        reverse("registry:instrument_detail", args=[instrument.pk])
    )
    assert "D8 VENTURE" in detail.content.decode()


def test_record_under_review_is_locked(world, client_for):
    Instrument.objects.filter(pk=world.draft_a.pk).update(
        registration_status=RegistrationStatus.AWAITING_AUTHORITY
    )
    response = client_for(world.users["officer_a"]).get(
        reverse("registry:instrument_update", args=[world.draft_a.pk])
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "name, content, kind, ok",
    [
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"0" * 100, "photo", True),
        ("photo.jpg", b"not really an image", "photo", False),
        ("report.pdf", b"%PDF-1.7\n" + b"0" * 100, "document", True),
        ("huge.jpg", b"\xff\xd8\xff\xe0" + b"0" * (3 * 1024 * 1024), "photo", False),
    ],
)
def test_attachments_are_checked_by_content_and_size(world, client_for, name, content, kind, ok):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world.users["officer_a"])
    client.post(
        reverse("registry:attachment_upload", args=[world.draft_a.pk]),
        {"kind": kind, "title": "t", "file": SimpleUploadedFile(name, content)},
    )
    assert world.draft_a.attachments.exists() == ok
    if ok and kind == "photo":
        page = client.get(reverse("registry:instrument_detail", args=[world.draft_a.pk])).content.decode()
        assert '<img class="img-fluid' in page and 'alt="t"' in page


@pytest.mark.parametrize(
    "name, content, kind",
    [
        ("page.html", b"%PDF-1.7\n<html>", "document"),  # PDF magic under an HTML name
        ("logo.svg", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "photo"),  # PNG magic under an SVG name
        ("report.pdf", b"<!DOCTYPE html><script>alert(1)</script>", "document"),  # HTML named .pdf
        ("slides.pptx", b"PK\x03\x04" + b"\x00" * 100, "document"),  # any zip passed as a document before
    ],
)
def test_disguised_attachments_are_refused(world, client_for, name, content, kind):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client_for(world.users["officer_a"]).post(
        reverse("registry:attachment_upload", args=[world.draft_a.pk]),
        {"kind": kind, "title": "t", "file": SimpleUploadedFile(name, content)},
    )
    assert not world.draft_a.attachments.exists()


def test_an_attachment_is_stored_under_a_random_name_and_shown_under_its_own(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world.users["officer_a"])
    client.post(
        reverse("registry:attachment_upload", args=[world.draft_a.pk]),
        {"kind": "document", "file": SimpleUploadedFile("../使用\u202e说明.pdf", b"%PDF-1.7\n" + b"0" * 100)},
    )
    attachment = world.draft_a.attachments.get()
    assert attachment.file.name.startswith("instruments/") and attachment.file.name.endswith(".pdf")
    assert "说明" not in attachment.file.name and attachment.title == "使用说明.pdf"
    page = client.get(reverse("registry:instrument_detail", args=[world.draft_a.pk])).content.decode()
    assert "使用说明.pdf" in page
