"""Business rules of duplicate-purchase review: who sees and files applications, what a complete application
holds, submission with its frozen evidence, expert assignment (the pool's conflict rule), opinions, the
authority's decision, and the link from the bought instrument back to its application.

Views, forms and the API call these, so the rules hold whichever way data arrives.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access
from yiqi.accounts.models import Role
from yiqi.accounts.services import users_with_role
from yiqi.core.models import AuditEvent
from yiqi.core.queries import among
from yiqi.core.sequences import next_daily_number
from yiqi.core.workflow import StateMachine, Transition
from yiqi.evaluation.signals import Obligation
from yiqi.experts import services as experts
from yiqi.experts.models import Expert
from yiqi.notifications.services import Phrase, notify
from yiqi.organizations.models import Organization
from yiqi.registry.categories import leaf_codes
from yiqi.registry.models import Instrument

from . import evidence
from .models import DECIDED, Opinion, PurchaseApplication, Quote, Review, ReviewRules, Status

# What a unit files (the form, the API and ``save_application`` all read this one list).
FIELDS = (
    "name",
    "category",
    "specifications",
    "functions",
    "model_candidates",
    "budget",
    "funding_source",
    "discipline",
    "necessity",
    "expected_hours",
    "expected_users",
    "sharing_mode",
    "hours_offered",
)

machine = StateMachine(
    PurchaseApplication,
    [
        Transition("submit", gettext_lazy("提交查重评议"), (Status.DRAFT,), Status.SUBMITTED, who="unit"),
        Transition(
            "start_review",
            gettext_lazy("开始专家评议"),
            (Status.SUBMITTED,),
            Status.IN_REVIEW,
            who="authority",
        ),
        Transition(
            "decide", gettext_lazy("出具评议意见"), (Status.IN_REVIEW,), Status.DECIDED, who="authority"
        ),
        Transition("file", gettext_lazy("备案"), (Status.DECIDED,), Status.FILED, who="authority"),
        Transition(
            "withdraw", gettext_lazy("撤回"), (Status.DRAFT, Status.SUBMITTED), Status.WITHDRAWN, who="unit"
        ),
    ],
)


# --- who sees what ------------------------------------------------------------------------------------------------


def visible_applications(access: Access) -> QuerySet[PurchaseApplication]:
    """The authority sees all; a unit's staff its own; a department its supervised units' submitted ones; an expert
    the applications they were assigned to."""
    queryset = PurchaseApplication.objects.select_related("unit", "category")
    if access.is_platform_admin:
        return queryset
    if not access.is_authenticated:
        return queryset.none()
    scope = Q(unit_id__in=access.staff_unit_ids)
    if access.department_ids:
        scope |= Q(unit__supervising_department_id__in=access.department_ids) & ~Q(status=Status.DRAFT)
    if access.is_expert:
        scope |= Q(reviews__expert__user_id=access.user_id)
    return queryset.filter(scope).distinct()


def sees_applications(access: Access) -> bool:
    return (
        access.is_platform_admin or bool(access.staff_unit_ids or access.department_ids) or access.is_expert
    )


def filing_units(access: Access) -> QuerySet[Organization]:
    """Units the user may file applications for: those whose records they keep."""
    return Organization.objects.filter(pk__in=access.editor_unit_ids).order_by("name")


def can_file(access: Access) -> bool:
    return bool(access.editor_unit_ids)


def can_edit(access: Access, application: PurchaseApplication) -> bool:
    return application.is_editable and application.unit_id in access.editor_unit_ids


def is_authority(access: Access) -> bool:
    """The review authority assigns experts and records the final opinion (it keeps the expert pool)."""
    return experts.manages_pool(access)


def review_of(access: Access, application: PurchaseApplication) -> Review | None:
    """The signed-in expert's review of ``application``, if they were assigned."""
    if not access.is_authenticated:
        return None
    return application.reviews.filter(expert__user_id=access.user_id).first()


def requires_review(application: PurchaseApplication, rules: ReviewRules) -> bool:
    return application.budget >= rules.threshold and application.funding_source in rules.reviewed_funds


# --- filing ---------------------------------------------------------------------------------------------------------


