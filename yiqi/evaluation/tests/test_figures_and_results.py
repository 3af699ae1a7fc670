"""Computed figures, totals, ranks, grades, tie-breaks and subsidies against small cases worked by hand."""

import datetime as dt
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yiqi.accounts.tests.factories import UserFactory
from yiqi.booking.models import ServiceSettings
from yiqi.evaluation.services import defaults, figures, results
from yiqi.feedback.models import Complaint
from yiqi.monitoring.tests.factories import DeviceFactory
from yiqi.organizations.tests.factories import OrganizationFactory
from yiqi.registry.models import Instrument, RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory
from yiqi.usage.models import UsageRecord
from yiqi.usage.tests.factories import UsageRecordFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
PUBLISHED = RegistrationStatus.PUBLISHED


def at(*args):
    return dt.datetime(*args, tzinfo=SHANGHAI)


def used(instrument, hours, verified=None, *, external=False, when=None):
    record = UsageRecordFactory(
        instrument=instrument,
        machine_hours=D(hours),
        is_external=external,
        started_at=when or at(2025, 6, 1, 9),
    )
    if verified is not None:
        UsageRecord.objects.filter(pk=record.pk).update(verified_hours=D(verified))
    return record


@pytest.fixture
def units():
    a, b = OrganizationFactory(), OrganizationFactory()
    shared = InstrumentFactory(unit=a, registration_status=PUBLISHED, original_value=D("3000000"))
    private = InstrumentFactory(
        unit=a,
        registration_status=PUBLISHED,
        original_value=D("1000000"),
        sharing_mode=Instrument.SharingMode.NOT_SHARED,
        not_shared_reason="涉密项目专用",
    )
    InstrumentFactory(unit=a, original_value=D("1000000"))  # a draft: shareable but not open
    InstrumentFactory(
        unit=a, registration_status=PUBLISHED, original_value=D("100000")
    )  # under the threshold
    ServiceSettings.objects.create(instrument=shared, bookings_open=True)
    DeviceFactory(instrument=shared)
    used(shared, "100", "90")
    used(shared, "50", "50", external=True)
    used(private, "30")
    used(shared, "1000", when=at(2024, 12, 31, 23))  # the night before the period, Beijing time
    b_instrument = InstrumentFactory(unit=b, registration_status=PUBLISHED)
    used(b_instrument, "10", "5", external=True)
    return a, b


def test_figures_worked_by_hand(units):
    a, b = units
    computed = figures.compute([a.pk, b.pk], *YEAR, threshold=D("200000"))[a.pk]
    assert computed["open_rate"]["declared"] == "0.6000"  # 3 M open of 5 M shareable
    assert computed["bookable_share"]["declared"] == "0.3333"  # 1 of 3 published
    assert computed["monitoring_coverage"]["declared"] == "0.3333"
    # 180 h declared on 3 published instruments over a whole year; telemetry confirmed 140 h.
    assert computed["effective_hours"] == {"declared": "60.0", "verified": "46.7", "gap": False}
    assert computed["external_hours"]["declared"] == "16.7"
    assert computed["sharing_rate"] == {"declared": "0.2778", "verified": "0.3571", "gap": False}
    assert computed["verified_share"]["declared"] == "0.7778"
    assert computed["rating_count"]["declared"] == "0" and computed["rating_average"]["declared"] is None
    # Unit B declared 10 h where telemetry saw 5: the gap is flagged.
    assert figures.compute([b.pk], *YEAR, threshold=D("200000"))[b.pk]["effective_hours"]["gap"] is True


def test_figures_are_set_based_and_link_to_their_rows(units):
    a, b = units
    with CaptureQueriesContext(connection) as two:
        figures.compute([a.pk, b.pk], *YEAR, threshold=D("200000"))
    more = [OrganizationFactory() for _ in range(5)]
    for unit in more:
        used(InstrumentFactory(unit=unit, registration_status=PUBLISHED), "3")
    with CaptureQueriesContext(connection) as seven:
        figures.compute([a.pk, b.pk, *(u.pk for u in more)], *YEAR, threshold=D("200000"))
    assert len(seven) == len(two)
    rows = figures.rows_behind("effective_hours", a.pk, *YEAR, threshold=D("200000"))
    assert sorted(r.machine_hours for r in rows) == [D("30"), D("50"), D("100")]
    assert figures.rows_behind("open_rate", a.pk, *YEAR, threshold=D("200000")).count() == 3


