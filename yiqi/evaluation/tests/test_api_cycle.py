"""The rest of the evaluation over the API, with the pages' rules: the authority copies and edits a scheme (points
that do not add up are refused), then a whole round runs through the API — open, self-evaluation, assignment,
scores, a contest and its answer, the on-site check, close, subsidies, publication — each role seeing only its
part; bad input is a field-level 400 and nothing is half-saved."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import UserFactory, user_with_role
from yiqi.booking.tests.factories import bookable_instrument
from yiqi.core.models import AuditEvent
from yiqi.evaluation.models import Contest, Indicator, Scheme, UnitEvaluation
from yiqi.evaluation.services import defaults, rounds, schemes
from yiqi.experts.tests.factories import ExpertFactory
from yiqi.organizations.tests.factories import DepartmentFactory, OrganizationFactory
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory
from yiqi.usage.tests.conftest import pdf
from yiqi.usage.tests.factories import UsageRecordFactory

from .scene import SECTIONS, open_round

pytestmark = pytest.mark.django_db
API = "/api/v1/evaluation/"
JSON = "application/json"


def api(user=None) -> Client:
    """A client of its own per person: the round passes between several people in one test."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def patch(client, url, body):
    return client.patch(url, body, content_type=JSON)


def test_the_authority_copies_edits_and_activates_a_scheme_over_the_api():
    authority = user_with_role(Role.PLATFORM_ADMIN)
    officer = user_with_role(Role.INFORMATION_OFFICER, organization=OrganizationFactory())
    shaanxi = defaults.default_scheme()
    boss = api(authority)
    assert api(officer).get(f"{API}schemes/").json()["count"] == 0  # in no round yet: nothing to read
    assert api(officer).post(f"{API}schemes/{shaanxi.pk}/copy/", {}).status_code == 403

    copied = boss.post(f"{API}schemes/{shaanxi.pk}/copy/", {"name": ""})
    assert copied.status_code == 201
    draft = copied.json()
    assert (draft["version"], draft["status"], draft["based_on"], draft["problems"]) == (
        2,
        "draft",
        shaanxi.pk,
        {},
    )
    operation = next(node for node in draft["indicators"] if node["code"] == "2")
    assert [(kid["code"], kid["points"]) for kid in operation["children"]][:2] == [
        ("2.1", "20.00"),
        ("2.2", "20.00"),
    ]
    hours = Indicator.objects.get(scheme_id=draft["id"], code="2.1")
    results_of_use = Indicator.objects.get(scheme_id=draft["id"], code="2.2")
    url = f"{API}indicators/{hours.pk}/"

    assert patch(boss, url, {"points": "abc"}).json()["points"]
    assert "JSON 对象" in patch(boss, url, {"params": [1, 2]}).json()["params"][0]
    assert patch(boss, url, {"params": {"benchmark": "0"}}).status_code == 400  # the scoring rule's own check
    assert patch(api(officer), url, {"points": "25"}).status_code == 403
    edited = patch(boss, url, {"points": "25", "params": {"benchmark": "1800"}})
    assert edited.status_code == 200 and edited.json()["points"] == "25.00"
    assert edited.json()["name"] == hours.name  # a field left out keeps its value
    shown = boss.get(f"{API}schemes/{draft['id']}/").json()
    assert "其下级指标合计 45.00" in " ".join(shown["problems"]["points"])

    refused = boss.post(f"{API}schemes/{draft['id']}/activate/")
    assert refused.status_code == 400 and "其下级指标合计 45.00" in " ".join(refused.json()["points"])
    assert Scheme.objects.get(pk=draft["id"]).status == Scheme.Status.DRAFT
    lines = boss.post(
        f"{API}schemes/{draft['id']}/grades/", {"excellent_from": "80", "good_from": "85", "pass_from": "60"}
    )
    assert lines.status_code == 400 and lines.json()["good_from"]
    patch(boss, f"{API}indicators/{results_of_use.pk}/", {"points": "15", "guide": "论文、专利、标准"})
    activated = boss.post(f"{API}schemes/{draft['id']}/activate/")
    assert activated.status_code == 200 and activated.json()["status"] == "active"
    frozen = patch(boss, url, {"points": "20"})
    assert frozen.status_code == 400 and "复制为新版本" in frozen.json()["scheme"][0]
    assert AuditEvent.objects.filter(action="edit").count() == 2  # every change to a scheme is audited


