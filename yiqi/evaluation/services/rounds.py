"""The cycle: the authority opens a round; units see figures, submit a self-evaluation and contest figures;
assigned experts score; the authority closes (results), publishes, tracks rectification and shares subsidies."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access
from yiqi.core.models import AuditEvent
from yiqi.core.uploads import DOCUMENT, check_upload
from yiqi.core.workflow import StateMachine, Transition
from yiqi.experts import services as experts
from yiqi.experts.models import Expert
from yiqi.monitoring.models import ReconciliationItem
from yiqi.organizations.models import Organization

from ..models import (
    Contest,
    ExpertScore,
    Grade,
    Indicator,
    NoticeEvent,
    Rectification,
    Round,
    Scheme,
    UnitEvaluation,
)
from . import figures, notices, results
from .schemes import is_authority, leaves

S = Round.Status
ROUNDS = StateMachine(
    Round,
    [
        Transition("start_scoring", gettext_lazy("进入专家评审"), (S.OPEN,), S.SCORING),
        Transition("close", gettext_lazy("结束并计算结果"), (S.SCORING,), S.CLOSED),
        Transition("publish", gettext_lazy("公布结果"), (S.CLOSED,), S.PUBLISHED),
    ],
)
SELF_REPORT_SECTIONS = ("management", "operation", "sharing", "results", "problems")


def _authority(access: Access) -> None:
    if not is_authority(access):
        raise PermissionDenied(_("只有平台管理机构可以组织评价。"))


def own_units(access: Access) -> Q:
    """The unit evaluations of the visitor's own units and of the units their departments supervise."""
    return Q(unit_id__in=access.staff_unit_ids) | Q(unit__supervising_department_id__in=access.department_ids)


def _assigned(access: Access) -> Q:
    """The unit evaluations the signed-in expert was assigned to."""
    assigned = experts.Assignment.objects.filter(
        expert__user_id=access.user_id, context_type__model="round", context_type__app_label="evaluation"
    )
    return Q(
        pk__in=UnitEvaluation.objects.filter(
            Q(round_id__in=assigned.values("context_id")) & Q(unit_id__in=assigned.values("unit_id"))
        ).values("pk")
    )


def visible_evaluations(access: Access) -> QuerySet[UnitEvaluation]:
    """Units their own, departments their units, experts what they were assigned, everyone the published."""
    rows = UnitEvaluation.objects.select_related("round", "unit")
    if access.is_platform_admin:
        return rows
    seen = Q(round__status=S.PUBLISHED)
    if access.is_authenticated:
        seen |= own_units(access)
        if access.is_expert:
            seen |= _assigned(access)
    return rows.filter(seen)


def visible_sheets(access: Access) -> QuerySet[UnitEvaluation]:
    """Whole unit sheets (figures, self-evaluation, contests), not just published results: the authority all, unit
    staff and departments their units, experts what they were assigned (``presenters.sees_detail`` as a query)."""
    rows = UnitEvaluation.objects.select_related("round", "unit")
    if is_authority(access):
        return rows
    if not access.is_authenticated:
        return rows.none()
    seen = own_units(access)
    if access.is_expert:
        seen |= _assigned(access)
    return rows.filter(seen)


@transaction.atomic
def open_round(
    access: Access,
    *,
    actor,
    name,
    scheme: Scheme,
    period_start: dt.date,
    period_end: dt.date,
    submission_due: dt.date,
    scoring_due: dt.date,
    units,
    subsidy_budget=None,
) -> Round:
    _authority(access)
    errors: dict = {}
    if scheme.status != Scheme.Status.ACTIVE:
        errors["scheme"] = [_("只能使用已启用的评价方案版本。")]
    if period_end < period_start:
        errors["period_end"] = [_("考核期结束日期不能早于开始日期。")]
    if scoring_due < submission_due:
        errors["scoring_due"] = [_("专家评分截止不能早于自评提交截止。")]
    units = list(units)
    if not units:
        errors["units"] = [_("请选择参评单位。")]
    overlapping = (
        UnitEvaluation.objects.select_for_update()
        .filter(unit__in=units, period_start__lte=period_end, period_end__gte=period_start)
        .select_related("unit", "round")
    )
    clash = overlapping.first()
    if clash:
        errors["units"] = [
            _("%(unit)s 已参加考核期重叠的评价轮次“%(round)s”。") % {"unit": clash.unit, "round": clash.round}
        ]
    if errors:
        raise ValidationError(errors)
    round_ = Round.objects.create(
        name=name,
        scheme=scheme,
        period_start=period_start,
        period_end=period_end,
        submission_due=submission_due,
        scoring_due=scoring_due,
        subsidy_budget=subsidy_budget,
        created_by=actor,
    )
    UnitEvaluation.objects.bulk_create(
        [
            UnitEvaluation(round=round_, unit=u, period_start=period_start, period_end=period_end)
            for u in units
        ]
    )
    refresh_figures(round_)
    ROUNDS.record_created(round_, actor=actor)
    notices.schedule(NoticeEvent.ROUND_OPENED, [round_.pk])
    return round_


