"""A province takes what its cities report into its own data: the instruments and service records of the owning unit
(by the unit code it issued), through the registry's and the service upserts' rules; the same record again changes
nothing, and a record it cannot take is returned with the reason and not kept."""

import json

import pytest

from yiqi.exchange import records
from yiqi.exchange.models import ReceivedRecord
from yiqi.exchange.services import receiving
from yiqi.registry.models import Instrument, RegistrationStatus
from yiqi.servicerecords.models import ServiceRecord, ServiceStatus
from yiqi.servicerecords.tests.factories import CompletedRecordFactory
from yiqi.usage.models import UsageRecord

from .factories import UnitCodeFactory

CODE = "gdins00031"


@pytest.fixture
def province(db, world, settings):
    settings.YIQI_PLATFORM_LEVEL = "province"
    UnitCodeFactory(unit=world.unit_a, code=CODE)
    return world


def _send(record_type, payload):
    return receiving.receive(
        CODE, record_type, json.dumps(payload, ensure_ascii=False), issued_codes_only=True
    )


def _city_records(world):
    """What a city platform would send for one instrument and one completed service of it, under its own numbers."""
    instrument = world.published_a
    instrument.disciplines, instrument.room, instrument.service_content = "150", "A101", "形貌观察"
    instrument.save()
    service = CompletedRecordFactory(instrument=instrument, content="样品形貌观察")
    codes = {world.unit_a.pk: CODE}
    built = next(
        b for b in records.instrument_records(codes, 2026, ids=[instrument.pk]) if b.record_type == 4
    )
    done = next(records.service_records(codes, ids=[service.pk]))
    city_instrument = built.payload | {"innerId": "CITY-001"}
    city_service = done.payload | {"innerId": "CITY-001", "recordInnerId": "9001", "amounts": "250.00"}
    return city_instrument, city_service


def test_a_citys_instrument_and_service_become_the_provinces_own(province):
    instrument_payload, service_payload = _city_records(province)
    assert _send(4, instrument_payload) == ("100", "成功")
    taken = Instrument.objects.get(unit=province.unit_a, asset_number="CITY-001")
    assert taken.registration_status == RegistrationStatus.DRAFT and taken.name == instrument_payload["cname"]

    assert _send(6, service_payload)[0] == "100"
    service = ServiceRecord.objects.get(instrument=taken)
    assert service.status == ServiceStatus.COMPLETED and service.unit == province.unit_a
    assert service.user.full_name == service_payload["applicant"] and not service.user.is_active
    assert service.hours == 2 and service.content == "样品形貌观察"
    assert UsageRecord.objects.get(record=service).fee == 250

    # The same records again change nothing.
    counts = (Instrument.objects.count(), ServiceRecord.objects.count(), UsageRecord.objects.count())
    assert _send(4, instrument_payload)[0] == "100" and _send(6, service_payload)[0] == "100"
    assert (Instrument.objects.count(), ServiceRecord.objects.count(), UsageRecord.objects.count()) == counts

    # A corrected instrument corrects the province's draft.
    assert _send(4, instrument_payload | {"cname": "场发射扫描电镜"})[0] == "100"
    taken.refresh_from_db()
    assert taken.name == "场发射扫描电镜"


def test_a_record_the_province_cannot_take_is_returned_and_not_kept(province):
    instrument_payload, service_payload = _city_records(province)
    code, message = _send(4, instrument_payload | {"instrCategory": "999999"})
    assert code == "202" and message.startswith("退回")
    assert not ReceivedRecord.objects.exists()
    assert not Instrument.objects.filter(asset_number="CITY-001").exists()

    assert _send(4, instrument_payload)[0] == "100"
    late = service_payload | {"serviceTime": "2090-01-01 08", "endTime": "2090-01-01 10"}
    code, message = _send(6, late)
    assert code == "202" and "ended_at" in message
    assert not ReceivedRecord.objects.filter(record_type=6).exists()
    assert not ServiceRecord.objects.filter(instrument__asset_number="CITY-001").exists()
