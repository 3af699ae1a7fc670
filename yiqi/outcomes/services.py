"""Business rules of the results of use: who sees and records them, what each kind must carry, the user's
acknowledgement of a paper and the unit's decision on it, and the counts the evaluation and the national yearly
record read (confirmed results only, placed in a period by their date).

Views, forms and the API call these, so the rules hold whichever way data arrives.
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access
from yiqi.accounts.models import Role
from yiqi.accounts.services import users_with_role
from yiqi.core.models import AuditEvent
from yiqi.core.queries import among
from yiqi.core.workflow import StateMachine, Transition
from yiqi.notifications.services import Phrase, notify
from yiqi.registry.models import Instrument
from yiqi.servicerecords.models import ServiceRecord, ServiceStatus

from .identifiers import CLEANERS
from .models import Outcome, OutcomeKind, OutcomeStatus

MAX_LINKS = 50  # instruments or service records one result may name

# --- who sees what ------------------------------------------------------------------------------------------------


def visible_outcomes(access: Access) -> QuerySet[Outcome]:
    """A unit's results for its staff, its department and the platform; a user's own acknowledgements for them."""
    queryset = Outcome.objects.select_related("unit", "submitted_by")
    if access.is_platform_admin:
        return queryset
    if not access.is_authenticated:
        return queryset.none()
    scope = Q(acknowledged_by_user=True, submitted_by_id=access.user_id)
    if access.staff_unit_ids:
        scope |= Q(unit_id__in=access.staff_unit_ids)
    if access.department_ids:
        scope |= Q(unit__supervising_department_id__in=access.department_ids)
    return queryset.filter(scope)


def sees_unit_outcomes(access: Access) -> bool:
    """Who has the list of units' results: unit staff, departments and the platform."""
    return access.is_platform_admin or bool(access.staff_unit_ids) or bool(access.department_ids)


def can_edit(access: Access, outcome: Outcome) -> bool:
    """The unit's admin and information officer keep its results (and decide on users' acknowledgements)."""
    return outcome.unit_id in access.editor_unit_ids


def can_delete(access: Access, outcome: Outcome) -> bool:
    """The unit's record keepers; the user who sent an acknowledgement, while it waits."""
    return can_edit(access, outcome) or (
        outcome.acknowledged_by_user
        and outcome.submitted_by_id == access.user_id
        and outcome.status == OutcomeStatus.PENDING
    )


# --- the record ---------------------------------------------------------------------------------------------------

# The fields a kind cannot go without (beyond title and date); ``level`` belongs to awards and projects only.
REQUIRED = {
    OutcomeKind.PAPER: ("identifier", "source"),
    OutcomeKind.PATENT: ("identifier",),
    OutcomeKind.STANDARD: ("identifier",),
    OutcomeKind.AWARD: ("source", "level"),
    OutcomeKind.PROJECT: ("identifier", "source", "level"),
}
WITH_LEVEL = (OutcomeKind.AWARD, OutcomeKind.PROJECT)
IDENTIFIER_LABELS = {
    OutcomeKind.PAPER: gettext_lazy("DOI"),
    OutcomeKind.PATENT: gettext_lazy("专利号"),
    OutcomeKind.STANDARD: gettext_lazy("标准号"),
    OutcomeKind.AWARD: gettext_lazy("证书编号"),
    OutcomeKind.PROJECT: gettext_lazy("项目编号"),
}
SOURCE_LABELS = {
    OutcomeKind.PAPER: gettext_lazy("期刊/会议"),
    OutcomeKind.PATENT: gettext_lazy("专利权人"),
    OutcomeKind.STANDARD: gettext_lazy("发布机构"),
    OutcomeKind.AWARD: gettext_lazy("授奖机构"),
    OutcomeKind.PROJECT: gettext_lazy("资助机构"),
}


def _check_fields(outcome: Outcome) -> dict[str, list]:
    errors: dict[str, list] = {}
    if outcome.kind not in OutcomeKind.values:
        return {"kind": [_("请选择成果类别。")]}
    if outcome.kind not in WITH_LEVEL:
        outcome.level = ""
    outcome.identifier = (outcome.identifier or "").strip()
    if outcome.identifier:
        try:
            outcome.identifier = CLEANERS[outcome.kind](outcome.identifier)
        except ValueError as error:
            errors["identifier"] = [str(error)]
    for name in REQUIRED[outcome.kind]:
        if not getattr(outcome, name) and name not in errors:
            label = (
                IDENTIFIER_LABELS[outcome.kind]
                if name == "identifier"
                else SOURCE_LABELS[outcome.kind]
                if name == "source"
                else Outcome._meta.get_field(name).verbose_name
            )
            errors[name] = [
                _("%(kind)s须填写“%(field)s”。") % {"kind": outcome.get_kind_display(), "field": label}
            ]
    if outcome.date and not dt.date(1950, 1, 1) <= outcome.date <= timezone.localdate() + dt.timedelta(
        days=366
    ):
        errors["date"] = [_("日期须在 1950 年至明年之间。")]
    return errors