def refresh_figures(round_: Round, unit_ids=None) -> None:
    """Recompute the figures of the round's units (all, or ``unit_ids``) from the records as they stand."""
    rows = list(round_.units.all() if unit_ids is None else round_.units.filter(unit_id__in=unit_ids))
    computed = figures.compute(
        [r.unit_id for r in rows],
        round_.period_start,
        round_.period_end,
        threshold=round_.scheme.value_threshold,
    )
    for row in rows:
        row.figures = computed[row.unit_id]
    UnitEvaluation.objects.bulk_update(rows, ["figures"])


def _editable(evaluation: UnitEvaluation, *states) -> None:
    """Refuse a change unless the round (re-read under a lock, not as the caller last saw it) is in ``states``."""
    evaluation.round = Round.objects.select_for_update().get(pk=evaluation.round_id)
    if evaluation.round.status not in states:
        raise ValidationError(
            {
                "round": [
                    _("评价轮次“%(round)s”当前为“%(status)s”，不能再修改。")
                    % {"round": evaluation.round, "status": evaluation.round.get_status_display()}
                ]
            }
        )


def _unit_staff(access: Access, evaluation: UnitEvaluation) -> None:
    if evaluation.unit_id not in access.editor_unit_ids:
        raise PermissionDenied(_("只有本单位管理员或信息员可以提交自评。"))


@transaction.atomic
def submit_self_evaluation(
    access: Access, evaluation: UnitEvaluation, *, actor, sections: dict, attachment=None
):
    _unit_staff(access, evaluation)
    _editable(evaluation, S.OPEN)
    if timezone.localdate() > evaluation.round.submission_due:
        raise ValidationError(
            {"sections": [_("自评提交已于 %(due)s 截止。") % {"due": evaluation.round.submission_due}]}
        )
    cleaned = {key: str(sections.get(key) or "").strip() for key in SELF_REPORT_SECTIONS}
    errors = {k: [_("请填写本部分。")] for k, v in cleaned.items() if not v}
    errors.update({k: [_("每部分不超过 5000 字。")] for k, v in cleaned.items() if len(v) > 5000})
    if errors:
        raise ValidationError(errors)
    evaluation.self_report = cleaned
    if attachment is not None:
        checked = check_upload(attachment, DOCUMENT, field="attachment")
        evaluation.self_report_file.save(checked.stored_name, attachment, save=False)
    evaluation.submitted_at = timezone.now()
    evaluation.save()
    AuditEvent.record(evaluation, "submit", actor=actor)
    return evaluation


@transaction.atomic
def contest(access: Access, evaluation: UnitEvaluation, *, actor, figure: str, reason: str):
    _unit_staff(access, evaluation)
    _editable(evaluation, S.OPEN, S.SCORING)
    errors = {}
    if figure not in figures.FIGURES:
        errors["figure"] = [_("没有该数据项。")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("请说明异议理由。")]
    elif len(reason) > 2000:
        errors["reason"] = [_("理由不超过 2000 字。")]
    if errors:
        raise ValidationError(errors)
    row = evaluation.contests.create(figure=figure, reason=reason, created_by=actor)
    AuditEvent.record(evaluation, "contest", actor=actor, comment=reason, data={"figure": figure})
    return row


@transaction.atomic
def assign_expert(access: Access, evaluation: UnitEvaluation, *, expert: Expert, actor):
    _editable(evaluation, S.OPEN, S.SCORING)
    assignment = experts.assign(
        access, expert=expert, unit=evaluation.unit, context=evaluation.round, actor=actor
    )
    notices.schedule(NoticeEvent.EXPERT_ASSIGNED, [assignment.pk])
    return assignment


