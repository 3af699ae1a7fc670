"""National records: every field as it travels, and the problems that would make the platform refuse one."""

from decimal import Decimal

import pytest

from yiqi.exchange import records, validation
from yiqi.exchange.models import NationalRecord, RecordType
from yiqi.exchange.services import outbox
from yiqi.feedback.models import Rating
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory
from yiqi.servicerecords.models import ServiceKind
from yiqi.servicerecords.tests.factories import CompletedRecordFactory, ServiceRecordFactory

from .factories import UnitCodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def instrument(world):
    UnitCodeFactory(unit=world.unit_a, code="a" * 32)
    instrument = world.published_a
    instrument.disciplines = "150,17010"
    instrument.original_value = Decimal("3200000.00")
    instrument.service_content = "形貌观察"
    instrument.customs_supervised = True
    instrument.customs_declaration_number = "530120241234567890"
    instrument.customs_import_date = instrument.acceptance_date
    instrument.customs_item_number = "1"
    instrument.customs_form_name = "扫描电子显微镜"
    instrument.building, instrument.room = "材料楼", "A101"
    instrument.save()
    return instrument


def built(record_type, **kwargs):
    codes = outbox.unit_codes()
    if record_type == records.SERVICE:
        rows = records.service_records(codes)
    else:
        rows = records.instrument_records(codes, outbox.reporting_year())
    return [b for b in rows if b.record_type == record_type]


def test_instrument_record_travels_with_national_names_and_formats(instrument):
    (record,) = built(records.INSTRUMENT)
    payload = record.payload
    assert payload["insCode"] == "a" * 32
    assert payload["innerId"] == instrument.asset_number
    assert payload["worth"] == "320.00"  # 10,000 CNY, two decimals
    assert payload["nation"] == "JPN"
    assert payload["instrCategory"] == "010102"
    assert payload["subject"] == "150,17010"
    assert payload["instrSource"] == "购置"
    assert payload["shareMode"] == "外部共享"
    assert payload["beginDate"] == instrument.acceptance_date.strftime("%Y-%m-%d")
    assert payload["instrSupervise"] == "是"
    assert validation.problems(4, payload) == []


def test_customs_record_follows_its_instrument(instrument):
    (customs,) = built(records.CUSTOMS)
    assert customs.payload["declarationNumber"] == "530120241234567890"
    assert customs.instrument_key == str(instrument.pk)
    assert validation.problems(5, customs.payload) == []


def test_service_record_from_a_commissioned_test(instrument, world):
    service = CompletedRecordFactory(
        instrument=instrument, kind=ServiceKind.COMMISSIONED_TESTING, sample_count=6
    )
    Rating.objects.create(
        record=service, instrument=instrument, unit=instrument.unit, user=service.user,
        overall=4, timeliness=4, attitude=5, result_quality=4,
    )  # fmt: skip
    (record,) = built(records.SERVICE)
    payload = record.payload
    assert payload["serviceWay"] == "委托共享"
    assert payload["serviceAmount"] == "6"
    assert payload["comment"] == "满意"
    assert payload["serviceType"] == "130"
    assert len(payload["serviceTime"]) == len("2026-03-02 09")
    assert validation.problems(6, payload) == []


def test_yearly_hours_come_from_usage(instrument):
    from yiqi.usage.tests.factories import UsageRecordFactory

    UsageRecordFactory(instrument=instrument, machine_hours=Decimal("3.50"), is_external=True)
    payload = next(
        b.payload
        for b in records.instrument_records(outbox.unit_codes(), year=_usage_year(instrument))
        if b.record_type == records.INSTRUMENT
    )
    assert payload["runMachine"] == "3.50"
    assert payload["serviceMachine"] == "3.50"


def _usage_year(instrument):
    return instrument.usage_records.get().started_at.year


def test_problems_name_the_field_and_reason(instrument):
    instrument.technical_indicators = "长" * 501
    instrument.save()
    codes = {}  # the unit has no national code
    (record,) = [b for b in records.instrument_records(codes, 2025) if b.record_type == records.INSTRUMENT]
    found = {p["field"]: p["reason"] for p in outbox.check(record)}
    assert found["insCode"] == "单位尚未登记国家平台单位代码"
    assert "500" in found["technical"]


def test_refresh_stores_problems_as_the_units_to_do(instrument):
    instrument.unit.national_code.delete()
    outbox.rebuild()
    row = NationalRecord.objects.get(record_type=RecordType.INSTRUMENT)
    assert row.problems[0]["field"] == "insCode"
    # Without the unit's code every record of the unit (instrument, customs, yearly block) is a to-do.
    assert set(outbox.to_do(NationalRecord.objects.all())) == set(NationalRecord.objects.all())
    assert NationalRecord.objects.count() == 3


def test_drafts_are_not_reported(world):
    UnitCodeFactory(unit=world.unit_a)
    InstrumentFactory(unit=world.unit_a, registration_status=RegistrationStatus.DRAFT)
    outbox.rebuild()
    assert set(NationalRecord.objects.values_list("object_key", flat=True)) == {str(world.published_a.pk)} | {
        str(outbox.reporting_year())
    }


def test_the_export_sends_exactly_the_reportable_rows_in_order_across_chunks(world, monkeypatch):
    """Chunks are read by primary key and filtered in Python: the result must equal what the SQL filter selects."""
    monkeypatch.setattr(records, "CHUNK", 2)
    draft = InstrumentFactory(unit=world.unit_a, registration_status=RegistrationStatus.DRAFT)
    published = [
        InstrumentFactory(unit=world.unit_a, registration_status=RegistrationStatus.PUBLISHED) for _ in "ab"
    ]
    for instrument in (draft, *published, draft, published[0]):
        CompletedRecordFactory(instrument=instrument, unit=world.unit_a)
        ServiceRecordFactory(instrument=instrument, unit=world.unit_a)  # not completed: never sent
    codes = outbox.unit_codes()
    services = [b.object_key for b in records.service_records(codes)]
    assert services == [
        str(pk) for pk in records.reportable_services().order_by("pk").values_list("pk", flat=True)
    ]
    assert len(services) == 3
    reported = {b.object_key for b in records.instrument_records(codes, outbox.reporting_year())}
    assert reported == {str(pk) for pk in records.reportable_instruments().values_list("pk", flat=True)}
    assert str(draft.pk) not in reported