def test_only_complaints_found_upheld_count_against_the_unit(units):
    a, _b = units
    complainant = UserFactory()
    for number, upheld in enumerate((True, False, None)):  # upheld, not upheld, still being handled
        Complaint.objects.create(
            number=f"TS{number}",
            complainant=complainant,
            unit=a,
            subject="报告延误",
            description="报告晚于约定日期。",
            due_on=dt.date(2025, 6, 30),
            upheld=upheld,
        )
    Complaint.objects.filter(unit=a).update(created_at=at(2025, 6, 1, 9))
    computed = figures.compute([a.pk], *YEAR, threshold=D("200000"))[a.pk]
    assert computed["complaints"]["declared"] == "1"
    assert [c.number for c in figures.rows_behind("complaints", a.pk, *YEAR, threshold=D("200000"))] == [
        "TS0"
    ]


def shaanxi_figures(open_rate, bookable, hours, sharing, rating):
    def f(v):
        return {"declared": None if v is None else str(v), "verified": None, "gap": False}

    return {
        "open_rate": f(open_rate),
        "bookable_share": f(bookable),
        "effective_hours": f(hours),
        "sharing_rate": f(sharing),
        "rating_average": f(rating),
    }


def test_total_rank_grade_and_tie_break_worked_by_hand():
    shaanxi, _national = defaults.ensure_defaults()
    figs = {
        1: shaanxi_figures("0.6", "0.5", "1200", "0.25", "4.5"),
        2: shaanxi_figures("1", "1", "2000", "0.35", "5"),
        3: shaanxi_figures("0.5", "0", "800", "0.05", None),
        4: shaanxi_figures("0.5", "0.2", "800", "0", None),
    }
    full = {"1.1": [5], "1.3": [10], "2.2": [20]}
    marks = {1: {"1.1": [4, 5, 3], "1.3": [8, 8, 8], "2.2": [15, 16, 17, 18, 20]}, 2: full, 3: full, 4: full}
    points = results.leaf_points(shaanxi, figs, marks)
    # 6 + 7.5 + 15 + 8 (band 20 %) + 9 + 4 + 8 + 17 (trimmed mean)
    assert points[1] == {
        "1.1": D("4.00"), "1.2": D("6.00"), "1.3": D("8.00"), "1.4": D("7.50"),
        "2.1": D("15.00"), "2.2": D("17.00"), "3.1": D("8.00"), "3.2": D("9.00"),
    }  # fmt: skip
    standings = {s.unit_id: s for s in results.rank(shaanxi, points)}
    assert [(standings[u].total, standings[u].rank, standings[u].grade) for u in (1, 2, 3, 4)] == [
        (D("74.50"), 2, "pass"),
        (D("100.00"), 1, "excellent"),
        (D("53.00"), 3, "poor"),  # ties with unit 4 on 53; wins on the sharing score (3 against 0)
        (D("53.00"), 4, "poor"),
    ]
    fraud = {s.unit_id: s for s in results.rank(shaanxi, points, fraud={2})}
    assert (fraud[2].total, fraud[2].rank, fraud[2].grade) == (D("100.00"), 1, "poor")


def test_verified_values_score_where_telemetry_gives_them():
    assert results.value_of({"declared": "1200", "verified": "800", "gap": True}) == D("800")
    assert results.value_of({"declared": "1200", "verified": None, "gap": False}) == D("1200")


def test_subsidies_reconcile_to_the_fen():
    assert results.subsidies({1: 1, 2: 1, 3: 1}, D("100")) == {1: D("33.34"), 2: D("33.33"), 3: D("33.33")}
    assert results.subsidies({1: 2, 2: 1}, D("0.10")) == {1: D("0.07"), 2: D("0.03")}
    # Unit 1's proportional share (333,333.33) is over the cap; what it frees goes to the others.
    capped = results.subsidies({1: 10, 2: 1, 3: 1}, D("400000"))
    assert capped == {1: D("300000.00"), 2: D("50000.00"), 3: D("50000.00")}
    assert results.subsidies({1: 1, 2: 1}, D("700000")) == {1: D("300000.00"), 2: D("300000.00")}
    odd = results.subsidies({u: u * 7 for u in range(1, 12)}, D("123456.78"))
    assert sum(odd.values()) == D("123456.78")
    assert results.subsidies({1: 0}, D("100")) == {}
