"""A round from opening to published results through the services, with the refusals a user would meet."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import UserFactory, user_with_role
from yiqi.core.models import AuditEvent
from yiqi.evaluation.models import Indicator, Rectification
from yiqi.evaluation.services import defaults, rounds, schemes
from yiqi.experts.models import Conflict
from yiqi.experts.tests.factories import ExpertFactory
from yiqi.monitoring.models import ReconciliationItem
from yiqi.organizations.tests.factories import DepartmentFactory, OrganizationFactory
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory
from yiqi.usage.tests.factories import UsageRecordFactory

pytestmark = pytest.mark.django_db
SECTIONS = dict.fromkeys(rounds.SELF_REPORT_SECTIONS, "情况说明")


def open_round(authority, units, **overrides):
    today = timezone.localdate()
    fields = {
        "name": "2025 年度开放共享评价",
        "scheme": overrides.pop("scheme", None) or defaults.default_scheme(),
        "period_start": today - dt.timedelta(days=365),
        "period_end": today - dt.timedelta(days=1),
        "submission_due": today + dt.timedelta(days=10),
        "scoring_due": today + dt.timedelta(days=20),
        "units": units,
        "subsidy_budget": D("500000"),
        **overrides,
    }
    return rounds.open_round(access_for(authority), actor=authority, **fields)


def test_a_round_from_opening_to_published_results():
    authority = user_with_role(Role.PLATFORM_ADMIN)
    department = DepartmentFactory()
    good, cheat = (OrganizationFactory(supervising_department=department) for _ in range(2))
    for unit in (good, cheat):
        instrument = InstrumentFactory(unit=unit, registration_status=RegistrationStatus.PUBLISHED)
        UsageRecordFactory(instrument=instrument, machine_hours=D("40"), is_external=True)
    suspect = UsageRecordFactory(instrument=InstrumentFactory(unit=cheat), machine_hours=D("1"))
    round_ = open_round(authority, [good, cheat])
    evaluation = round_.units.get(unit=good)
    assert evaluation.figures["effective_hours"]["declared"]  # units see their figures as soon as it opens

    officer = user_with_role(Role.INFORMATION_OFFICER, organization=good)
    with pytest.raises(ValidationError) as refused:
        rounds.submit_self_evaluation(access_for(officer), evaluation, actor=officer, sections={})
    assert set(refused.value.message_dict) == set(rounds.SELF_REPORT_SECTIONS)
    rounds.submit_self_evaluation(access_for(officer), evaluation, actor=officer, sections=SECTIONS)
    rounds.contest(
        access_for(officer), evaluation, actor=officer, figure="sharing_rate", reason="漏计委托测试"
    )
    with pytest.raises(PermissionDenied):
        other = user_with_role(Role.INFORMATION_OFFICER, organization=cheat)
        rounds.submit_self_evaluation(access_for(other), evaluation, actor=other, sections=SECTIONS)
    with pytest.raises(ValidationError) as overlap:
        open_round(authority, [good], name="重复轮次")
    assert "重叠" in overlap.value.message_dict["units"][0]

    expert, conflicted = ExpertFactory(), ExpertFactory()
    Conflict.objects.create(expert=conflicted, organization=good, reason="合作单位")
    with pytest.raises(ValidationError):
        rounds.assign_expert(access_for(authority), evaluation, expert=conflicted, actor=authority)
    rounds.assign_expert(access_for(authority), evaluation, expert=expert, actor=authority)
    ROUNDS = rounds.ROUNDS
    ROUNDS.run(round_, "start_scoring", actor=authority)
    results_of_use = Indicator.objects.get(scheme=round_.scheme, code="2.2")
    with pytest.raises(ValidationError) as out_of_range:
        rounds.score(
            access_for(expert.user), evaluation, actor=expert.user, indicator=results_of_use, mark="21"
        )
    assert "0 至 20.00" in out_of_range.value.message_dict["score"][0]
    with pytest.raises(PermissionDenied):
        rounds.score(
            access_for(conflicted.user), evaluation, actor=conflicted.user, indicator=results_of_use, mark="5"
        )
    rounds.score(access_for(expert.user), evaluation, actor=expert.user, indicator=results_of_use, mark="18")
    gaps = rounds.scoring_gaps(round_)
    assert {(g["indicator"], g["kind"]) for g in gaps} == {("1.1", "missing"), ("1.3", "missing")}
    assert set(rounds.visible_evaluations(access_for(expert.user))) == {evaluation}

    ReconciliationItem.objects.create(
        instrument=suspect.instrument,
        unit=cheat,
        kind=ReconciliationItem.Kind.SUSPECT_RECORD,
        status=ReconciliationItem.Status.CONFIRMED,
        started_at=suspect.started_at,
        ended_at=suspect.ended_at,
        usage_record=suspect,
    )
    round_ = rounds.close(access_for(authority), round_, actor=authority)
    good_result, cheat_result = round_.units.get(unit=good), round_.units.get(unit=cheat)
    assert good_result.scores["2.2"] == "18.00" and good_result.rank == 1
    assert cheat_result.grade == "poor" and cheat_result.fraud_confirmed
    assert Rectification.objects.filter(evaluation=cheat_result).exists()
    assert cheat_result.subsidy == D("0.00")
    with pytest.raises(ValidationError):  # edits after the close are refused
        rounds.score(
            access_for(expert.user), evaluation, actor=expert.user, indicator=results_of_use, mark="1"
        )

    assert not rounds.visible_evaluations(access_for(UserFactory())).exists()
    department_admin = user_with_role(Role.DEPARTMENT_ADMIN, department=department)
    assert rounds.visible_evaluations(access_for(department_admin)).count() == 2
    rounds.publish(access_for(authority), round_, actor=authority)
    assert rounds.visible_evaluations(access_for(UserFactory())).count() == 2
    assert AuditEvent.objects.for_object(round_).count() == 4  # opened, scoring, closed, published
    assert AuditEvent.objects.for_object(evaluation).filter(action="score").count() == 1


def test_only_active_schemes_and_the_authority_open_rounds():
    authority = user_with_role(Role.PLATFORM_ADMIN)
    shaanxi = defaults.default_scheme()
    draft = schemes.copy(access_for(authority), shaanxi, actor=authority)
    with pytest.raises(ValidationError) as refused:
        open_round(authority, [OrganizationFactory()], scheme=draft)
    assert "scheme" in refused.value.message_dict
    unit_admin = user_with_role(Role.UNIT_ADMIN, organization=OrganizationFactory())
    with pytest.raises(PermissionDenied):
        open_round(unit_admin, [OrganizationFactory()], scheme=shaanxi)


def test_the_demo_has_a_published_round_and_an_open_one():
    from yiqi.demo.evaluation import build_evaluation

    UserFactory(is_superuser=True)
    for _ in range(3):
        OrganizationFactory()
        user_with_role(Role.EXPERT)
    assert build_evaluation() == {"evaluation_units": 3, "experts_in_pool": 3}
    published, opened = (r.status for r in rounds.Round.objects.order_by("period_end"))
    assert (published, opened) == ("published", "open")
    assert rounds.Round.objects.get(status="published").units.exclude(grade="").count() == 3