def _duplicate(outcome: Outcome) -> bool:
    return (
        bool(outcome.identifier)
        and Outcome.objects.filter(unit_id=outcome.unit_id, kind=outcome.kind, identifier=outcome.identifier)
        .exclude(status=OutcomeStatus.DECLINED)
        .exclude(pk=outcome.pk)
        .exists()
    )


def _links(unit_id: int, instrument_ids: Iterable[int], record_ids: Iterable[int]):
    """The unit's own instruments (at least one) and its service records, or field errors."""
    instrument_ids, record_ids = set(instrument_ids or ()), set(record_ids or ())
    errors = {}
    instruments = (
        list(Instrument.objects.filter(unit_id=unit_id, pk__in=instrument_ids)) if instrument_ids else []
    )
    if not instrument_ids:
        errors["instruments"] = [_("请至少选择一台支撑仪器。")]
    elif len(instrument_ids) > MAX_LINKS:
        errors["instruments"] = [_("最多选择 %(n)s 台仪器。") % {"n": MAX_LINKS}]
    elif len(instruments) != len(instrument_ids):
        errors["instruments"] = [_("只能选择本单位的仪器。")]
    records = list(ServiceRecord.objects.filter(unit_id=unit_id, pk__in=record_ids)) if record_ids else []
    if len(record_ids) > MAX_LINKS:
        errors["service_records"] = [_("最多关联 %(n)s 条服务记录。") % {"n": MAX_LINKS}]
    elif len(records) != len(record_ids):
        errors["service_records"] = [_("只能关联本单位的服务记录。")]
    return instruments, records, errors


def _store(outcome: Outcome, instruments, records, errors: dict) -> Outcome:
    """Every check, then the row and its links in one transaction; the database has the last word on duplicates."""
    errors = {**errors, **_check_fields(outcome)}
    if "identifier" not in errors and _duplicate(outcome):
        errors["identifier"] = [_("本单位已登记过该编号的成果。")]
    try:
        outcome.full_clean(exclude=["unit", "identifier", "level"], validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, messages)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            outcome.save()
            outcome.instruments.set(instruments)
            outcome.service_records.set(records)
    except IntegrityError:  # a simultaneous request stored the same number first
        raise ValidationError({"identifier": [_("本单位已登记过该编号的成果。")]}) from None
    return outcome


@transaction.atomic
def save_outcome(outcome: Outcome, *, access: Access, user, instrument_ids=(), record_ids=()) -> Outcome:
    """A result the unit records (confirmed at once) or corrects; its state changes only through ``decide``."""
    if outcome.pk is None:
        if outcome.unit_id not in access.editor_unit_ids:
            raise PermissionDenied(_("您无权为该单位登记应用成果。"))
        outcome.status, outcome.submitted_by, outcome.acknowledged_by_user = (
            OutcomeStatus.CONFIRMED,
            user,
            False,
        )
    else:
        stored = Outcome.objects.select_for_update().get(pk=outcome.pk)
        if not can_edit(access, stored):
            raise PermissionDenied(_("该成果当前不可由您修改。"))
        if stored.unit_id != outcome.unit_id or stored.kind != outcome.kind:
            raise ValidationError({"kind": [_("不能更改成果的单位或类别。")]})
        outcome.status = stored.status
    created = outcome.pk is None
    instruments, records, errors = _links(outcome.unit_id, instrument_ids, record_ids)
    _store(outcome, instruments, records, errors)
    if created:
        MACHINE.record_created(outcome, actor=user)
    else:
        AuditEvent.record(outcome, "update", actor=user, from_state=outcome.status, to_state=outcome.status)
    return outcome


def acknowledgeable_records(access: Access) -> QuerySet[ServiceRecord]:
    """The user's own completed services on an instrument: what a paper may acknowledge."""
    if not access.is_authenticated:
        return ServiceRecord.objects.none()
    return (
        ServiceRecord.objects.filter(
            user_id=access.user_id, status=ServiceStatus.COMPLETED, instrument__isnull=False
        )
        .select_related("instrument", "unit")
        .order_by("-completed_at", "-pk")
    )


