"""The evaluation objects of the shared route-walking world (``yiqi.core.tests.read_routes``) and of this app's page
and API tests: last year's round, closed and published (the unit with no use is graded poor and rectifies), this
year's round open with the unit's self-evaluation (and attachment), a contest and an assigned expert, and a draft
copy of the default scheme."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.evaluation.models import Indicator
from yiqi.evaluation.services import defaults, rounds, schemes
from yiqi.experts.tests.factories import ExpertFactory
from yiqi.usage.tests.conftest import pdf

SECTIONS = dict.fromkeys(rounds.SELF_REPORT_SECTIONS, "本部分情况说明")


def open_round(authority, units, *, year: int, **overrides):
    today = timezone.localdate()
    fields = {
        "name": f"{year} 年度开放共享评价",
        "scheme": defaults.default_scheme(),
        "period_start": dt.date(year, 1, 1),
        "period_end": max(dt.date(year, 1, 1), min(dt.date(year, 12, 31), today - dt.timedelta(days=1))),
        "submission_due": today + dt.timedelta(days=10),
        "scoring_due": today + dt.timedelta(days=20),
        "units": units,
        "subsidy_budget": Decimal("100000"),
        **overrides,
    }
    return rounds.open_round(access_for(authority), actor=authority, **fields)


def published_round(authority, units, *, year: int):
    access = access_for(authority)
    round_ = open_round(authority, units, year=year)
    rounds.start_scoring(access, round_, actor=authority)
    rounds.close(access, round_, actor=authority)
    return rounds.publish(access, round_, actor=authority)


def evaluation_scene(*, unit, authority, officer) -> SimpleNamespace:
    this_year = timezone.localdate().year
    done = published_round(authority, [unit], year=this_year - 1)
    current = open_round(authority, [unit], year=this_year)
    evaluation = current.units.get()
    rounds.submit_self_evaluation(
        access_for(officer), evaluation, actor=officer, sections=SECTIONS, attachment=pdf("自评报告.pdf")
    )
    contest = rounds.contest(
        access_for(officer), evaluation, actor=officer, figure="sharing_rate", reason="漏计委托测试机时"
    )
    expert = ExpertFactory()
    rounds.assign_expert(access_for(authority), evaluation, expert=expert, actor=authority)
    draft = schemes.copy(access_for(authority), current.scheme, actor=authority)
    return SimpleNamespace(
        scheme=current.scheme,
        draft=draft,
        indicator=draft.indicators.get(code="2.1"),
        published=done,
        published_evaluation=done.units.get(),
        rectification=done.units.get().rectification,
        round=current,
        evaluation=evaluation,
        contest=contest,
        expert=expert,
        scored=Indicator.objects.filter(scheme=current.scheme, kind=Indicator.Kind.SCORED),
    )
