"""What-if (a unit's figures moved; another scheme version over a round), the instrument ranking and the long-idle
list, against cases worked by hand. Every page here is a GET that writes nothing."""

import datetime as dt
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import UserFactory, user_with_role
from yiqi.booking.models import ServiceSettings
from yiqi.core.models import AuditEvent
from yiqi.evaluation.models import Round, UnitEvaluation
from yiqi.evaluation.services import charts, defaults, instruments, rounds, schemes, whatif
from yiqi.organizations.tests.factories import OrganizationFactory
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory
from yiqi.usage.models import UsageRecord
from yiqi.usage.tests.factories import UsageRecordFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
PUBLISHED = RegistrationStatus.PUBLISHED


def used(instrument, hours, *, external=False, verified=None, when=None):
    record = UsageRecordFactory(
        instrument=instrument,
        machine_hours=D(hours),
        is_external=external,
        started_at=when or dt.datetime(2025, 6, 2, 9, tzinfo=SHANGHAI),
    )
    if verified is not None:
        UsageRecord.objects.filter(pk=record.pk).update(verified_hours=D(verified))
    return record


@pytest.fixture
def round_world():
    """Unit A: one open, bookable instrument used 800 h in 2025, 240 h of it for outsiders. Unit B: one open
    instrument, unused. Shaanxi scheme: A's computed points are open rate 10 + online 15 + hours 800/1600 × 20 = 10
    + sharing 0.30 → 10 + ratings 0 = 45; B's are open rate 10."""
    authority = user_with_role(Role.PLATFORM_ADMIN)
    a, b = OrganizationFactory(name="甲大学"), OrganizationFactory(name="乙研究所")
    busy = InstrumentFactory(unit=a, registration_status=PUBLISHED)
    ServiceSettings.objects.create(instrument=busy, bookings_open=True)
    used(busy, "560")
    used(busy, "240", external=True)
    InstrumentFactory(unit=b, registration_status=PUBLISHED)
    today = timezone.localdate()
    round_ = rounds.open_round(
        access_for(authority),
        actor=authority,
        name="2025 年度评价",
        scheme=defaults.default_scheme(),
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        submission_due=today + dt.timedelta(days=5),
        scoring_due=today + dt.timedelta(days=10),
        units=[a, b],
    )
    return authority, round_, round_.units.get(unit=a), round_.units.get(unit=b)


def test_a_unit_sees_its_score_and_grade_move_with_its_machine_hours(round_world):
    _authority, _round, a, _b = round_world
    # Experts have not scored: their 35 points are assumed at 80 % for every unit (28), so A has 45 + 28 = 73.
    same = whatif.move_unit(a, {})
    assert same["now"] == same["then"] and same["now"]["total"] == D("73.00")
    assert same["now"]["grade"] == "pass" and same["now"]["rank"] == 1
    moved = whatif.move_unit(a, {"effective_hours": D("1600")})
    assert moved["then"]["total"] == D("83.00") and moved["then"]["grade"] == "good"
    assert moved["change"] == D("10.00")
    assert [row["then"] for row in moved["leaves"] if row["moved"]] == [D("20.00")]
    # A lower sharing rate drops a band: 0.15 → 6 of 10.
    assert whatif.move_unit(a, {"sharing_rate": D("0.15")})["then"]["total"] == D("69.00")
    # The experts' share moves everyone alike: at 100 % A keeps 80 points.
    assert whatif.move_unit(a, {}, share=D("1"))["now"]["total"] == D("80.00")


def test_the_authority_tries_a_draft_scheme_on_the_round(round_world):
    authority, round_, a, b = round_world
    access = access_for(authority)
    draft = schemes.copy(access, round_.scheme, actor=authority)
    hours = draft.indicators.get(code="2.1")
    schemes.edit_indicator(
        access,
        hours,
        actor=authority,
        name=hours.name,
        points=hours.points,
        params={"benchmark": "800"},
        guide="",
    )
    schemes.edit_grade_lines(
        access, draft, actor=authority, excellent_from=D("90"), good_from=D("75"), pass_from=D("50")
    )
    compared = whatif.compare_schemes(round_, draft)
    by_unit = {row["evaluation"].pk: row for row in compared["units"]}
    assert by_unit[a.pk]["now"]["total"] == D("73.00") and by_unit[a.pk]["then"]["total"] == D("83.00")
    assert (by_unit[a.pk]["now"]["grade"], by_unit[a.pk]["then"]["grade"]) == ("pass", "good")
    # B: 10 + 28 = 38 under both; poor under the round's lines (60), still poor under 50.
    assert by_unit[b.pk]["now"]["total"] == by_unit[b.pk]["then"]["total"] == D("38.00")
    counts = {row["grade"]: (row["now"], row["then"]) for row in compared["grades"]}
    assert counts["良好"] == (0, 1) and counts["合格"] == (1, 0) and counts["较差"] == (1, 1)


