"""Machine-hours, external-service hours and sharing rates, checked against figures worked out by hand."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yiqi.organizations.models import Organization, Region
from yiqi.organizations.tests.factories import DepartmentFactory, OrganizationFactory, RegionFactory
from yiqi.registry.models import Instrument
from yiqi.registry.tests.factories import InstrumentFactory
from yiqi.usage import totals
from yiqi.usage.tests.conftest import shanghai
from yiqi.usage.tests.factories import UsageRecordFactory

pytestmark = pytest.mark.django_db

D = Decimal


@dataclass
class Province:
    units: dict[str, Organization]
    instruments: dict[str, Instrument]
    departments: dict


@pytest.fixture
def province() -> Province:
    """Three units in two provinces; the records of 2026 add up to the figures in the tests below.

    unit_a (dept A, 西安市雁塔区)  a1: 2.00 internal (2026-01-01 00:30 Shanghai) + 3.50 external
                                   a2: 0.50 internal (2026-12-31 23:59); 1.00 external in 2025; one in 2027
    unit_b (dept B, 宝鸡市渭滨区)  b1: 4.00 external + 4.00 internal
    unit_c (dept A, 湖北仙桃市, a county the province administers directly)  c1: 1.25 external, c2: 0.00 hours
    """
    RegionFactory(code="610300", name="宝鸡市")
    hubei = Region.objects.create(code="420000", name="湖北省")
    xiantao = Region.objects.create(code="429004", name="仙桃市", parent=hubei)
    dept_a, dept_b = DepartmentFactory(name="甲厅"), DepartmentFactory(name="乙厅")
    units = {
        "a": OrganizationFactory(name="甲大学", supervising_department=dept_a),
        "b": OrganizationFactory(
            name="乙研究院", supervising_department=dept_b, region=RegionFactory(code="610302", name="渭滨区")
        ),
        "c": OrganizationFactory(name="丙学院", supervising_department=dept_a, region=xiantao),
    }
    enterprise = OrganizationFactory(
        name="丁公司", kind=Organization.Kind.ENTERPRISE, is_management_unit=False
    )
    instruments = {
        key: InstrumentFactory(unit=units[key[0]], name=f"仪器{key}", asset_number=f"ZC-{key}")
        for key in ("a1", "a2", "b1", "c1", "c2")
    }

    def record(key, start, hours, external=False, **extra):
        UsageRecordFactory(
            instrument=instruments[key],
            started_at=start,
            machine_hours=D(hours),
            is_external=external,
            user_organization=enterprise if external else units[key[0]],
            **extra,
        )

    record("a1", shanghai(2026, 1, 1, 0, 30), "2.00", sample_count=1)
    record("a1", shanghai(2026, 3, 10, 9), "3.50", external=True, sample_count=4, fee=D("350.00"))
    record("a2", shanghai(2025, 12, 31, 23, 30), "1.00", external=True)
    record("a2", shanghai(2026, 12, 31, 23, 59), "0.50")
    record("a2", shanghai(2027, 1, 1, 0, 0), "9.00", external=True)
    record("b1", shanghai(2026, 6, 1, 10), "4.00", external=True, fee=D("800.00"))
    record("b1", shanghai(2026, 6, 2, 10), "4.00")
    record("c1", shanghai(2026, 7, 1, 10), "1.25", external=True)
    record("c2", shanghai(2026, 7, 2, 10), "0.00")
    return Province(units, instruments, {"A": dept_a, "B": dept_b})


YEAR_2026 = {"start": shanghai(2026, 1, 1), "end": shanghai(2027, 1, 1)}


def figures(rows):
    return {
        row.label: (row.machine_hours, row.external_hours, row.internal_hours, row.sharing_rate)
        for row in rows
    }


def test_per_instrument_totals_count_records_by_their_local_start(province):
    rows = totals.usage_totals("instrument", **YEAR_2026)
    assert figures(rows) == {
        "仪器b1（ZC-b1）": (D("8.00"), D("4.00"), D("4.00"), D("0.5000")),
        "仪器a1（ZC-a1）": (D("5.50"), D("3.50"), D("2.00"), D("0.6364")),
        "仪器c1（ZC-c1）": (D("1.25"), D("1.25"), D("0.00"), D("1.0000")),
        "仪器a2（ZC-a2）": (D("0.50"), D("0.00"), D("0.50"), D("0.0000")),
        "仪器c2（ZC-c2）": (D("0.00"), D("0.00"), D("0.00"), None),
    }
    assert [row.key for row in rows[:2]] == [province.instruments["b1"].pk, province.instruments["a1"].pk]
    a1 = rows[1]
    assert (a1.records, a1.samples, a1.fees) == (2, 5, D("350.00"))


def test_per_unit_totals_most_hours_first(province):
    rows = totals.usage_totals("unit", **YEAR_2026)
    assert [row.key for row in rows] == [province.units[k].pk for k in ("b", "a", "c")]
    assert figures(rows) == {
        "乙研究院": (D("8.00"), D("4.00"), D("4.00"), D("0.5000")),
        "甲大学": (D("6.00"), D("3.50"), D("2.50"), D("0.5833")),
        "丙学院": (D("1.25"), D("1.25"), D("0.00"), D("1.0000")),
    }
    assert [(row.records, row.fees) for row in rows] == [(2, D("800.00")), (3, D("350.00")), (2, D("0.00"))]


def test_the_year_before_holds_the_record_started_at_half_past_eleven_on_new_years_eve(province):
    rows = totals.usage_totals("unit", start=shanghai(2025, 1, 1), end=shanghai(2026, 1, 1))
    assert figures(rows) == {"甲大学": (D("1.00"), D("1.00"), D("0.00"), D("1.0000"))}


def test_dates_mean_local_midnight(province):
    from datetime import date

    rows = totals.usage_totals("unit", start=date(2026, 1, 1), end=date(2027, 1, 1))
    assert figures(rows) == figures(totals.usage_totals("unit", **YEAR_2026))


def test_per_department_totals_add_up_their_units(province):
    rows = totals.usage_totals("department", **YEAR_2026)
    assert [row.key for row in rows] == [province.departments["B"].pk, province.departments["A"].pk]
    assert figures(rows) == {
        "乙厅": (D("8.00"), D("4.00"), D("4.00"), D("0.5000")),
        "甲厅": (D("7.25"), D("4.75"), D("2.50"), D("0.6552")),
    }
    assert rows[1].records == 5


def test_per_region_totals_roll_up_to_city_and_province(province):
    rows = totals.usage_totals("region", **YEAR_2026)
    assert [(row.key, row.level, row.label) for row in rows] == [
        ("420000", 1, "湖北省"),
        ("429000", 2, "省直辖县级行政区划"),
        ("610000", 1, "陕西省"),
        ("610100", 2, "西安市"),
        ("610300", 2, "宝鸡市"),
    ]
    assert figures(rows)["陕西省"] == (D("14.00"), D("7.50"), D("6.50"), D("0.5357"))
    assert figures(rows)["西安市"] == (D("6.00"), D("3.50"), D("2.50"), D("0.5833"))
    assert figures(rows)["宝鸡市"] == (D("8.00"), D("4.00"), D("4.00"), D("0.5000"))
    assert figures(rows)["湖北省"] == (D("1.25"), D("1.25"), D("0.00"), D("1.0000"))


def test_scope_limits_the_units_counted(province):
    scope = Organization.objects.filter(pk=province.units["a"].pk)
    assert figures(totals.usage_totals("department", **YEAR_2026, scope_queryset=scope)) == {
        "甲厅": (D("6.00"), D("3.50"), D("2.50"), D("0.5833"))
    }
    assert {row.label for row in totals.usage_totals("instrument", **YEAR_2026, scope_queryset=scope)} == {
        "仪器a1（ZC-a1）",
        "仪器a2（ZC-a2）",
    }


def test_sharing_rate_is_none_without_hours(province):
    empty = totals.usage_totals("unit", start=shanghai(2020, 1, 1), end=shanghai(2021, 1, 1))
    assert empty == []
    nothing = totals.period_totals(shanghai(2020, 1, 1), shanghai(2021, 1, 1))
    assert (nothing.machine_hours, nothing.external_hours, nothing.sharing_rate, nothing.records) == (
        D("0.00"),
        D("0.00"),
        None,
        0,
    )
    assert totals.sharing_rate(D("0"), D("0")) is None


def test_records_are_grouped_in_one_query(province):
    for group_by in totals.GROUPINGS:
        with CaptureQueriesContext(connection) as queries:
            totals.usage_totals(group_by, **YEAR_2026)
        grouped = [q["sql"] for q in queries.captured_queries if "usage_usagerecord" in q["sql"]]
        assert len(grouped) == 1 and "GROUP BY" in grouped[0], group_by


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_sqlite_answers_the_totals_from_the_covering_index(province):
    records = totals._records(YEAR_2026["start"], YEAR_2026["end"], None)
    sql, params = records.values("unit_id").annotate(**totals._sums()).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "COVERING INDEX usage_totals_covering_idx" in plan
    assert "TEMP B-TREE" not in plan


def test_monthly_totals_and_the_period_headline(province):
    months = totals.monthly_totals(**YEAR_2026)
    assert [m.month for m, _row in months] == list(range(1, 13))
    by_month = {m.month: row.machine_hours for m, row in months}
    assert by_month == {
        1: D("2.00"),
        2: D("0.00"),
        3: D("3.50"),
        4: D("0.00"),
        5: D("0.00"),
        6: D("8.00"),
        7: D("1.25"),
        8: D("0.00"),
        9: D("0.00"),
        10: D("0.00"),
        11: D("0.00"),
        12: D("0.50"),
    }
    assert months[1][1].sharing_rate is None
    whole = totals.period_totals(**YEAR_2026)
    assert (whole.machine_hours, whole.external_hours, whole.sharing_rate) == (
        D("15.25"),
        D("8.75"),
        D("0.5738"),
    )
    part = totals.monthly_totals(*totals.period(2026, 6, 7))
    assert [(m.month, row.machine_hours, row.external_hours) for m, row in part] == [
        (6, D("8.00"), D("4.00")),
        (7, D("1.25"), D("1.25")),
    ]


def test_annual_hours_for_the_national_record(province):
    assert totals.annual_hours(province.instruments["a1"], 2026) == totals.AnnualHours(D("5.50"), D("3.50"))
    assert totals.annual_hours(province.instruments["a2"], 2025) == totals.AnnualHours(D("1.00"), D("1.00"))
    assert totals.annual_hours(province.instruments["a2"], 2027) == totals.AnnualHours(D("9.00"), D("9.00"))
    assert totals.annual_hours(province.instruments["b1"], 2024) == totals.AnnualHours(D("0.00"), D("0.00"))


def test_unknown_grouping_is_refused():
    with pytest.raises(ValueError):
        totals.usage_totals("city", **YEAR_2026)
