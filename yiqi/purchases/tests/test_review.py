"""A purchase application goes from filing through evidence and expert review to a filed opinion."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.core.models import AuditEvent
from yiqi.monitoring.models import DailyHours
from yiqi.purchases import services
from yiqi.purchases.models import Opinion, PurchaseApplication, ReviewRules, Status
from yiqi.registry.tests.factories import InstrumentFactory
from yiqi.usage.tests.factories import UsageRecordFactory

from .factories import QUOTES, file_application

pytestmark = pytest.mark.django_db


def last_year(month=6):
    return timezone.make_aware(dt.datetime(timezone.localdate().year - 1, month, 1, 9))


def busy(instrument, hours=1300):
    """Usage records adding up to ``hours`` last year."""
    for month in range(1, 14):
        UsageRecordFactory(
            instrument=instrument, started_at=last_year(min(month, 12)), machine_hours=Decimal(hours) / 13
        )


def test_submission_freezes_evidence_with_hours_distance_and_the_rule(province):
    busy(province.busy_sem)
    application = file_application(province.applicant, province.officer)
    assert application.status == Status.DRAFT and application.quotes.count() == 3

    application = services.submit(access_for(province.officer), application, actor=province.officer)

    rows = {row["instrument_id"]: row for row in application.evidence["similar"]}
    assert list(rows)[:2] == [province.idle_sem.pk, province.busy_sem.pk] or set(list(rows)[:2]) == {
        province.idle_sem.pk,
        province.busy_sem.pk,
    }
    assert province.xrd.pk not in rows
    idle, full = rows[province.idle_sem.pk], rows[province.busy_sem.pk]
    assert (idle["distance"], idle["hours"], idle["underused_shareable"]) == ("city", "0.0", True)
    assert (full["distance"], full["saturated"], full["hours_source"]) == ("province", True, "usage")
    assert Decimal(full["hours"]) == Decimal("1300.0") and full["free_hours"] == "0"
    # An idle, shareable instrument in the same city: the rule does not recommend buying.
    assert application.draft_opinion == Opinion.REFUSE
    assert application.evidence["reasons"][0]["code"] == "underused_nearby"


def test_telemetry_hours_count_before_usage_records(province):
    busy(province.idle_sem, hours=100)
    first = dt.date(timezone.localdate().year - 1, 3, 1)
    for day in range(60):
        DailyHours.objects.create(
            instrument=province.idle_sem,
            unit=province.neighbour,
            day=first + dt.timedelta(days=day),
            running_seconds=22 * 3600,
            covered_seconds=24 * 3600,
        )
    application = services.submit(
        access_for(province.officer),
        file_application(province.applicant, province.officer),
        actor=province.officer,
    )
    row = next(r for r in application.evidence["similar"] if r["instrument_id"] == province.idle_sem.pk)
    assert (row["hours_source"], row["hours"], row["saturated"]) == ("telemetry", "1320.0", True)


def test_saturated_or_closed_instruments_recommend_the_purchase(province):
    busy(province.busy_sem)
    busy(province.idle_sem)
    application = services.submit(
        access_for(province.officer),
        file_application(province.applicant, province.officer),
        actor=province.officer,
    )
    assert application.draft_opinion == Opinion.RECOMMEND
    assert [r["code"] for r in application.evidence["reasons"]] == ["saturated"]


def test_evidence_cannot_change_after_submission(province):
    application = file_application(province.applicant, province.officer)
    application = services.submit(access_for(province.officer), application, actor=province.officer)
    frozen = application.evidence
    InstrumentFactory(name="场发射扫描电子显微镜", unit=province.applicant, registration_status="published")
    with pytest.raises(ValidationError) as refused:
        services.save_application(
            access_for(province.officer),
            unit=province.applicant,
            values={"name": "改名"},
            quotes=QUOTES,
            actor=province.officer,
            application=application,
        )
    assert "申请已提交，不能再修改。" in refused.value.messages
    application.refresh_from_db()
    assert application.evidence == frozen and application.name == "场发射扫描电子显微镜"


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"quotes": QUOTES[:2]}, "quotes"),
        ({"budget": Decimal("1500000.00")}, "budget"),
        ({"funding_source": "own"}, "budget"),
        ({"hours_offered": 0}, "hours_offered"),
    ],
)
def test_incomplete_applications_are_refused_and_stay_drafts(province, overrides, field):
    application = file_application(province.applicant, province.officer, **overrides)
    with pytest.raises(ValidationError) as refused:
        services.submit(access_for(province.officer), application, actor=province.officer)
    assert field in refused.value.message_dict
    application.refresh_from_db()
    assert application.status == Status.DRAFT and application.evidence == {}
    assert not AuditEvent.objects.for_object(application).filter(action="submit").exists()


def test_thresholds_and_quote_count_are_deployment_settings(province):
    ReviewRules.objects.create(
        pk=1, threshold=Decimal("1000000"), funding_sources="central,own", min_quotes=2
    )
    application = file_application(
        province.applicant,
        province.officer,
        quotes=QUOTES[:2],
        budget=Decimal("1500000.00"),
        funding_source="own",
    )
    assert (
        services.submit(access_for(province.officer), application, actor=province.officer).status
        == Status.SUBMITTED
    )


def test_bad_fields_are_refused_with_nothing_saved(province):
    with pytest.raises(ValidationError) as refused:
        file_application(province.applicant, province.officer, expected_hours=9000, budget=Decimal("-1"))
    assert {"expected_hours", "budget"} <= set(refused.value.message_dict)
    with pytest.raises(ValidationError) as refused:
        file_application(
            province.applicant,
            province.officer,
            quotes=[{"supplier": "某公司", "model": "X", "amount": "abc"}],
        )
    assert "quotes" in refused.value.message_dict
    assert not PurchaseApplication.objects.exists()


def test_other_units_cannot_file_or_submit(province):
    with pytest.raises(PermissionDenied):
        file_application(province.neighbour, province.officer)
    application = file_application(province.applicant, province.officer)
    from yiqi.accounts.models import Role
    from yiqi.accounts.tests.factories import user_with_role

    stranger = user_with_role(Role.INFORMATION_OFFICER, organization=province.neighbour)
    with pytest.raises(PermissionDenied):
        services.submit(access_for(stranger), application, actor=stranger)


def submitted(province):
    busy(province.busy_sem)
    application = file_application(province.applicant, province.officer)
    return services.submit(access_for(province.officer), application, actor=province.officer)


def test_experts_review_and_the_authority_decides(province):
    application = submitted(province)
    authority = access_for(province.authority)
    assert list(services.candidate_experts(application)) == [province.outsider]

    with pytest.raises(ValidationError) as refused:
        services.assign_expert(authority, application, expert=province.insider, actor=province.authority)
    assert "须回避" in refused.value.message_dict["expert"][0]
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and not application.reviews.exists()

    review = services.assign_expert(
        authority, application, expert=province.outsider, actor=province.authority
    )
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    assert application in services.visible_applications(access_for(province.outsider.user))
    assert application not in services.visible_applications(access_for(province.insider.user))

    with pytest.raises(ValidationError):  # not before every expert has judged
        services.decide(
            authority, application, opinion=Opinion.RECOMMEND, text="同意", actor=province.authority
        )

    expert = province.outsider.user
    with pytest.raises(PermissionDenied):
        services.submit_review(access_for(province.officer), review, values={}, actor=province.officer)
    with pytest.raises(ValidationError) as refused:
        services.submit_review(access_for(expert), review, values={"relevance": 9}, actor=expert)
    assert "necessity" in refused.value.message_dict
    review.refresh_from_db()
    assert review.submitted_at is None

    values = {
        "relevance": 5,
        "necessity": 3,
        "reasonableness": 4,
        "recommendation": "conditional",
        "reasons": "邻校同类设备空闲，宜附共享条件。",
    }
    services.submit_review(access_for(expert), review, values=values, actor=expert)
    assert services.mean_scores(application) == {
        "relevance": Decimal("5.0"),
        "necessity": Decimal("3.0"),
        "reasonableness": Decimal("4.0"),
    }

    with pytest.raises(ValidationError) as refused:
        services.decide(
            authority, application, opinion=Opinion.CONDITIONAL, text="附条件同意", actor=province.authority
        )
    assert "conditions" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        services.decide(
            access_for(province.unit_admin),
            application,
            opinion=Opinion.RECOMMEND,
            text="自批",
            actor=province.unit_admin,
        )
    application = services.decide(
        authority,
        application,
        opinion=Opinion.CONDITIONAL,
        text="附条件同意购置。",
        conditions="每年对外开放不少于 600 机时，并加入区域共享平台。",
        actor=province.authority,
    )
    assert application.status == Status.DECIDED and application.decided_at
    actions = list(AuditEvent.objects.for_object(application).values_list("action", flat=True))
    assert actions == ["create", "submit", "start_review", "decide"]
    assert province.unit_admin.notifications.filter(subject__contains="购置查重评议意见").exists()

    bought = InstrumentFactory(unit=province.applicant)
    services.link_instrument(
        access_for(province.officer), application, instrument=bought, actor=province.officer
    )
    assert services.opening_obligations(bought) == {
        "application": application.number,
        "sharing_mode": "external",
        "hours_offered": 600,
        "conditions": "每年对外开放不少于 600 机时，并加入区域共享平台。",
    }
    with pytest.raises(ValidationError):
        services.link_instrument(
            access_for(province.officer),
            application,
            instrument=InstrumentFactory(unit=province.applicant),
            actor=province.officer,
        )


def test_a_purchase_that_serves_documented_unmet_needs_says_so(province):
    from yiqi.accounts.tests.factories import UserFactory
    from yiqi.demands.tests.factories import post

    company = UserFactory()
    need = post(company, category_id="010102", region=province.applicant.region)
    post(company, title="土壤重金属检测", description="土壤样品中铅镉含量测定", category_id="010202",
         region=province.applicant.region)  # fmt: skip
    application = services.submit(
        access_for(province.officer),
        file_application(province.applicant, province.officer),
        actor=province.officer,
    )
    assert [n["number"] for n in application.evidence["unmet_needs"]] == [need.number]
    assert application.evidence["reasons"][-1] == {"code": "meets_unmet_needs", "count": 1}