@transaction.atomic
def score(access: Access, evaluation: UnitEvaluation, *, actor, indicator: Indicator, mark, comment=""):
    """An assigned expert's mark on a scored indicator, within 0 … its points; a changed mark is audited."""
    expert = Expert.objects.filter(user_id=access.user_id).first()
    if expert is None or evaluation.unit_id not in experts.assigned_unit_ids(access, evaluation.round):
        raise PermissionDenied(_("您未被指派评议该单位。"))
    reason = experts.conflict_reason(expert, evaluation.unit)
    if reason:
        raise ValidationError({"expert": [reason]})
    _editable(evaluation, S.SCORING)
    if indicator.scheme_id != evaluation.round.scheme_id or indicator.kind != Indicator.Kind.SCORED:
        raise ValidationError({"indicator": [_("该指标不由专家评分。")]})
    try:
        mark = Decimal(str(mark)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"score": [_("请填写数字。")]}) from None
    if not Decimal(0) <= mark <= indicator.points:
        raise ValidationError({"score": [_("得分应在 0 至 %(max)s 之间。") % {"max": indicator.points}]})
    row, created = ExpertScore.objects.update_or_create(
        evaluation=evaluation,
        indicator=indicator,
        expert=expert,
        defaults={"score": mark, "comment": comment},
    )
    AuditEvent.record(
        evaluation,
        "score",
        actor=actor,
        comment=comment,
        data={"indicator": indicator.code, "score": str(mark), "new": created},
    )
    return row


@transaction.atomic
def score_many(access: Access, evaluation: UnitEvaluation, *, actor, marks) -> None:
    """An expert's marks on several indicators, ``[(indicator, mark, comment), …]`` (empty marks skipped): all
    saved, or none, with each refusal on its indicator's code."""
    errors: dict = {}
    for indicator, mark, comment in marks:
        if mark in (None, ""):
            continue
        try:
            score(access, evaluation, actor=actor, indicator=indicator, mark=mark, comment=comment)
        except ValidationError as error:
            for field, texts in error.message_dict.items():
                errors.setdefault(indicator.code if field == "score" else field, []).extend(texts)
    if errors:
        raise ValidationError(errors)


def scoring_gaps(round_: Round) -> list[dict]:
    """Missing marks (an assigned expert has not scored an indicator) and spread flags, per unit and indicator."""
    scored = [leaf for leaf in leaves(round_.scheme) if leaf.kind == Indicator.Kind.SCORED]
    marks: dict = {}
    for unit_id, code, expert_id, mark in ExpertScore.objects.filter(evaluation__round=round_).values_list(
        "evaluation__unit_id", "indicator__code", "expert_id", "score"
    ):
        marks.setdefault((unit_id, code), {})[expert_id] = mark
    flags = []
    for assignment in experts.assignments_in(round_):
        for leaf in scored:
            given = marks.get((assignment.unit_id, leaf.code), {})
            if assignment.expert_id not in given:
                flags.append(
                    {
                        "unit": assignment.unit_id,
                        "indicator": leaf.code,
                        "kind": "missing",
                        "expert": assignment.expert_id,
                    }
                )
    for (unit_id, code), given in marks.items():
        leaf = next((x for x in scored if x.code == code), None)
        if leaf and results.scoring.spread_flagged(given.values(), full=leaf.points):
            flags.append({"unit": unit_id, "indicator": code, "kind": "spread", "expert": None})
    return flags


@transaction.atomic
def onsite(access: Access, evaluation: UnitEvaluation, *, actor, flag: bool, outcome: str = ""):
    _authority(access)
    _editable(evaluation, S.OPEN, S.SCORING)
    evaluation.onsite_check, evaluation.onsite_outcome = flag, (outcome or "").strip()
    evaluation.save(update_fields=["onsite_check", "onsite_outcome"])
    AuditEvent.record(
        evaluation, "onsite", actor=actor, comment=evaluation.onsite_outcome, data={"flag": flag}
    )


def fraud_units(round_: Round) -> set[int]:
    """Units with suspect usage records the reconciliation confirmed in the period."""
    since, until = figures.bounds(round_.period_start, round_.period_end)
    return set(
        ReconciliationItem.objects.filter(
            unit_id__in=round_.units.values("unit_id"),
            kind=ReconciliationItem.Kind.SUSPECT_RECORD,
            status=ReconciliationItem.Status.CONFIRMED,
            started_at__gte=since,
            started_at__lt=until,
        ).values_list("unit_id", flat=True)
    )


def expert_marks(round_: Round) -> dict[int, dict[str, list]]:
    """The experts' marks so far, per unit and indicator code (what ``results.leaf_points`` scores with)."""
    marks: dict = {}
    for unit_id, code, mark in ExpertScore.objects.filter(evaluation__round=round_).values_list(
        "evaluation__unit_id", "indicator__code", "score"
    ):
        marks.setdefault(unit_id, {}).setdefault(code, []).append(mark)
    return marks


