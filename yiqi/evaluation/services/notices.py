"""Notices of the cycle, each sent once per event: a round opened (its units), results published (its units), a
rectification required or closed (the unit and its department), an expert assigned (the expert). Sent after the
step commits, by a task; the ``Notice`` row keyed by event and object makes a retry send nothing twice."""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy

from yiqi.accounts.models import Role
from yiqi.accounts.services import users_with_role
from yiqi.experts.models import Assignment
from yiqi.notifications.services import Phrase, notify

from ..models import Notice, NoticeEvent, Rectification, Round, UnitEvaluation

E = NoticeEvent


def schedule(event: str, keys) -> None:
    """Send the notices of ``event`` for ``keys`` once the current transaction commits."""
    from .. import tasks  # the task module imports this one

    keys = list(keys)
    if keys:
        transaction.on_commit(lambda: tasks.send_notices(event, keys))


@transaction.atomic
def tell(event: str, key: int) -> bool:
    """Send the notices of one event unless they were sent already; returns whether they were sent now."""
    _, created = Notice.objects.get_or_create(event=event, key=key)
    if created:
        SENDERS[event](key)
    return created


def _unit_staff(unit_id: int, department_id: int | None = None) -> list:
    people = users_with_role(Role.UNIT_ADMIN, organization_id=unit_id) | users_with_role(
        Role.INFORMATION_OFFICER, organization_id=unit_id
    )
    if department_id is not None:
        people |= users_with_role(Role.DEPARTMENT_ADMIN, department_id=department_id)
    return list(people.distinct())


def _unit_url(evaluation: UnitEvaluation) -> str:
    return reverse("evaluation:unit", args=[evaluation.pk])


def _round_opened(round_id: int) -> None:
    round_ = Round.objects.get(pk=round_id)
    for evaluation in round_.units.select_related("unit"):
        notify(
            _unit_staff(evaluation.unit_id),
            Phrase(
                gettext_lazy("评价轮次“%(round)s”已开启，请于 %(date)s 前提交自评"),
                round=round_.name,
                date=round_.submission_due.isoformat(),
            ),
            Phrase(
                gettext_lazy("%(unit)s 参加本轮评价：请核对计算数据（可对数据提出异议）并提交自评报告。"),
                unit=evaluation.unit.name,
            ),
            _unit_url(evaluation),
        )


def _results_published(round_id: int) -> None:
    round_ = Round.objects.get(pk=round_id)
    for evaluation in round_.units.select_related("unit"):
        notify(
            _unit_staff(evaluation.unit_id),
            Phrase(gettext_lazy("评价轮次“%(round)s”结果已公布"), round=round_.name),
            Phrase(
                gettext_lazy("%(unit)s：总分 %(total)s，排名第 %(rank)s，等级 %(grade)s。"),
                unit=evaluation.unit.name,
                total=evaluation.total,
                rank=evaluation.rank,
                grade=evaluation.get_grade_display(),
            ),
            _unit_url(evaluation),
        )


def _rectification(rectification_id: int, subject, body) -> None:
    rectification = Rectification.objects.select_related("evaluation__unit", "evaluation__round").get(
        pk=rectification_id
    )
    unit = rectification.evaluation.unit
    notify(
        _unit_staff(unit.pk, unit.supervising_department_id),
        Phrase(subject, unit=unit.name, round=rectification.evaluation.round.name),
        Phrase(body, date=rectification.due_on.isoformat(), report=rectification.report),
        reverse("evaluation:rectifications"),
    )


def _rectification_required(rectification_id: int) -> None:
    _rectification(
        rectification_id,
        gettext_lazy("%(unit)s 在“%(round)s”中评为较差，须限期整改"),
        gettext_lazy("请于 %(date)s 前完成整改，平台管理机构将核定整改情况。"),
    )


def _rectification_decided(rectification_id: int) -> None:
    _rectification(
        rectification_id,
        gettext_lazy("%(unit)s 在“%(round)s”后的限期整改已核定完成"),
        gettext_lazy("整改情况：%(report)s"),
    )


def _expert_assigned(assignment_id: int) -> None:
    assignment = Assignment.objects.select_related("expert__user", "unit").get(pk=assignment_id)
    evaluation = UnitEvaluation.objects.select_related("round").get(
        round_id=assignment.context_id, unit_id=assignment.unit_id
    )
    notify(
        [assignment.expert.user],
        Phrase(
            gettext_lazy("请评议：%(unit)s（%(round)s）"),
            unit=assignment.unit.name,
            round=evaluation.round.name,
        ),
        Phrase(
            gettext_lazy("请于 %(date)s 前对专家评分指标逐项打分并填写评语。"),
            date=evaluation.round.scoring_due.isoformat(),
        ),
        reverse("evaluation:score", args=[evaluation.pk]),
    )


SENDERS = {
    E.ROUND_OPENED: _round_opened,
    E.RESULTS_PUBLISHED: _results_published,
    E.RECTIFICATION_REQUIRED: _rectification_required,
    E.RECTIFICATION_DECIDED: _rectification_decided,
    E.EXPERT_ASSIGNED: _expert_assigned,
}
