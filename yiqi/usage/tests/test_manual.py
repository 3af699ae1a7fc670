"""Recording offline use by hand: who may, what is refused (with nothing saved), corrections and their history."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.core.models import AuditEvent
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory
from yiqi.servicerecords.models import ServiceKind
from yiqi.servicerecords.tests.factories import CompletedRecordFactory
from yiqi.usage import services
from yiqi.usage.models import UsageRecord
from yiqi.usage.tests.conftest import docx, pdf, png, xlsx

pytestmark = pytest.mark.django_db


def manual(world, actor_key="technician_a", instrument=None, when=None, **overrides):
    start, end = when
    values = {
        "instrument": instrument or world.published_a,
        "user_name": "李同学",
        "purpose": UsageRecord.Purpose.TEACHING,
        "started_at": start,
        "ended_at": end,
        "evidence": pdf(),
    } | overrides
    return services.record_manual_usage(actor=world.users[actor_key], **values)


def refused(world, recent, field, **overrides) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        manual(world, when=recent, **overrides)
    assert not UsageRecord.objects.exists()
    assert not AuditEvent.objects.for_model(UsageRecord).exists()
    return caught.value.message_dict[field]


@pytest.mark.parametrize("role", ["technician_a", "unit_admin_a"])
def test_unit_service_staff_record_offline_use(world, recent, role):
    record = manual(world, role, when=recent)
    assert record.source == UsageRecord.Source.MANUAL
    assert record.unit == world.unit_a
    assert record.machine_hours == Decimal("2.00")
    assert record.is_external is False
    assert record.recorded_by == world.users[role]
    assert record.evidence.name.startswith("usage-evidence/")
    assert [e.action for e in AuditEvent.objects.for_object(record)] == ["create"]


def test_the_instrument_manager_records_for_the_instrument_they_manage(world, recent):
    assert manual(world, "manager_a", instrument=world.managed_draft_a, when=recent).pk
    with pytest.raises(PermissionDenied):
        manual(world, "manager_a", instrument=world.published_a, when=recent)


def test_use_by_another_organisation_is_external_service(world, recent):
    assert manual(world, when=recent, user_organization=world.enterprise).is_external is True
    start, end = recent
    own = manual(
        world, when=(start - dt.timedelta(days=1), end - dt.timedelta(days=1)), user_organization=world.unit_a
    )
    assert own.is_external is False


def test_hours_may_be_lower_than_the_span_and_naive_times_are_shanghai(world):
    start = (timezone.localtime() - dt.timedelta(days=3)).replace(hour=8, minute=0, second=0, microsecond=0)
    naive = (start.replace(tzinfo=None), start.replace(tzinfo=None) + dt.timedelta(hours=3, minutes=20))
    record = manual(world, when=naive, machine_hours=Decimal("2.5"), fee=Decimal("120"), sample_count=6)
    assert record.started_at == start
    assert (record.machine_hours, record.fee, record.sample_count) == (Decimal("2.50"), Decimal("120.00"), 6)
    assert manual(
        world, when=(start - dt.timedelta(days=1), start - dt.timedelta(hours=20))
    ).machine_hours == Decimal("4.00")


@pytest.mark.parametrize("evidence", [pdf, png, xlsx, docx], ids=["pdf", "png", "xlsx", "docx"])
def test_accepted_evidence_types(world, recent, evidence):
    assert manual(world, when=recent, evidence=evidence()).evidence


def test_end_before_start_is_refused(world, recent):
    start, end = recent
    assert refused(world, (end, start), "ended_at") == ["结束时间必须晚于开始时间。"]


def test_future_use_is_refused(world):
    start = timezone.now() + dt.timedelta(hours=1)
    messages = refused(world, (start, start + dt.timedelta(hours=1)), "ended_at")
    assert "晚于当前时间" in messages[0]


def test_use_still_running_is_refused(world):
    start = timezone.now() - dt.timedelta(hours=1)
    assert refused(world, (start, start + dt.timedelta(hours=2)), "ended_at")


def test_more_hours_than_the_span_are_refused(world, recent):
    messages = refused(world, recent, "machine_hours", machine_hours=Decimal("2.01"))
    assert messages == ["有效机时不能超过起止时间之差（2.00 小时）。"]


@pytest.mark.parametrize("hours", [Decimal("0"), Decimal("-1"), "abc"])
def test_hours_must_be_a_positive_number(world, recent, hours):
    assert refused(world, recent, "machine_hours", machine_hours=hours)


def test_missing_evidence_is_refused(world, recent):
    assert "佐证材料" in refused(world, recent, "evidence", evidence=None)[0]


@pytest.mark.parametrize(
    "upload",
    [
        lambda: pdf(name="run.exe"),
        lambda: pdf(name="登记表.xlsx"),
        lambda: png(name="扫描件.pdf"),
        lambda: xlsx(name="登记.docx"),
        lambda: pdf(name="说明.txt"),
    ],
    ids=["exe", "pdf-named-xlsx", "png-named-pdf", "xlsx-named-docx", "txt"],
)
def test_wrong_file_types_are_refused(world, recent, upload):
    assert refused(world, recent, "evidence", evidence=upload())


def test_evidence_over_ten_megabytes_is_refused(world, recent):
    messages = refused(world, recent, "evidence", evidence=pdf(size=10 * 1024 * 1024 + 1))
    assert "超过上限" in messages[0]


def test_every_problem_is_reported_at_once(world, recent):
    start, end = recent
    with pytest.raises(ValidationError) as caught:
        manual(world, when=(end, start), user_name=" ", evidence=None, sample_count=-1, fee=Decimal("-5"))
    assert set(caught.value.message_dict) >= {"ended_at", "user_name", "evidence", "sample_count", "fee"}
    assert not UsageRecord.objects.exists()


def completed_service_usage(world, start, end, kind=ServiceKind.SELF_OPERATION):
    service = CompletedRecordFactory(
        kind=kind,
        instrument=world.published_a,
        started_at=start,
        ended_at=end,
        user=world.users["external_user"],
        user_organization=world.enterprise,
    )
    return services.record_for_service(service, fee=Decimal("100"), actor=world.users["technician_a"])


def test_overlapping_a_completed_bookings_usage_is_refused(world, recent):
    start, end = recent
    completed_service_usage(world, start + dt.timedelta(hours=1), end + dt.timedelta(hours=1))
    with pytest.raises(ValidationError) as caught:
        manual(world, when=recent)
    assert "已完成预约" in caught.value.message_dict["started_at"][0]
    assert UsageRecord.objects.filter(source=UsageRecord.Source.MANUAL).count() == 0
    # Right after the booking is fine, as is the same time on another instrument.
    assert manual(world, when=(end + dt.timedelta(hours=1), end + dt.timedelta(hours=2))).pk
    other = InstrumentFactory(unit=world.unit_a, registration_status=RegistrationStatus.PUBLISHED)
    assert manual(world, when=recent, instrument=other).pk


def test_commissioned_testing_at_the_same_time_does_not_block_offline_use(world, recent):
    completed_service_usage(world, *recent, kind=ServiceKind.COMMISSIONED_TESTING)
    assert manual(world, when=recent).pk


def test_an_instrument_of_another_unit_is_refused(world, recent):
    other = InstrumentFactory(unit=world.unit_b, registration_status=RegistrationStatus.PUBLISHED)
    with pytest.raises(PermissionDenied):
        manual(world, when=recent, instrument=other)
    for role in ("officer_a", "external_user", "department_admin_a", "platform_admin"):
        with pytest.raises(PermissionDenied):
            manual(world, role, when=recent)
    assert not UsageRecord.objects.exists()


def test_a_correction_is_recorded_with_who_and_what(world, recent, django_capture_on_commit_callbacks):
    record = manual(world, when=recent)
    old_file = record.evidence.name
    storage = record.evidence.storage
    with django_capture_on_commit_callbacks(execute=True):
        updated = services.update_manual_usage(
            record,
            actor=world.users["unit_admin_a"],
            machine_hours=Decimal("1.50"),
            user_organization=world.enterprise,
            evidence=png(),
        )
    assert (updated.machine_hours, updated.is_external) == (Decimal("1.50"), True)
    event = AuditEvent.objects.for_object(updated).last()
    assert (event.action, event.actor) == ("update", world.users["unit_admin_a"])
    assert event.data["changes"]["machine_hours"] == ["2.00", "1.50"]
    assert event.data["changes"]["user_organization"] == ["", world.enterprise.name]
    assert updated.evidence.name != old_file and not storage.exists(old_file)


def test_a_correction_is_checked_like_a_new_record(world, recent):
    record = manual(world, when=recent)
    with pytest.raises(ValidationError) as caught:
        services.update_manual_usage(record, actor=world.users["technician_a"], machine_hours=Decimal("3"))
    assert "machine_hours" in caught.value.message_dict
    record.refresh_from_db()
    assert record.machine_hours == Decimal("2.00")
    assert AuditEvent.objects.for_object(record).count() == 1


def test_deletion_keeps_the_history(world, recent, django_capture_on_commit_callbacks):
    record = manual(world, when=recent)
    number, storage, name = record.pk, record.evidence.storage, record.evidence.name
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_manual_usage(record, actor=world.users["technician_a"])
    assert not UsageRecord.objects.filter(pk=number).exists()
    events = AuditEvent.objects.for_model(UsageRecord).filter(object_id=number)
    assert [e.action for e in events] == ["create", "delete"]
    assert events[1].target is None and events[1].data["changes"]["user_name"] == ["李同学", ""]
    assert events[1].data["unit"] == world.unit_a.pk
    assert not storage.exists(name)


def test_only_the_units_service_staff_may_change_and_only_in_the_month_entered(world, recent):
    record = manual(world, when=recent)
    for role in ("unit_admin_b", "officer_a", "department_admin_a"):
        with pytest.raises(PermissionDenied):
            services.update_manual_usage(record, actor=world.users[role], user_name="X")
        with pytest.raises(PermissionDenied):
            services.delete_manual_usage(record, actor=world.users[role])
    UsageRecord.objects.filter(pk=record.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
    record.refresh_from_db()
    with pytest.raises(ValidationError, match="登记当月"):
        services.delete_manual_usage(record, actor=world.users["technician_a"])
    assert not services.can_change(access_for(world.users["technician_a"]), record)
    assert UsageRecord.objects.filter(pk=record.pk).exists()


def test_records_from_bookings_cannot_be_changed_by_hand(world, recent):
    record = completed_service_usage(world, *recent)
    with pytest.raises(ValidationError, match="不能手工修改"):
        services.update_manual_usage(record, actor=world.users["technician_a"], machine_hours=Decimal("1"))
    with pytest.raises(ValidationError):
        services.delete_manual_usage(record, actor=world.users["technician_a"])


def test_evidence_is_stored_under_a_random_name_with_its_real_extension(world, recent):
    record = manual(world, when=recent, evidence=png(name="../../记录照片.PNG"))
    stored = record.evidence.name.rsplit("/", 1)[1]
    assert stored.endswith(".png") and len(stored) == 32 + 4 and "记录" not in stored


def test_a_web_page_posing_as_a_pdf_is_refused(world, recent):
    page = SimpleUploadedFile("登记表.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>")
    assert "不符" in refused(world, recent, "evidence", evidence=page)[0]