def test_the_what_if_pages_compute_without_writing(round_world):
    authority, round_, a, _b = round_world
    officer = user_with_role(Role.INFORMATION_OFFICER, organization=a.unit)
    other = user_with_role(Role.INFORMATION_OFFICER, organization=OrganizationFactory())
    draft = schemes.copy(access_for(authority), round_.scheme, actor=authority)
    events, before = AuditEvent.objects.count(), list(UnitEvaluation.objects.values())
    unit = Client()
    unit.force_login(officer)
    page = unit.get(
        reverse("evaluation:unit_whatif", args=[a.pk]), {"effective_hours": "1600", "expert_share": "80"}
    )
    body = page.content.decode()
    assert page.status_code == 200 and "83.00" in body and "良好" in body and 'type="range"' in body
    bad = unit.get(reverse("evaluation:unit_whatif", args=[a.pk]), {"effective_hours": "-5"})
    assert bad.status_code == 200 and "73.00" in bad.content.decode() and "is-invalid" in bad.content.decode()
    stranger = Client()
    stranger.force_login(other)
    assert stranger.get(reverse("evaluation:unit_whatif", args=[a.pk])).status_code == 404
    assert unit.get(reverse("evaluation:round_whatif", args=[round_.pk])).status_code == 403
    boss = Client()
    boss.force_login(authority)
    page = boss.get(reverse("evaluation:round_whatif", args=[round_.pk]), {"scheme": draft.pk})
    assert page.status_code == 200 and "甲大学" in page.content.decode()
    assert AuditEvent.objects.count() == events and list(UnitEvaluation.objects.values()) == before
    assert Round.objects.get().status == Round.Status.OPEN


@pytest.fixture
def fleet():
    """Two units under one department and a third elsewhere, with instruments used in 2025."""
    a = OrganizationFactory(name="甲大学")
    b = OrganizationFactory(name="乙大学", supervising_department=a.supervising_department)
    c = OrganizationFactory(name="丙研究所")
    checked = InstrumentFactory(unit=a, name="核验电镜", registration_status=PUBLISHED)
    used(checked, "100", verified="90", external=True)
    declared = InstrumentFactory(unit=a, name="申报色谱", registration_status=PUBLISHED)
    used(declared, "95")
    used(declared, "5", external=True)
    quiet = InstrumentFactory(unit=b, name="少用光谱", registration_status=PUBLISHED)
    used(quiet, "10")
    far = InstrumentFactory(unit=c, name="外单位质谱", registration_status=PUBLISHED)
    used(far, "500")
    return a, b, c


def names(rows):
    return [row.name for row in rows]


def test_instruments_rank_by_the_hours_the_round_would_score_within_what_each_role_oversees(fleet):
    a, b, c = fleet
    authority = access_for(user_with_role(Role.PLATFORM_ADMIN))
    everyone = instruments.ranked(authority, year=2025)
    # Verified hours where telemetry checked (90, not the 100 declared), else the declared ones.
    assert names(everyone) == ["外单位质谱", "申报色谱", "核验电镜", "少用光谱"]
    assert [row.scored_hours for row in everyone] == [D("500"), D("100"), D("90"), D("10")]
    assert names(instruments.ranked(authority, year=2025, order="sharing_rate"))[:2] == [
        "核验电镜",
        "申报色谱",
    ]
    assert names(instruments.ranked(authority, year=2025, order="verified"))[0] == "核验电镜"
    assert names(instruments.ranked(authority, year=2024)) and not any(
        row.hours for row in instruments.ranked(authority, year=2024)
    )
    department = access_for(user_with_role(Role.DEPARTMENT_ADMIN, department=a.supervising_department))
    assert names(instruments.ranked(department, year=2025)) == ["申报色谱", "核验电镜", "少用光谱"]
    officer = access_for(user_with_role(Role.INFORMATION_OFFICER, organization=a))
    assert names(instruments.ranked(officer, year=2025)) == ["申报色谱", "核验电镜"]
    assert names(instruments.ranked(authority, year=2025, department=a.supervising_department, unit=b)) == [
        "少用光谱"
    ]
    assert names(instruments.ranked(authority, year=2025, max_value=D("1"))) == []
    # All four are of class 01 in the province: (100 + 100 + 10 + 500) declared hours ÷ 4 = 177.5.
    assert instruments.class_averages(2025, ["010102"]) == {"01": D("177.5")}