def _clean_quotes(quotes) -> list[Quote]:
    cleaned, errors = [], []
    for row in quotes or []:
        if not any(str(row.get(k) or "").strip() for k in ("supplier", "model", "amount")):
            continue
        quote = Quote(
            supplier=str(row.get("supplier") or "").strip(),
            model=str(row.get("model") or "").strip(),
            amount=row.get("amount"),
        )
        try:
            quote.full_clean(exclude=["application"])
        except ValidationError as error:
            errors.extend(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
        cleaned.append(quote)
    if errors:
        raise ValidationError({"quotes": [_("报价填写有误：%(errors)s") % {"errors": "；".join(errors)}]})
    return cleaned


@transaction.atomic
def save_application(
    access: Access,
    *,
    unit: Organization,
    values: dict,
    quotes,
    actor,
    application: PurchaseApplication | None = None,
) -> PurchaseApplication:
    """Create or change a draft application and replace its quotes; refused after submission."""
    if application is None:
        if unit.pk not in access.editor_unit_ids:
            raise PermissionDenied(_("您不能为该单位提交购置申请。"))
        application = PurchaseApplication(unit=unit, created_by=actor)
    else:
        application = machine.lock(application)
        if application.unit_id not in access.editor_unit_ids:
            raise PermissionDenied(_("您不能修改该单位的购置申请。"))
        if not application.is_editable:
            raise ValidationError({"action": [_("申请已提交，不能再修改。")]})
    for name in FIELDS:
        if name in values:
            setattr(application, name, values[name])
    application.full_clean(exclude=["number", "unit", "created_by", "instrument"])
    if application.category.code not in leaf_codes():
        raise ValidationError({"category": [_("请选择仪器分类中的小类。")]})
    cleaned = _clean_quotes(quotes)
    created = application.pk is None
    if created:
        application.number = next_daily_number("CG", timezone.localdate(), PurchaseApplication.objects.all())
    application.save()
    application.quotes.all().delete()
    for quote in cleaned:
        quote.application = application
    Quote.objects.bulk_create(cleaned)
    if created:
        machine.record_created(application, actor=actor)
    else:
        AuditEvent.record(
            application, "edit", actor=actor, from_state=application.status, to_state=application.status
        )
    return application


def _check_complete(application: PurchaseApplication, rules: ReviewRules) -> None:
    errors: dict[str, list[str]] = {}
    if not requires_review(application, rules):
        errors["budget"] = [
            _("预算 %(budget)s 元、资金来源“%(fund)s”的购置不在查重评议范围（起点 %(threshold)s 元）。")
            % {
                "budget": application.budget,
                "fund": application.get_funding_source_display(),
                "threshold": rules.threshold,
            }
        ]
    count = application.quotes.count()
    if count < rules.min_quotes:
        errors["quotes"] = [
            _("至少需要 %(n)s 家供应商报价，目前只有 %(count)s 家。")
            % {"n": rules.min_quotes, "count": count}
        ]
    for name in ("specifications", "functions", "necessity", "discipline"):
        if not (getattr(application, name) or "").strip():
            errors[name] = [_("请填写此项。")]
    if not application.expected_hours:
        errors["expected_hours"] = [_("请填写预计年机时。")]
    if application.sharing_mode != Instrument.SharingMode.NOT_SHARED and not application.hours_offered:
        errors["hours_offered"] = [_("开放共享的仪器须填写对外开放机时。")]
    if errors:
        raise ValidationError(errors)


def submit(access: Access, application: PurchaseApplication, *, actor) -> PurchaseApplication:
    """File the application: check it is complete, find and freeze the evidence, tell the authority."""
    rules = ReviewRules.current()

    def prepare(locked, step):
        _check_complete(locked, rules)
        found = evidence.build(locked, rules)
        locked.evidence = found
        locked.draft_opinion = found["draft_opinion"]
        locked.submitted_at = timezone.now()

    application = machine.run(
        application,
        "submit",
        actor=actor,
        permitted=lambda locked, step: locked.unit_id in access.editor_unit_ids,
        prepare=prepare,
    )
    notify(
        users_with_role(Role.PLATFORM_ADMIN),
        Phrase(gettext_lazy("新的购置查重评议申请：%(name)s"), name=application.name),
        Phrase(
            gettext_lazy("%(unit)s 提交了购置申请 %(number)s，请指派评议专家。"),
            unit=application.unit.name,
            number=application.number,
        ),
        reverse("purchases:detail", args=[application.pk]),
    )
    return application


def withdraw(
    access: Access, application: PurchaseApplication, *, actor, comment: str = ""
) -> PurchaseApplication:
    return machine.run(
        application,
        "withdraw",
        actor=actor,
        comment=comment,
        permitted=lambda locked, step: locked.unit_id in access.editor_unit_ids,
    )


# --- review ---------------------------------------------------------------------------------------------------------


def candidate_experts(application: PurchaseApplication) -> QuerySet[Expert]:
    """Active experts of the application's class branch without a tie to the applying unit."""
    in_field = experts.in_field(Expert.objects.all(), category_code=application.category.code[:2] + "0000")
    return (
        experts.eligible_for(application.unit, in_field)
        .exclude(pk__in=application.reviews.values("expert_id"))
        .order_by("name", "id")
    )


def assign_expert(access: Access, application: PurchaseApplication, *, expert: Expert, actor) -> Review:
    """Assign a reviewer through the pool (which refuses the applying unit's people and declared conflicts)."""
    if not is_authority(access):
        raise PermissionDenied(_("只有评议主管部门可以指派专家。"))
    with transaction.atomic():
        locked = machine.lock(application)
        if locked.status not in (Status.SUBMITTED, Status.IN_REVIEW):
            raise ValidationError(
                {
                    "expert": [
                        _("申请当前状态为“%(status)s”，不能指派专家。")
                        % {"status": locked.get_status_display()}
                    ]
                }
            )
        assignment = experts.assign(access, expert=expert, unit=locked.unit, context=locked, actor=actor)
        review = Review.objects.create(application=locked, assignment=assignment, expert=expert)
        if locked.status == Status.SUBMITTED:
            machine.run(locked, "start_review", actor=actor)
    notify(
        [expert.user],
        Phrase(gettext_lazy("请评议购置申请：%(name)s"), name=application.name),
        Phrase(
            gettext_lazy("您被指派评议 %(unit)s 的购置申请 %(number)s。"),
            unit=application.unit.name,
            number=application.number,
        ),
        reverse("purchases:detail", args=[application.pk]),
    )
    return review


@transaction.atomic
def submit_review(access: Access, review: Review, *, values: dict, actor) -> Review:
    """The assigned expert's scores and recommendation, once; refused outside the review stage."""
    review = Review.objects.select_for_update().select_related("application", "expert").get(pk=review.pk)
    if review.expert.user_id != access.user_id:
        raise PermissionDenied(_("只有被指派的专家可以提交评议意见。"))
    if review.application.status != Status.IN_REVIEW:
        raise ValidationError({"action": [_("该申请不在专家评议阶段。")]})
    if review.submitted_at:
        raise ValidationError({"action": [_("评议意见已提交，不能修改。")]})
    # The pool's rule again at the moment of judging: a conflict declared after assignment still excludes.
    reason = experts.conflict_reason(review.expert, review.application.unit)
    if reason:
        raise ValidationError({"expert": [reason]})
    errors = {}
    for name in ("relevance", "necessity", "reasonableness", "recommendation", "reasons"):
        if values.get(name) in (None, ""):
            errors[name] = [_("请填写此项。")]
        setattr(review, name, values.get(name))
    if errors:
        raise ValidationError(errors)
    review.submitted_at = timezone.now()
    review.full_clean(exclude=["application", "assignment", "expert"])
    review.save()
    AuditEvent.record(review, "submit", actor=actor, data={"recommendation": review.recommendation})
    return review


def decide(
    access: Access, application: PurchaseApplication, *, opinion: str, text: str, conditions: str = "", actor
) -> PurchaseApplication:
    """The authority's final opinion, once every assigned expert has given theirs; the unit is told."""
    if opinion not in Opinion.values:
        raise ValidationError({"opinion": [_("请选择评议意见。")]})
    if not (text or "").strip():
        raise ValidationError({"opinion_text": [_("请填写意见说明。")]})
    if opinion == Opinion.CONDITIONAL and not (conditions or "").strip():
        raise ValidationError({"conditions": [_("附条件的意见须写明共享条件。")]})

    def prepare(locked, step):
        reviews = list(locked.reviews.all())
        if not reviews or any(r.submitted_at is None for r in reviews):
            raise ValidationError({"opinion": [_("须待所有指派专家提交评议意见后才能出具意见。")]})
        locked.opinion, locked.opinion_text = opinion, text.strip()
        locked.conditions = conditions.strip() if opinion == Opinion.CONDITIONAL else ""
        locked.decided_at = timezone.now()

    application = machine.run(
        application,
        "decide",
        actor=actor,
        permitted=lambda locked, step: is_authority(access),
        prepare=prepare,
        data={"opinion": opinion},
    )
    notify(
        users_with_role(Role.UNIT_ADMIN, organization_id=application.unit_id),
        Phrase(gettext_lazy("购置查重评议意见：%(name)s"), name=application.name),
        Phrase(
            gettext_lazy("申请 %(number)s 的评议意见：%(opinion)s。"),
            number=application.number,
            opinion=application.get_opinion_display(),
        ),
        reverse("purchases:detail", args=[application.pk]),
    )
    return application


def file_application(access: Access, application: PurchaseApplication, *, actor) -> PurchaseApplication:
    """The authority files the decided application (application, evidence, opinions) in its online record under a
    filing number. A provincial record: the national interface has no record type for purchase review."""

    def prepare(locked, step):
        locked.filed_at = timezone.now()
        locked.filing_number = next_daily_number(
            "BA", timezone.localdate(), PurchaseApplication.objects.all(), field="filing_number"
        )

    return machine.run(
        application,
        "file",
        actor=actor,
        permitted=lambda locked, step: is_authority(access),
        prepare=prepare,
    )


def filed_record(access: Access, *, year: int | None = None, unit_id: int | None = None, opinion: str = ""):
    """The online record: filed applications the user may see, newest first, narrowed by year, unit and opinion."""
    queryset = visible_applications(access).filter(status=Status.FILED)
    if year:
        queryset = queryset.filter(filed_at__year=year)
    if unit_id:
        queryset = queryset.filter(unit_id=unit_id)
    if opinion:
        queryset = queryset.filter(opinion=opinion)
    return queryset.order_by("-filed_at", "-id")


def filed_years(access: Access) -> list[int]:
    return sorted({at.year for at in filed_record(access).dates("filed_at", "year")}, reverse=True)


def filed_units(access: Access) -> QuerySet[Organization]:
    return Organization.objects.filter(pk__in=filed_record(access).values("unit_id")).order_by("name")


# --- after purchase -------------------------------------------------------------------------------------------------


@transaction.atomic
def link_instrument(
    access: Access, application: PurchaseApplication, *, instrument: Instrument, actor
) -> PurchaseApplication:
    """Tie the registered instrument to the application it was bought under: its opening plan becomes obligations."""
    application = machine.lock(application)
    if application.unit_id not in access.editor_unit_ids:
        raise PermissionDenied(_("您不能修改该单位的购置申请。"))
    if not application.is_decided or application.opinion == Opinion.REFUSE:
        raise ValidationError({"instrument": [_("只有评议意见为建议购置的申请才能关联购置后的仪器。")]})
    if instrument.unit_id != application.unit_id:
        raise ValidationError({"instrument": [_("仪器不属于申请单位。")]})
    if application.instrument_id:
        raise ValidationError({"instrument": [_("该申请已关联仪器。")]})
    if PurchaseApplication.objects.filter(instrument=instrument).exists():
        raise ValidationError({"instrument": [_("该仪器已关联其他购置申请。")]})
    application.instrument = instrument
    application.save(update_fields=["instrument"])
    AuditEvent.record(application, "link", actor=actor, data={"instrument": instrument.pk})
    return application


def _bought_under_review() -> QuerySet[PurchaseApplication]:
    return PurchaseApplication.objects.filter(status__in=DECIDED, instrument__isnull=False)


def opening_obligations(instrument: Instrument) -> dict | None:
    """What the unit promised when buying ``instrument`` (for the yearly evaluation), or None."""
    application = _bought_under_review().filter(instrument=instrument).first()
    if application is None:
        return None
    return {
        "application": application.number,
        "sharing_mode": application.sharing_mode,
        "hours_offered": application.hours_offered,
        "conditions": application.conditions,
    }


def obligations_of_units(unit_ids) -> list[Obligation]:
    """The opening plans of the units' instruments bought through review, as the evaluation checks them (one query)."""
    rows = _bought_under_review().filter(instrument__unit_id__in=among(unit_ids))
    return [
        Obligation(row["instrument_id"], row["number"], row["sharing_mode"], row["hours_offered"])
        for row in rows.values("instrument_id", "number", "sharing_mode", "hours_offered")
    ]


def mean_scores(application: PurchaseApplication) -> dict[str, Decimal | None]:
    """The experts' mean score per criterion, to one place."""
    submitted = [r for r in application.reviews.all() if r.submitted_at]
    result = {}
    for name in ("relevance", "necessity", "reasonableness"):
        values = [getattr(r, name) for r in submitted]
        result[name] = (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1")) if values else None
    return result


def act(access: Access, application: PurchaseApplication, action: str, data: dict, *, actor):
    """One step on an application, as a page's or the API's ``action`` with its fields."""
    if action == "submit":
        return submit(access, application, actor=actor)
    if action == "withdraw":
        return withdraw(access, application, actor=actor, comment=data.get("comment", ""))
    if action == "assign":
        expert = Expert.objects.filter(pk=_int(data.get("expert"))).first()
        if expert is None:
            raise ValidationError({"expert": [_("请选择专家。")]})
        return assign_expert(access, application, expert=expert, actor=actor)
    if action == "review":
        review = review_of(access, application)
        if review is None:
            raise PermissionDenied(_("只有被指派的专家可以提交评议意见。"))
        return submit_review(access, review, values=data, actor=actor)
    if action == "decide":
        return decide(
            access,
            application,
            opinion=data.get("opinion", ""),
            text=data.get("opinion_text", ""),
            conditions=data.get("conditions", ""),
            actor=actor,
        )
    if action == "file":
        return file_application(access, application, actor=actor)
    if action == "link":
        instrument = Instrument.objects.filter(pk=_int(data.get("instrument"))).first()
        if instrument is None:
            raise ValidationError({"instrument": [_("未找到该仪器。")]})
        return link_instrument(access, application, instrument=instrument, actor=actor)
    raise ValidationError({"action": [_("未知操作：%(action)s") % {"action": action}]})


def _int(value) -> int:
    return int_or_none(value) or 0


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
