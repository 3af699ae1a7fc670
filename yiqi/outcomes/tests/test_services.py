"""Recording results, what each kind must carry, users' acknowledgements and the unit's decision, and the counts
the evaluation and the national yearly record read."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from yiqi.accounts.access import access_for
from yiqi.core.models import AuditEvent
from yiqi.notifications.models import Notification
from yiqi.outcomes import identifiers, services
from yiqi.outcomes.models import Outcome, OutcomeStatus

from .factories import OutcomeFactory


def record(world, kind="paper", *, user=None, instruments=None, **fields):
    user = user or world.officer
    defaults = {"title": "钛合金疲劳裂纹萌生机制", "date": dt.date(2025, 5, 1)}
    return services.save_outcome(
        Outcome(unit=world.unit, kind=kind, **{**defaults, **fields}),
        access=access_for(user),
        user=user,
        instrument_ids=[world.sem.pk] if instruments is None else instruments,
    )


def errors_of(call) -> dict:
    with pytest.raises(ValidationError) as refused:
        call()
    return refused.value.message_dict


@pytest.mark.parametrize(
    ("cleaner", "typed", "stored"),
    [
        ("clean_doi", "https://doi.org/10.1016/J.ACTAMAT.2020.01.001", "10.1016/j.actamat.2020.01.001"),
        ("clean_doi", "doi:10.1038/s41586-020-2649-2", "10.1038/s41586-020-2649-2"),
        ("clean_patent", "ZL 2017 1 0601862.3", "ZL201710601862.3"),
        ("clean_patent", "ＣＮ１１２３４５６７８Ｂ", "CN112345678B"),
        ("clean_standard", "gb/t32100—2015", "GB/T 32100-2015"),
        ("clean_standard", "DB61/T1234-2019", "DB61/T 1234-2019"),
        ("clean_standard", "ISO/IEC 17025:2017", "ISO/IEC 17025:2017"),
        ("clean_project", "2021yfa1234500", "2021YFA1234500"),
    ],
)
def test_numbers_are_stored_in_one_spelling(cleaner, typed, stored):
    assert getattr(identifiers, cleaner)(typed) == stored


@pytest.mark.parametrize(
    ("cleaner", "typed"),
    [
        ("clean_doi", "10.12/abc"),
        ("clean_doi", "doi.org/abc"),
        ("clean_patent", "ZL201710601862.4"),  # wrong check digit
        ("clean_patent", "123"),
        ("clean_standard", "GB 32100"),  # no year
        ("clean_project", "项目一"),
    ],
)
def test_malformed_numbers_are_refused(cleaner, typed):
    with pytest.raises(ValueError):
        getattr(identifiers, cleaner)(typed)


def test_a_unit_records_a_confirmed_paper_linked_to_its_instruments(world):
    paper = record(world, identifier="https://doi.org/10.1016/J.Actamat.2025.1", source="Acta Materialia")
    assert paper.status == OutcomeStatus.CONFIRMED
    assert paper.identifier == "10.1016/j.actamat.2025.1"
    assert list(paper.instruments.all()) == [world.sem]
    assert AuditEvent.objects.for_object(paper).get().action == "create"


def test_the_same_doi_twice_in_one_unit_is_refused_however_it_is_written(world):
    record(world, identifier="10.1016/j.actamat.2025.1", source="Acta Materialia")
    errors = errors_of(
        lambda: record(world, identifier="DOI:10.1016/J.ACTAMAT.2025.1", source="Acta Materialia")
    )
    assert "已登记" in errors["identifier"][0]
    assert Outcome.objects.count() == 1
    # Another unit may record the same paper for its own instrument.
    other = services.save_outcome(
        Outcome(
            unit=world.other_unit,
            kind="paper",
            title="同一篇论文",
            identifier="10.1016/j.actamat.2025.1",
            source="Acta Materialia",
            date=dt.date(2025, 5, 1),
        ),
        access=access_for(world.other_admin),
        user=world.other_admin,
        instrument_ids=[world.foreign.pk],
    )
    assert other.pk


def test_the_database_refuses_a_duplicate_number_too(world):
    OutcomeFactory(unit=world.unit, identifier="10.1000/one")
    with pytest.raises(IntegrityError), transaction.atomic():
        OutcomeFactory(unit=world.unit, identifier="10.1000/one")


@pytest.mark.parametrize(
    ("kind", "fields", "field"),
    [
        ("paper", {"source": "Acta Materialia"}, "identifier"),
        ("paper", {"identifier": "10.1000/x1"}, "source"),
        ("patent", {}, "identifier"),
        ("patent", {"identifier": "ZL201710601862.4"}, "identifier"),
        ("standard", {"identifier": "企业标准"}, "identifier"),
        ("award", {"source": "陕西省人民政府"}, "level"),
        ("project", {"identifier": "2023-YBGY-123", "level": "provincial"}, "source"),
    ],
)
def test_each_kind_must_carry_its_number_and_particulars(world, kind, fields, field):
    errors = errors_of(lambda: record(world, kind, **fields))
    assert field in errors
    assert not Outcome.objects.exists()


def test_an_award_needs_no_certificate_number_and_a_paper_has_no_level(world):
    award = record(world, "award", source="陕西省人民政府", level="provincial")
    paper = record(world, identifier="10.1000/x2", source="物理学报", level="national")
    assert award.identifier == "" and paper.level == ""


def test_results_link_only_the_units_own_instruments_and_services(world):
    assert "instruments" in errors_of(
        lambda: record(world, identifier="10.1000/x3", source="J", instruments=[])
    )
    assert "instruments" in errors_of(
        lambda: record(world, identifier="10.1000/x3", source="J", instruments=[world.foreign.pk])
    )
    assert "date" in errors_of(
        lambda: record(world, identifier="10.1000/x3", source="J", date=dt.date(1900, 1, 1))
    )


def test_only_the_units_record_keepers_record_and_correct_results(world):
    with pytest.raises(PermissionDenied):
        record(world, user=world.technician, identifier="10.1000/x4", source="J")
    paper = record(world, identifier="10.1000/x4", source="J")
    paper.title = "改过的题目"
    with pytest.raises(PermissionDenied):
        services.save_outcome(
            paper, access=access_for(world.other_admin), user=world.other_admin, instrument_ids=[world.sem.pk]
        )


def acknowledge(world, record_id=None, user=None, doi="10.1000/ack.1"):
    user = user or world.user
    return services.acknowledge(
        access_for(user),
        user=user,
        record_id=record_id or world.served.pk,
        title="基于扫描电镜的断口分析",
        doi=doi,
        journal="材料导报",
        date=dt.date(2025, 9, 1),
    )


def test_a_served_user_acknowledges_a_paper_and_the_unit_confirms_it(world):
    ack = acknowledge(world)
    assert ack.status == OutcomeStatus.PENDING and ack.acknowledged_by_user
    assert list(ack.service_records.all()) == [world.served]
    assert list(ack.instruments.all()) == [world.sem]
    assert Notification.objects.filter(recipient__in=[world.admin, world.officer]).count() == 2
    assert (
        services.counts([world.unit.pk], dt.date(2025, 1, 1), dt.date(2025, 12, 31))[world.unit.pk]["paper"]
        == 0
    )
    confirmed = services.decide(ack, "confirm", access=access_for(world.admin), actor=world.admin)
    assert confirmed.status == OutcomeStatus.CONFIRMED
    assert (
        services.counts([world.unit.pk], dt.date(2025, 1, 1), dt.date(2025, 12, 31))[world.unit.pk]["paper"]
        == 1
    )
    assert Notification.objects.filter(recipient=world.user).exists()
    assert [e.action for e in AuditEvent.objects.for_object(ack).order_by("pk")] == ["create", "confirm"]


def test_only_a_party_to_a_completed_service_acknowledges_from_it(world):
    assert "service_record" in errors_of(lambda: acknowledge(world, record_id=world.open_record.pk))
    assert "service_record" in errors_of(lambda: acknowledge(world, user=world.stranger))
    assert not Outcome.objects.exists()


def test_a_decline_needs_a_reason_and_frees_the_doi(world):
    ack = acknowledge(world)
    assert "comment" in errors_of(
        lambda: services.decide(ack, "decline", access=access_for(world.admin), actor=world.admin)
    )
    with pytest.raises(PermissionDenied):
        services.decide(ack, "confirm", access=access_for(world.user), actor=world.user)
    services.decide(
        ack, "decline", access=access_for(world.admin), actor=world.admin, comment="未标注本单位仪器"
    )
    again = acknowledge(world)
    assert again.pk != ack.pk


def test_the_user_withdraws_a_waiting_acknowledgement_but_not_a_confirmed_one(world):
    ack = acknowledge(world)
    assert services.can_delete(access_for(world.user), ack)
    services.decide(ack, "confirm", access=access_for(world.officer), actor=world.officer)
    ack.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.delete_outcome(ack, access=access_for(world.user), actor=world.user)
    services.delete_outcome(ack, access=access_for(world.officer), actor=world.officer)
    assert not Outcome.objects.exists()


def test_counts_take_confirmed_results_dated_in_the_period_weighted_by_kind(world, settings):
    settings.YIQI_OUTCOME_WEIGHTS = {"paper": 1, "patent": 2, "standard": 3, "award": 5, "project": 2}
    OutcomeFactory(unit=world.unit, date=dt.date(2025, 1, 1))
    OutcomeFactory(unit=world.unit, date=dt.date(2025, 12, 31))
    OutcomeFactory(unit=world.unit, date=dt.date(2024, 12, 31))  # before the period
    OutcomeFactory(unit=world.unit, date=dt.date(2025, 3, 1), status=OutcomeStatus.PENDING)
    OutcomeFactory(unit=world.unit, kind="patent", identifier="ZL201710601862.3", date=dt.date(2025, 3, 1))
    OutcomeFactory(unit=world.unit, kind="award", identifier="", level="provincial", date=dt.date(2025, 3, 1))
    OutcomeFactory(unit=world.other_unit, date=dt.date(2025, 3, 1))
    counts = services.counts([world.unit.pk, world.other_unit.pk], dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert counts[world.unit.pk] == {
        "paper": 2,
        "patent": 1,
        "standard": 0,
        "award": 1,
        "project": 0,
        "weighted": 2 + 2 + 5,
    }
    assert counts[world.other_unit.pk]["weighted"] == 1