def test_the_long_idle_list_counts_only_use_telemetry_did_not_refute():
    unit = OrganizationFactory()
    now = timezone.now()
    never = InstrumentFactory(unit=unit, name="从未使用", registration_status=PUBLISHED)
    old = InstrumentFactory(unit=unit, name="七个月前", registration_status=PUBLISHED)
    used(old, "3", when=now - dt.timedelta(days=212))
    refuted = InstrumentFactory(unit=unit, name="记录未核实", registration_status=PUBLISHED)
    used(refuted, "3", verified="0", when=now - dt.timedelta(days=10))
    busy = InstrumentFactory(unit=unit, name="上月在用", registration_status=PUBLISHED)
    used(busy, "3", when=now - dt.timedelta(days=30))
    InstrumentFactory(
        unit=unit, name="新启用", registration_status=PUBLISHED, start_of_use_date=timezone.localdate()
    )
    access = access_for(user_with_role(Role.UNIT_ADMIN, organization=unit))
    rows = instruments.long_idle(access, months=6)
    assert names(rows) == ["从未使用", "记录未核实", "七个月前"] or names(rows) == [
        "从未使用",
        "七个月前",
        "记录未核实",
    ]
    assert rows[0].last_used is None and never.pk == rows[0].pk
    assert names(instruments.long_idle(access, months=12)) == ["从未使用", "记录未核实"]


def test_the_instrument_pages_are_scoped_and_their_queries_do_not_grow_with_rows(fleet):
    a, _b, _c = fleet
    client = Client()
    client.force_login(user_with_role(Role.PLATFORM_ADMIN))

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"year": "2025"})
        assert response.status_code == 200
        return len(queries), response.content.decode()

    few, body = count(reverse("evaluation:instruments"))
    assert "外单位质谱" in body and "177.5" in body
    idle_few, _ = count(reverse("evaluation:idle_instruments"))
    for n in range(10):
        used(InstrumentFactory(unit=a, registration_status=PUBLISHED), str(n + 1))
        InstrumentFactory(unit=a, registration_status=PUBLISHED)
    assert count(reverse("evaluation:instruments"))[0] == few
    assert count(reverse("evaluation:idle_instruments"))[0] == idle_few
    officer = Client()
    officer.force_login(user_with_role(Role.INFORMATION_OFFICER, organization=a))
    body = officer.get(reverse("evaluation:instruments"), {"year": "2025"}).content.decode()
    assert "申报色谱" in body and "外单位质谱" not in body
    bad = officer.get(reverse("evaluation:instruments"), {"min_value": "9", "max_value": "1"})
    assert bad.status_code == 200 and "原值上限不能低于下限" in bad.content.decode()
    public = Client()
    public.force_login(UserFactory())
    assert public.get(reverse("evaluation:instruments")).status_code == 403


def test_result_charts_carry_the_figures_of_their_tables(round_world):
    authority, round_, a, b = round_world
    access = access_for(authority)
    rounds.start_scoring(access, round_, actor=authority)
    rounds.close(access, round_, actor=authority)
    rounds.publish(access, round_, actor=authority)
    # No expert marks: A has its 45 computed points, B its 10; both poor.
    a.refresh_from_db()
    made = charts.round_charts(round_, round_.units.select_related("unit"))
    assert made["grades"]["chart"]["values"] == ["0", "0", "0", "2"]
    assert made["scores"]["chart"]["values"][1] == "1" and made["scores"]["chart"]["values"][4] == "1"
    assert made["scores"]["rows"][4] == ["40–50", 1]
    radar = charts.indicator_radar(a)
    # 1: (10 + 15) of 40 = 62.5 %; 2: 10 of 40; 3: 10 of 20. The round's average of group 1: (62.5 + 25) / 2.
    assert radar["rows"][0][1:] == [D("62.5"), D("43.8")]
    assert [row[1] for row in radar["rows"]] == [D("62.5"), D("25.0"), D("50.0")]
    page = Client().get(reverse("evaluation:published_round", args=[round_.pk])).content.decode()
    assert 'id="grade-chart-data"' in page and 'id="department-chart-table"' in page
    assert "echarts.min.js" in page
    officer = Client()
    officer.force_login(user_with_role(Role.INFORMATION_OFFICER, organization=a.unit))
    sheet = officer.get(reverse("evaluation:unit", args=[a.pk])).content.decode()
    assert 'id="radar-chart-data"' in sheet and "62.5" in sheet and 'id="trend-chart-table"' in sheet


def test_the_what_if_shows_no_result_before_the_visitor_may_see_it(round_world):
    authority, round_, a, _b = round_world
    access = access_for(authority)
    rounds.start_scoring(access, round_, actor=authority)
    rounds.close(access, round_, actor=authority)  # no expert marks: A's real total is its 45 computed points
    officer = Client()
    officer.force_login(user_with_role(Role.INFORMATION_OFFICER, organization=a.unit))
    url = reverse("evaluation:unit_whatif", args=[a.pk])
    before = officer.get(url).content.decode()
    assert "73.00" in before and "45.00" not in before  # still the assumed 80 % until publication
    boss = Client()
    boss.force_login(authority)
    assert "45.00" in boss.get(url).content.decode()
    assert "45.00" in boss.get(reverse("evaluation:round_whatif", args=[round_.pk])).content.decode()
    rounds.publish(access, round_, actor=authority)
    after = officer.get(url).content.decode()
    assert "45.00" in after and 'name="expert_share"' not in after