def test_a_whole_round_through_the_api():
    authority = user_with_role(Role.PLATFORM_ADMIN)
    department = DepartmentFactory()
    good = OrganizationFactory(name="甲大学", supervising_department=department)
    idle = OrganizationFactory(name="乙研究所")
    for hours in ("3200", "2400"):  # 1,400 h a year per instrument, all of it external
        instrument = bookable_instrument(
            InstrumentFactory(unit=good, registration_status=RegistrationStatus.PUBLISHED)
        )
        UsageRecordFactory(instrument=instrument, machine_hours=Decimal(hours) / 2, is_external=True)
    officer = user_with_role(Role.INFORMATION_OFFICER, organization=good)
    stranger = user_with_role(Role.UNIT_ADMIN, organization=idle)
    head = user_with_role(Role.DEPARTMENT_ADMIN, department=department)
    expert, other_expert = ExpertFactory(), ExpertFactory()
    boss, unit, reviewer = api(authority), api(officer), api(expert.user)
    today = timezone.localdate()

    # open
    opened = boss.post(
        f"{API}rounds/",
        {
            "name": "接口评价",
            "scheme": defaults.default_scheme().pk,
            "period_start": (today - dt.timedelta(days=365)).isoformat(),
            "period_end": (today - dt.timedelta(days=1)).isoformat(),
            "submission_due": (today + dt.timedelta(days=5)).isoformat(),
            "scoring_due": (today + dt.timedelta(days=10)).isoformat(),
            "units": [good.pk, idle.pk],
        },
        content_type=JSON,
    )
    assert opened.status_code == 201
    round_id = opened.json()["id"]
    sheet_id = UnitEvaluation.objects.get(unit=good).pk
    sheet = f"{API}units/{sheet_id}/"

    # the unit sees its figures early; others see nothing of its sheet
    mine = unit.get(f"{API}units/").json()
    assert [row["unit_name"] for row in mine["results"]] == ["甲大学"]
    hours = next(f for f in mine["results"][0]["figures"] if f["name"] == "effective_hours")
    assert Decimal(hours["declared"]) == Decimal("1400") and mine["results"][0]["result"] is None
    assert api(stranger).get(sheet).status_code == 404
    assert api(head).get(sheet).status_code == 200
    assert api().get(f"{API}units/").status_code == 403
    assert api(UserFactory()).get(f"{API}units/").json()["count"] == 0

    # self-evaluation: every section, per field; then with the attachment
    missing = unit.post(f"{sheet}self-evaluation/", {"management": "有"}, content_type=JSON)
    assert missing.status_code == 400 and set(missing.json()) == {
        "operation",
        "sharing",
        "results",
        "problems",
    }
    assert api(stranger).post(f"{sheet}self-evaluation/", SECTIONS).status_code == 404
    submitted = unit.post(f"{sheet}self-evaluation/", {**SECTIONS, "attachment": pdf("自评报告.pdf")})
    assert (
        submitted.status_code == 200
        and submitted.json()["submitted_at"]
        and submitted.json()["has_attachment"]
    )
    assert api(head).post(f"{sheet}self-evaluation/", SECTIONS).status_code == 403  # reads, does not submit

    # assign, start scoring, score
    assign = f"{API}rounds/{round_id}/assign/"
    assert boss.post(assign, {"unit": good.pk, "expert": expert.pk}).status_code == 200
    assert boss.post(f"{API}rounds/{round_id}/start-scoring/").json()["status"] == "scoring"
    late = unit.post(f"{sheet}self-evaluation/", SECTIONS)
    assert late.status_code == 400 and late.json()["round"]
    assert [row["id"] for row in reviewer.get(f"{API}units/").json()["results"]] == [sheet_id]
    assert api(other_expert.user).get(sheet).status_code == 404
    scored = {i.code: i.pk for i in Indicator.objects.filter(scheme=defaults.default_scheme(), kind="scored")}
    for code, mark in (("1.1", "5"), ("1.3", "10")):
        body = {"evaluation": sheet_id, "indicator": scored[code], "score": mark}
        assert reviewer.post(f"{API}scores/", body, content_type=JSON).status_code == 201
    flags = boss.get(f"{API}rounds/{round_id}/flags/").json()
    assert flags == [{"unit": good.pk, "indicator": "2.2", "kind": "missing", "expert": expert.pk}]
    assert unit.get(f"{API}rounds/{round_id}/flags/").status_code == 403
    body = {"evaluation": sheet_id, "indicator": scored["2.2"], "score": "20"}
    assert reviewer.post(f"{API}scores/", body, content_type=JSON).status_code == 201

    # contest a figure; the authority decides
    refused = unit.post(f"{API}contests/", {"evaluation": sheet_id, "figure": "nonsense", "reason": " "})
    assert refused.status_code == 400 and set(refused.json()) == {"figure", "reason"}
    assert api(stranger).post(
        f"{API}contests/", {"evaluation": sheet_id, "figure": "sharing_rate", "reason": "漏计"}
    ).json() == {"evaluation": ["没有该单位评价。"]}
    made = unit.post(
        f"{API}contests/", {"evaluation": sheet_id, "figure": "sharing_rate", "reason": "漏计委托测试"}
    )
    assert made.status_code == 201
    contest = made.json()["id"]
    assert unit.post(f"{API}contests/{contest}/answer/", {"answer": "自己批准"}).status_code == 403
    assert boss.post(f"{API}contests/{contest}/answer/", {"answer": ""}).json()["answer"]
    decided = boss.post(f"{API}contests/{contest}/answer/", {"answer": "经核对，委托测试已计入"})
    assert decided.status_code == 200 and Contest.objects.get().answer == "经核对，委托测试已计入"
    shown = unit.get(sheet).json()
    assert shown["contests"][0]["answer"] == "经核对，委托测试已计入"
    assert next(f for f in shown["figures"] if f["name"] == "sharing_rate")["contested"]

    # on-site check
    assert (
        unit.post(f"{sheet}onsite/", {"flag": True, "outcome": "自查"}, content_type=JSON).status_code == 403
    )
    checked = boss.post(f"{sheet}onsite/", {"flag": True, "outcome": "现场核实机时记录"}, content_type=JSON)
    assert checked.status_code == 200 and checked.json()["onsite_outcome"] == "现场核实机时记录"

    # close, subsidies, publish
    assert (
        boss.post(f"{API}rounds/{round_id}/subsidies/", {"budget": "1000"}).status_code == 400
    )  # not closed
    assert boss.post(f"{API}rounds/{round_id}/close/").json()["status"] == "closed"
    assert unit.get(sheet).json()["result"] is None  # not yet published
    assert boss.post(f"{API}rounds/{round_id}/subsidies/", {"budget": "-5"}).json()["budget"]
    shared = boss.post(f"{API}rounds/{round_id}/subsidies/", {"budget": "123456.78"})
    assert shared.status_code == 200
    shares = shared.json()
    assert shares["budget"] == shares["total"] == "123456.78"
    assert {row["unit_name"]: (row["grade"], row["subsidy"]) for row in shares["units"]} == {
        "甲大学": ("good", "123456.78"),
        "乙研究所": ("poor", "0.00"),
    }
    assert sum(Decimal(row["subsidy"]) for row in shares["units"]) == Decimal(shares["total"])
    assert api().get(f"{API}results/").json()["count"] == 0
    assert boss.post(f"{API}rounds/{round_id}/publish/").json()["status"] == "published"
    again = boss.post(f"{API}rounds/{round_id}/subsidies/", {"budget": "1"})
    assert again.status_code == 400 and "公布前" in again.json()["budget"][0]

    public = {row["unit_name"]: row for row in api().get(f"{API}results/?round={round_id}").json()["results"]}
    assert public["甲大学"]["subsidy"] == "123456.78" and public["甲大学"]["rank"] == 1
    assert public["乙研究所"]["grade"] == "poor"
    result = unit.get(sheet).json()["result"]
    assert result["grade"] == "good" and result["scores"]["2.2"] == "20.00"
    assert api().get(f"{API}units/{sheet_id}/").status_code == 403  # sheets stay with the unit
    assert api(UserFactory()).get(sheet).status_code == 404
    onsite = unit.post(f"{sheet}onsite/", {"flag": False}, content_type=JSON)
    assert onsite.status_code == 403
    after = boss.post(f"{sheet}onsite/", {"flag": False}, content_type=JSON)
    assert after.status_code == 400 and after.json()["round"]  # editing after the round closes is refused


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "results/?round=²", None),
        ("get", "units/?round=99999999999999999999999", None),
        ("get", "contests/?round=abc", None),
        ("post", "contests/", {"evaluation": 10**30, "figure": "open_rate", "reason": "x"}),
        ("post", "scores/", {"evaluation": -1, "indicator": "１", "score": "1"}),
        ("post", "rounds/{round}/subsidies/", {"budget": "NaN"}),
        ("post", "rounds/{round}/subsidies/", {"budget": "1" * 20}),
        (
            "post",
            "schemes/{scheme}/grades/",
            {"excellent_from": "Infinity", "good_from": "", "pass_from": "x"},
        ),
        ("post", "schemes/{scheme}/copy/", {"name": "x" * 101}),
        ("post", "units/{unit}/onsite.json", {"flag": "maybe"}),
    ],
)
def test_garbage_is_a_field_level_400(method, path, body):
    authority = user_with_role(Role.PLATFORM_ADMIN)
    round_ = open_round(authority, [OrganizationFactory()], year=2024)
    url = API + path.format(round=round_.pk, scheme=round_.scheme_id, unit=round_.units.get().pk)
    client = api(authority)
    response = client.get(url) if method == "get" else client.post(url, body, content_type=JSON)
    assert response.status_code == 400 and isinstance(response.json(), dict)


@pytest.mark.parametrize("path", ["units/", "contests/", "schemes/", "rounds/{round}/flags/"])
def test_new_lists_cost_the_same_for_more_rows(path):
    authority = user_with_role(Role.PLATFORM_ADMIN)
    client = api(authority)
    expert = ExpertFactory()

    def add(n, year):
        round_ = open_round(authority, [OrganizationFactory() for _ in range(n)], year=year)
        schemes.copy(access_for(authority), round_.scheme, actor=authority)
        for evaluation in round_.units.all():
            officer = user_with_role(Role.INFORMATION_OFFICER, organization=evaluation.unit)
            rounds.contest(access_for(officer), evaluation, actor=officer, figure="open_rate", reason="漏计")
            rounds.assign_expert(access_for(authority), evaluation, expert=expert, actor=authority)
        return round_

    def measure(round_) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(API + path.format(round=round_.pk))
        assert response.status_code == 200
        body = response.json()
        return (len(body) if isinstance(body, list) else body["count"]), len(captured)

    rows, few = measure(add(2, 2022))
    more_rows, more = measure(add(6, 2023))
    assert more_rows > rows and more == few
