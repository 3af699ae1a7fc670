"""A unit's own system pushes its instruments by its own numbers: registered as drafts through the registry's rules,
corrected while still editable, the whole batch or nothing, and the same batch again changes nothing."""

import pytest
from django.core.cache import cache

from yiqi.core.models import AuditEvent
from yiqi.registry.models import Instrument, RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory

from .test_unit_systems import _issue, _system

pytestmark = pytest.mark.django_db
INSTRUMENTS = "/api/v1/exchange/unit/instruments/"


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()


def _item(n, **changes):
    return {
        "asset_number": f"LIMS-I-{n}",
        "name": f"激光共聚焦显微镜 {n}",
        "category": "010102",
        "original_value": "1250000.00",
        "manufacturer": "蔡司",
        "country_of_origin": "DE",
        "model_spec": "LSM 980",
        "technical_indicators": "分辨率 120 nm",
        "main_functions": "活细胞成像",
        "acceptance_date": "2023-06-01",
        "contact_name": "王老师",
        "contact_phone": "029-88881234",
    } | changes


def _pusher(client_for, world, client, scopes=("write_instruments",)):
    return _system(client, _issue(client_for, world, scopes=scopes))


def test_a_unit_system_registers_instruments_and_a_replay_writes_nothing(
    world, client_for, client, django_assert_max_num_queries
):
    system = _pusher(client_for, world, client)
    batch = {"records": [_item(n) for n in range(3)]}
    first = system.post(INSTRUMENTS, batch, content_type="application/json")
    assert first.status_code == 200, first.content
    assert first.json() == {"created": 3, "updated": 0, "unchanged": 0}
    made = Instrument.objects.get(unit=world.unit_a, asset_number="LIMS-I-1")
    assert made.registration_status == RegistrationStatus.DRAFT and made.category_id == "010102"
    before = (
        AuditEvent.objects.count(),
        list(Instrument.objects.order_by("pk").values_list("updated_at", flat=True)),
    )
    with django_assert_max_num_queries(12):  # a replay costs the same whatever the batch's size
        again = system.post(
            INSTRUMENTS, {"records": [_item(n) for n in range(3)]}, content_type="application/json"
        )
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 3}
    after = (
        AuditEvent.objects.count(),
        list(Instrument.objects.order_by("pk").values_list("updated_at", flat=True)),
    )
    assert after == before


def test_a_correction_updates_the_draft_by_the_units_number(world, client_for, client):
    system = _pusher(client_for, world, client)
    system.post(INSTRUMENTS, {"records": [_item(1)]}, content_type="application/json")
    answer = system.post(
        INSTRUMENTS, {"records": [_item(1, model_spec="LSM 990"), _item(2)]}, content_type="application/json"
    )
    assert answer.json() == {"created": 1, "updated": 1, "unchanged": 0}
    assert Instrument.objects.get(unit=world.unit_a, asset_number="LIMS-I-1").model_spec == "LSM 990"


def test_one_bad_record_refuses_the_batch_with_its_index_number_and_field(world, client_for, client):
    system = _pusher(client_for, world, client)
    reviewed = InstrumentFactory(unit=world.unit_a, registration_status=RegistrationStatus.SUBMITTED)
    batch = {
        "records": [
            _item(1),
            _item(2, category="999999"),
            _item(3, acceptance_date="2999-01-01"),
            _item(4, asset_number=reviewed.asset_number, model_spec="改"),
            _item(1),
        ]
    }
    answer = system.post(INSTRUMENTS, batch, content_type="application/json")
    assert answer.status_code == 400 and answer.json()["code"] == "invalid_records"
    assert {(e["index"], e["id"], e["field"]) for e in answer.json()["errors"]} == {
        (1, "LIMS-I-2", "category"),
        (2, "LIMS-I-3", "acceptance_date"),
    }
    # Typed, the rest is checked by the registry: a record under review is not the system's to change, a number twice.
    batch["records"][1:3] = [_item(2), _item(3)]
    answer = system.post(INSTRUMENTS, batch, content_type="application/json")
    assert {(e["index"], e["field"]) for e in answer.json()["errors"]} == {
        (3, "non_field_errors"),
        (4, "asset_number"),
    }
    assert not Instrument.objects.filter(asset_number__startswith="LIMS-I-").exists()
    reviewed.refresh_from_db()
    assert reviewed.model_spec != "改"


def test_pushing_instruments_needs_the_scope(world, client_for, client):
    system = _pusher(client_for, world, client, scopes=("read", "write_services"))
    answer = system.post(INSTRUMENTS, {"records": [_item(1)]}, content_type="application/json")
    assert answer.status_code == 403 and answer.json()["code"] == "scope_missing"
    assert not Instrument.objects.filter(asset_number="LIMS-I-1").exists()