def close(access: Access, round_: Round, *, actor) -> Round:
    """Recompute figures, score every unit, rank and grade; poor units get a one-year rectification."""
    _authority(access)

    def prepare(locked: Round, step):
        refresh_figures(locked)
        rows = {r.unit_id: r for r in locked.units.all()}
        points = results.leaf_points(
            locked.scheme, {u: r.figures for u, r in rows.items()}, expert_marks(locked)
        )
        fraud = fraud_units(locked)
        for standing in results.rank(locked.scheme, points, fraud):
            row = rows[standing.unit_id]
            row.scores = {code: str(p) for code, p in points[standing.unit_id].items()}
            row.total, row.rank, row.grade = standing.total, standing.rank, standing.grade
            row.fraud_confirmed = standing.unit_id in fraud
        UnitEvaluation.objects.bulk_update(
            rows.values(), ["scores", "total", "rank", "grade", "fraud_confirmed"]
        )
        due = timezone.localdate() + dt.timedelta(days=365)  # one year from the result
        Rectification.objects.bulk_create(
            [Rectification(evaluation=r, due_on=due) for r in rows.values() if r.grade == Grade.POOR],
            ignore_conflicts=True,
        )
        if locked.subsidy_budget:
            share_subsidies(locked, rows.values())

    return ROUNDS.run(round_, "close", actor=actor, prepare=prepare)


def share_subsidies(round_: Round, rows) -> None:
    """Good and above only, proportional to total × annual external-service hours per instrument, capped."""
    rows = list(rows)
    weights = {}
    for row in rows:
        if row.grade in (Grade.EXCELLENT, Grade.GOOD):
            hours = results.value_of(row.figures.get("external_hours", {})) or Decimal(0)
            weights[row.unit_id] = row.total * hours
    amounts = results.subsidies(weights, round_.subsidy_budget)
    for row in rows:
        row.subsidy = amounts.get(row.unit_id, Decimal("0.00"))
    UnitEvaluation.objects.bulk_update(rows, ["subsidy"])


def start_scoring(access: Access, round_: Round, *, actor) -> Round:
    """Self-evaluation ends and the assigned experts may score; figures are recomputed as they stand."""
    _authority(access)
    return ROUNDS.run(
        round_, "start_scoring", actor=actor, prepare=lambda locked, step: refresh_figures(locked)
    )


@transaction.atomic
def allocate_subsidies(access: Access, round_: Round, *, actor, budget) -> Round:
    """Share ``budget`` among the closed round's good and excellent units (before publication); audited."""
    _authority(access)
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.status != S.CLOSED:
        raise ValidationError({"budget": [_("只能在结果计算后、公布前分配后补助。")]})
    try:
        budget = Decimal(str(budget)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"budget": [_("请填写金额。")]}) from None
    if budget <= 0:
        raise ValidationError({"budget": [_("后补助预算应大于 0。")]})
    round_.subsidy_budget = budget
    round_.save(update_fields=["subsidy_budget"])
    share_subsidies(round_, round_.units.all())
    AuditEvent.record(round_, "subsidies", actor=actor, data={"budget": str(budget)})
    return round_


@transaction.atomic
def answer_contest(access: Access, row: Contest, *, actor, answer: str) -> Contest:
    _authority(access)
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": [_("请填写答复。")]})
    if len(answer) > 2000:
        raise ValidationError({"answer": [_("答复不超过 2000 字。")]})
    row.answer = answer
    row.save(update_fields=["answer"])
    AuditEvent.record(row.evaluation, "answer", actor=actor, comment=answer, data={"figure": row.figure})
    return row


def publish(access: Access, round_: Round, *, actor) -> Round:
    _authority(access)

    def prepare(locked: Round, step):
        locked.published_at = timezone.now()
        notices.schedule(NoticeEvent.RESULTS_PUBLISHED, [locked.pk])
        notices.schedule(
            NoticeEvent.RECTIFICATION_REQUIRED,
            Rectification.objects.filter(evaluation__round=locked).values_list("pk", flat=True),
        )

    return ROUNDS.run(round_, "publish", actor=actor, prepare=prepare)


@transaction.atomic
def close_rectification(access: Access, rectification: Rectification, *, actor, report: str):
    _authority(access)
    if rectification.status == Rectification.Status.CLOSED:
        raise ValidationError({"report": [_("该整改已完成。")]})
    report = (report or "").strip()
    if not report:
        raise ValidationError({"report": [_("请填写整改情况。")]})
    rectification.status, rectification.report = Rectification.Status.CLOSED, report
    rectification.closed_at = timezone.now()
    rectification.save()
    AuditEvent.record(
        rectification, "close", actor=actor, from_state="open", to_state="closed", comment=report
    )
    notices.schedule(NoticeEvent.RECTIFICATION_DECIDED, [rectification.pk])
    return rectification


def units_in_scope(unit_ids) -> QuerySet[Organization]:
    return Organization.objects.filter(pk__in=unit_ids, is_management_unit=True)
