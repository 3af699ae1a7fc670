"""Demo yearly evaluation: the pool from the demo experts, last year's round finished and published (scores,
grades, rectifications, subsidies) and this year's round open for self-evaluation."""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.accounts.models import Role, RoleAssignment, User
from yiqi.evaluation.models import Indicator
from yiqi.evaluation.services import defaults, rounds
from yiqi.experts.models import Affiliation, Expert
from yiqi.organizations.models import Organization

UNITS_IN_ROUND = 40


@transaction.atomic
def build_evaluation(seed: int = 2026) -> dict:
    rng = random.Random(f"{seed}:evaluation")
    authority = User.objects.filter(is_superuser=True).order_by("id").first()
    units = list(Organization.objects.filter(is_management_unit=True).order_by("id")[:UNITS_IN_ROUND])
    if authority is None or not units:
        return {}
    access = access_for(authority)
    pool = []
    for assignment in (
        RoleAssignment.objects.filter(role=Role.EXPERT).select_related("user").order_by("user_id")
    ):
        expert, _created = Expert.objects.get_or_create(
            user=assignment.user,
            defaults={"name": assignment.user.get_full_name() or assignment.user.username},
        )
        Affiliation.objects.get_or_create(expert=expert, organization=rng.choice(units))
        pool.append(expert)
    scheme = defaults.default_scheme()
    today = timezone.localdate()
    last_year = today.year - 1
    done = rounds.open_round(
        access,
        actor=authority,
        name=f"{last_year} 年度开放共享评价",
        scheme=scheme,
        period_start=dt.date(last_year, 1, 1),
        period_end=dt.date(last_year, 12, 31),
        submission_due=today,
        scoring_due=today,
        units=units,
        subsidy_budget=Decimal("3000000"),
    )
    scored = list(scheme.indicators.filter(kind=Indicator.Kind.SCORED))
    for evaluation in done.units.select_related("unit"):
        for expert in rng.sample(pool, min(3, len(pool))):
            if not Affiliation.objects.filter(expert=expert, organization=evaluation.unit).exists():
                rounds.assign_expert(access, evaluation, expert=expert, actor=authority)
    rounds.ROUNDS.run(done, "start_scoring", actor=authority)
    for evaluation in done.units.select_related("unit"):
        for assignment in rounds.experts.assignments_in(done).filter(unit=evaluation.unit):
            expert_access = access_for(assignment.expert.user)
            for indicator in scored:
                mark = (indicator.points * Decimal(rng.uniform(0.5, 1))).quantize(Decimal("0.5"))
                rounds.score(
                    expert_access, evaluation, actor=assignment.expert.user, indicator=indicator, mark=mark
                )
    done = rounds.close(access, done, actor=authority)
    rounds.publish(access, done, actor=authority)
    rounds.open_round(
        access,
        actor=authority,
        name=f"{today.year} 年度开放共享评价",
        scheme=scheme,
        period_start=dt.date(today.year, 1, 1),
        period_end=max(today - dt.timedelta(days=1), dt.date(today.year, 1, 1)),
        submission_due=today + dt.timedelta(days=30),
        scoring_due=today + dt.timedelta(days=60),
        units=units,
    )
    return {"evaluation_units": len(units), "experts_in_pool": len(pool)}