@transaction.atomic
def acknowledge(access: Access, *, user, record_id, title, doi, journal, authors="", date=None) -> Outcome:
    """A served user's paper that acknowledges the instrument: waits for the unit to confirm it."""
    record = acknowledgeable_records(access).filter(pk=record_id).first()
    if record is None:
        raise ValidationError({"service_record": [_("只能为本人已完成的服务登记论文致谢。")]})
    outcome = Outcome(
        unit_id=record.unit_id,
        kind=OutcomeKind.PAPER,
        title=title,
        identifier=doi,
        source=journal,
        authors=authors,
        date=date,
        status=OutcomeStatus.PENDING,
        submitted_by=user,
        acknowledged_by_user=True,
    )
    try:
        _store(outcome, [record.instrument], [record], {})
    except ValidationError as error:  # reported on the fields the user filled in
        names = {"identifier": "doi", "source": "journal"}
        raise ValidationError({names.get(k, k): v for k, v in error.message_dict.items()}) from None
    MACHINE.record_created(outcome, actor=user)
    keepers = users_with_role(Role.UNIT_ADMIN, organization_id=record.unit_id) | users_with_role(
        Role.INFORMATION_OFFICER, organization_id=record.unit_id
    )
    notify(
        keepers.distinct(),
        Phrase(gettext_lazy("用户提交了论文致谢，请确认：%(title)s"), title=outcome.title),
        url=reverse("outcomes:list") + "?status=pending",
    )
    return outcome


MACHINE = StateMachine(
    Outcome,
    [
        Transition(
            "confirm",
            gettext_lazy("确认"),
            (OutcomeStatus.PENDING,),
            OutcomeStatus.CONFIRMED,
            who="editor",
        ),
        Transition(
            "decline",
            gettext_lazy("不予确认"),
            (OutcomeStatus.PENDING,),
            OutcomeStatus.DECLINED,
            who="editor",
            needs_comment=True,
        ),
    ],
    missing_comment=gettext_lazy("不予确认时请说明理由。"),
    comment_max_length=500,
)


def decide(outcome: Outcome, action: str, *, access: Access, actor, comment: str = "") -> Outcome:
    """The unit confirms a user's acknowledgement (it then counts) or declines it with a reason."""

    def prepare(locked, step):
        locked.decision_comment = (comment or "").strip()

    decided = MACHINE.run(
        outcome,
        action,
        actor=actor,
        comment=comment,
        permitted=lambda locked, step: can_edit(access, locked),
        prepare=prepare,
    )
    if decided.submitted_by_id and decided.acknowledged_by_user:
        notify(
            [decided.submitted_by],
            Phrase(
                gettext_lazy("您的论文致谢%(status)s：%(title)s"),
                status=OutcomeStatus(decided.status).label,
                title=decided.title,
            ),
            url=reverse("outcomes:mine"),
        )
    return decided


@transaction.atomic
def delete_outcome(outcome: Outcome, *, access: Access, actor) -> None:
    if not can_delete(access, outcome):
        raise PermissionDenied(_("您无权删除该成果。"))
    AuditEvent.record(
        outcome, "delete", actor=actor, from_state=outcome.status, to_state="", data={"title": outcome.title}
    )
    outcome.delete()


# --- what the evaluation and the national record read ---------------------------------------------------------


def weights() -> dict[str, int]:
    """Points per result of each kind in the weighted count (``YIQI_OUTCOME_WEIGHTS``)."""
    return {kind: int(settings.YIQI_OUTCOME_WEIGHTS.get(kind, 1)) for kind in OutcomeKind.values}


def counted(unit_ids, start: dt.date, end: dt.date) -> QuerySet[Outcome]:
    """The confirmed results of the units dated within the period (both days included)."""
    return Outcome.objects.filter(
        unit_id__in=among(unit_ids), status=OutcomeStatus.CONFIRMED, date__gte=start, date__lte=end
    )


def counts(unit_ids, start: dt.date, end: dt.date) -> dict[int, dict[str, int]]:
    """``{unit_id: {kind: n, ..., "weighted": n}}`` in one query, for every unit asked (zeros included)."""
    unit_ids = list(unit_ids)
    rows = counted(unit_ids, start, end).values("unit_id", "kind").annotate(n=Count("pk")).order_by()
    weight = weights()
    kinds = OutcomeKind.values  # built anew on every access: once, not per unit
    result = {unit_id: dict.fromkeys(kinds, 0) for unit_id in unit_ids}
    for row in rows:
        result[row["unit_id"]][row["kind"]] = row["n"]
    for per_kind in result.values():
        per_kind["weighted"] = sum(per_kind[kind] * weight[kind] for kind in kinds)
    return result


def awards_of(unit_ids, start: dt.date, end: dt.date) -> dict[int, list[str]]:
    """The titles of the units' confirmed awards in the period, newest first (the national record's highlights)."""
    result: dict[int, list[str]] = {}
    for unit_id, title in (
        counted(unit_ids, start, end)
        .filter(kind=OutcomeKind.AWARD)
        .order_by("-date", "-pk")
        .values_list("unit_id", "title")
    ):
        result.setdefault(unit_id, []).append(title)
    return result
