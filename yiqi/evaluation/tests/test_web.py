"""A round run in the browser: the authority copies and edits a scheme, opens a round, assigns experts and moves it
on; the unit submits its self-evaluation and contests a figure; the expert scores; results, subsidies, the
workbook and the public page agree, and nothing unpublished reaches the public."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import UserFactory, user_with_role
from yiqi.booking.tests.factories import bookable_instrument
from yiqi.evaluation.models import ExpertScore, Indicator, Rectification, Round, Scheme
from yiqi.evaluation.services import defaults
from yiqi.experts.models import Conflict
from yiqi.experts.services import assignments_in
from yiqi.experts.tests.factories import ExpertFactory
from yiqi.organizations.tests.factories import OrganizationFactory
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory
from yiqi.usage.tests.conftest import pdf
from yiqi.usage.tests.factories import UsageRecordFactory

from .scene import SECTIONS

pytestmark = pytest.mark.django_db


def browser(user) -> Client:
    """A client of its own per person: the round passes between several people in one test."""
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def test_the_authority_copies_edits_and_activates_a_scheme():
    authority = user_with_role(Role.PLATFORM_ADMIN)
    shaanxi = defaults.default_scheme()
    client = browser(authority)
    assert "购置统筹" in text(client.get(reverse("evaluation:scheme", args=[shaanxi.pk])))
    response = client.post(reverse("evaluation:scheme_copy", args=[shaanxi.pk]), {"name": ""})
    draft = Scheme.objects.get(status=Scheme.Status.DRAFT)
    assert response.url == reverse("evaluation:scheme", args=[draft.pk]) and draft.version == 2
    hours = draft.indicators.get(code="2.1")
    bad = client.post(
        reverse("evaluation:indicator_edit", args=[hours.pk]),
        {"name": "年均有效工作机时", "points": "25", "params": '{"benchmark": "0"}'},
    )
    assert bad.status_code == 400 and "计分参数不完整或无效" in text(bad)
    client.post(
        reverse("evaluation:indicator_edit", args=[hours.pk]),
        {"name": "年均有效工作机时", "points": "25", "params": '{"benchmark": "1800"}'},
    )
    page = text(client.get(reverse("evaluation:scheme", args=[draft.pk])))
    assert "其下级指标合计 45.00" in page  # 2 is 40 points, its leaves now add up to 45
    client.post(reverse("evaluation:scheme_activate", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == Scheme.Status.DRAFT  # points that do not add up are refused
    two = draft.indicators.get(code="2.2")
    client.post(reverse("evaluation:indicator_edit", args=[two.pk]), {"name": "应用成果", "points": "15"})
    client.post(reverse("evaluation:scheme_activate", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == Scheme.Status.ACTIVE
    edit = client.get(reverse("evaluation:indicator_edit", args=[hours.pk]))
    assert edit.status_code == 403  # an active version is frozen


def test_a_full_round_in_the_browser():
    authority = user_with_role(Role.PLATFORM_ADMIN)
    good, poor = OrganizationFactory(name="甲大学"), OrganizationFactory(name="乙研究所")
    for hours in ("3200", "2400"):  # 1,400 h a year per instrument: 17.5 of 20 points
        instrument = bookable_instrument(
            InstrumentFactory(unit=good, registration_status=RegistrationStatus.PUBLISHED)
        )
        UsageRecordFactory(instrument=instrument, machine_hours=Decimal(hours) / 2, is_external=True)
    officer = user_with_role(Role.INFORMATION_OFFICER, organization=good)
    expert, conflicted = ExpertFactory(), ExpertFactory()
    Conflict.objects.create(expert=conflicted, organization=good, reason="合作单位")
    today = timezone.localdate()
    boss = browser(authority)
    response = boss.post(
        reverse("evaluation:round_create"),
        {
            "name": "年度评价",
            "scheme": defaults.default_scheme().pk,
            "period_start": (today - dt.timedelta(days=365)).isoformat(),
            "period_end": (today - dt.timedelta(days=1)).isoformat(),
            "submission_due": (today + dt.timedelta(days=5)).isoformat(),
            "scoring_due": (today + dt.timedelta(days=10)).isoformat(),
            "units": [good.pk, poor.pk],
            "subsidy_budget": "",
        },
    )
    round_ = Round.objects.get()
    assert response.url == reverse("evaluation:round", args=[round_.pk])
    evaluation = round_.units.get(unit=good)

    unit = browser(officer)
    sheet = text(unit.get(reverse("evaluation:unit", args=[evaluation.pk])))
    assert "年均有效机时" in sheet and 'id="result"' not in sheet
    rows = unit.get(reverse("evaluation:figure_rows", args=[evaluation.pk, "effective_hours"]))
    assert "依据 2 条记录" in text(rows)
    missing = unit.post(reverse("evaluation:self_evaluation", args=[evaluation.pk]), {"management": "有"})
    assert missing.status_code == 400 and text(missing).count("该字段是必填项") == 4
    unit.post(
        reverse("evaluation:self_evaluation", args=[evaluation.pk]),
        {**SECTIONS, "attachment": pdf("自评报告.pdf")},
    )
    evaluation.refresh_from_db()
    assert evaluation.submitted_at and evaluation.self_report_file
    assert unit.get(reverse("evaluation:self_report_file", args=[evaluation.pk])).status_code == 200
    unit.post(
        reverse("evaluation:contest", args=[evaluation.pk]), {"figure": "sharing_rate", "reason": "漏计"}
    )
    assert evaluation.contests.count() == 1
    boss.post(reverse("evaluation:contest_answer", args=[evaluation.contests.get().pk]), {"answer": "已复核"})
    assert "已复核" in text(unit.get(reverse("evaluation:unit", args=[evaluation.pk])))

    refused = boss.post(reverse("evaluation:assign", args=[evaluation.pk]), {"expert": conflicted.pk})
    assert refused.status_code == 302 and not assignments_in(round_).filter(expert=conflicted).exists()
    boss.post(reverse("evaluation:assign", args=[evaluation.pk]), {"expert": expert.pk})
    boss.post(reverse("evaluation:round_step", args=[round_.pk]), {"action": "start_scoring"})
    progress = text(boss.get(reverse("evaluation:round", args=[round_.pk])))
    assert "0 / 3" in progress and "缺 3 项评分" in progress

    reviewer = browser(expert.user)
    assert "甲大学" in text(reviewer.get(reverse("evaluation:home")))
    scored = {i.code: i for i in Indicator.objects.filter(scheme=round_.scheme, kind="scored")}
    out_of_range = reviewer.post(
        reverse("evaluation:score", args=[evaluation.pk]),
        {f"score_{scored['1.1'].pk}": "4", f"score_{scored['2.2'].pk}": "21"},
    )
    assert out_of_range.status_code == 400 and "得分应在 0 至 20.00 之间" in text(out_of_range)
    assert not ExpertScore.objects.exists()  # nothing half-saved
    reviewer.post(
        reverse("evaluation:score", args=[evaluation.pk]),
        {
            f"score_{scored['1.1'].pk}": "5",
            f"score_{scored['1.3'].pk}": "10",
            f"score_{scored['2.2'].pk}": "20",
        },
    )
    assert ExpertScore.objects.count() == 3
    boss.post(
        reverse("evaluation:onsite", args=[evaluation.pk]), {"flag": "on", "outcome": "现场核实机时记录"}
    )
    assert "现场核实机时记录" in text(unit.get(reverse("evaluation:unit", args=[evaluation.pk])))
    assert reviewer.get(reverse("evaluation:unit", args=[round_.units.get(unit=poor).pk])).status_code == 404

    boss.post(reverse("evaluation:round_step", args=[round_.pk]), {"action": "close"})
    boss.post(reverse("evaluation:round_subsidies", args=[round_.pk]), {"budget": "123456.78"})
    round_.refresh_from_db()
    good_result = round_.units.get(unit=good)
    assert (
        good_result.rank == 1
        and good_result.grade == "good"
        and Rectification.objects.filter(evaluation__unit=poor).exists()
    )
    assert sum(u.subsidy for u in round_.units.all()) == min(Decimal("123456.78"), Decimal("300000"))

    public = browser(UserFactory())
    assert "甲大学" not in text(public.get(reverse("evaluation:results")))  # closed, not yet published
    assert public.get(reverse("evaluation:round_export", args=[round_.pk])).status_code == 404
    boss.post(reverse("evaluation:round_step", args=[round_.pk]), {"action": "publish"})
    page = text(public.get(reverse("evaluation:results")))
    assert "甲大学" in page and "乙研究所" in page and str(good_result.total) in page
    assert "漏计" not in page  # unit sheets stay with the unit
    notice = page[page.index('id="notice"') :]
    named = notice[: notice.index("</ul>")]
    assert "乙研究所" in named and "甲大学" not in named  # the notice names the poor units

    workbook = load_workbook(
        io.BytesIO(public.get(reverse("evaluation:round_export", args=[round_.pk])).content)
    )
    sheet = list(workbook.worksheets[0].values)
    totals = {row[1]: Decimal(str(row[-3])) for row in sheet[1:-1]}
    assert totals == {u.unit.name: u.total for u in round_.units.select_related("unit")}
    assert Decimal(str(sheet[-1][-1])) == sum(u.subsidy for u in round_.units.all())
    assert "已完成整改" not in text(unit.get(reverse("evaluation:unit", args=[good_result.pk])))
