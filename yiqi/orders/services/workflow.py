"""The order's state machine: one table of steps, each with who may take it, and its side effects.

Completion: the ordering user accepts the results on the order page ("accept"); if the user never does, the unit's
staff may close it with a comment ("close"). Either way the order's service record is completed, and the layers
above bill it, write its usage record and ask the user for a rating. Downloading a results file changes nothing.
"""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access, access_for
from yiqi.core.models import AuditEvent
from yiqi.core.money import hours_between, to_fen
from yiqi.core.workflow import StateMachine, Transition
from yiqi.servicerecords import services as records

from ..models import OrderStatus as S
from ..models import TestOrder
from .notices import notify_order, staff_contacts
from .visibility import serves

USER, UNIT = "user", "unit"
MAX_HOURS = Decimal("10000")

# The whole state machine: (action, sources → target, who may do it).
ORDER_MACHINE = StateMachine(
    TestOrder,
    [
        Transition("quote", gettext_lazy("报价"), (S.SUBMITTED, S.QUOTED), S.QUOTED, UNIT),
        Transition("reject", gettext_lazy("拒绝受理"), (S.SUBMITTED,), S.REJECTED, UNIT, needs_comment=True),
        Transition("confirm", gettext_lazy("确认报价"), (S.QUOTED,), S.CONFIRMED, USER),
        Transition(
            "cancel", gettext_lazy("取消委托"), (S.SUBMITTED, S.QUOTED, S.CONFIRMED), S.CANCELLED, USER
        ),
        Transition("receive_samples", gettext_lazy("确认收样"), (S.CONFIRMED,), S.SAMPLES_RECEIVED, UNIT),
        Transition("start_testing", gettext_lazy("开始检测"), (S.SAMPLES_RECEIVED,), S.TESTING, UNIT),
        Transition("publish_results", gettext_lazy("发布结果"), (S.TESTING,), S.RESULTS_READY, UNIT),
        Transition("accept", gettext_lazy("确认完成"), (S.RESULTS_READY,), S.COMPLETED, USER),
        Transition(
            "close", gettext_lazy("结束委托"), (S.RESULTS_READY,), S.COMPLETED, UNIT, needs_comment=True
        ),
    ],
    lock_related=("instrument__unit",),
)
TRANSITIONS = ORDER_MACHINE.transitions


def _may(access: Access, step: Transition, order: TestOrder, *, serving: bool | None = None) -> bool:
    if step.who == USER:
        return access.is_authenticated and order.user_id == access.user_id
    return serves(access, order) if serving is None else serving


def available_actions(order: TestOrder, access: Access, *, serving: bool | None = None) -> list[str]:
    """The actions this user may take on the order now, in the order of the state machine. ``serving``: whether
    the user serves the order, when already known (see ``served_order_ids``)."""
    serving = serves(access, order) if serving is None else serving
    return [
        step.action for step in ORDER_MACHINE.available(order) if _may(access, step, order, serving=serving)
    ]


def audit_trails(orders) -> dict[int, list[AuditEvent]]:
    """The audit trails of several orders (a list's page) in one query, oldest first, keyed by order id."""
    trails: dict[int, list[AuditEvent]] = defaultdict(list)
    events = AuditEvent.objects.for_model(TestOrder).filter(object_id__in=[order.pk for order in orders])
    for event in events.select_related("actor"):
        trails[event.object_id].append(event)
    return trails


def locked(order: TestOrder) -> TestOrder:
    return ORDER_MACHINE.lock(order)


def _hours(value, field: str) -> Decimal:
    if value is None or value == "":
        raise ValidationError({field: [_("请填写机时。")]})
    try:
        hours = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({field: [_("机时须为数字。")]}) from None
    if not hours.is_finite() or hours < 0:
        raise ValidationError({field: [_("机时不能为负数。")]})
    if hours > MAX_HOURS:
        raise ValidationError({field: [_("机时不能超过 %(n)s 小时。") % {"n": MAX_HOURS}]})
    return to_fen(hours)


def _record_test_time(order: TestOrder, machine_hours, tested_from, tested_until) -> None:
    """Staff record how long the test ran before results go out; the bill is computed from these hours."""
    if not order.results.exists():
        raise ValidationError({"files": [_("请先上传至少一个结果文件。")]})
    hours = _hours(machine_hours, "machine_hours")
    now = timezone.now()
    tested_from = tested_from or order.tested_from
    tested_until = tested_until or now
    if tested_from is None:
        raise ValidationError({"tested_from": [_("请填写检测开始时间。")]})
    # Naive times are Beijing time, whatever the server's zone.
    tested_from, tested_until = (
        timezone.make_aware(t, timezone.get_default_timezone()) if timezone.is_naive(t) else t
        for t in (tested_from, tested_until)
    )
    if tested_until > now + timedelta(minutes=5):
        raise ValidationError({"tested_until": [_("检测结束时间不能晚于现在。")]})
    if tested_from >= tested_until:
        raise ValidationError({"tested_until": [_("检测结束时间须晚于开始时间。")]})
    if hours > hours_between(tested_from, tested_until):
        raise ValidationError({"machine_hours": [_("机时不能超过检测起止时间之差。")]})
    order.machine_hours = hours
    order.tested_from = tested_from
    order.tested_until = tested_until


def _preparer(params: dict):
    """What each step records on the order before it moves (checked, so the step may still be refused)."""

    def prepare(order: TestOrder, step: Transition) -> None:
        if step.action == "quote":
            order.estimated_hours = _hours(params.get("hours"), "hours")
        elif step.action == "start_testing":
            order.tested_from = timezone.now()
        elif step.action == "publish_results":
            _record_test_time(
                order, params.get("machine_hours"), params.get("tested_from"), params.get("tested_until")
            )

    return prepare


def _permitted(access: Access):
    def permitted(order: TestOrder, step: Transition) -> bool:
        if not _may(access, step, order):
            raise PermissionDenied(_("您无权对该委托单执行此操作。"))
        return True

    return permitted


def _complete_record(order: TestOrder, *, actor) -> None:
    """The service record of a completed order: tested from/until as staff recorded them (at least a minute)."""
    hours = order.machine_hours or Decimal("0")
    start = order.tested_from or order.created_at
    if order.tested_until and order.tested_until > start:
        end = order.tested_until
    else:
        end = start + timedelta(seconds=max(int(hours * 3600), 60))
    records.complete(
        order.record,
        actor=actor,
        started_at=start,
        ended_at=end,
        hours=hours,
        sample_count=order.sample_count,
    )


@transaction.atomic
def transition(order: TestOrder, action: str, *, actor, comment: str = "", **params) -> TestOrder:
    """Apply one step of the state machine. ``params``: ``hours`` (quote); ``machine_hours``, ``tested_from``,
    ``tested_until`` (publish_results)."""
    order = ORDER_MACHINE.run(
        order,
        action,
        actor=actor,
        comment=comment,
        permitted=_permitted(access_for(actor)),
        prepare=_preparer(params),
    )
    step = TRANSITIONS[action]
    if step.action == "quote":
        records.requote(order.record, planned_hours=order.estimated_hours)
    elif step.target in (S.CANCELLED, S.REJECTED):
        records.close(order.record, actor=actor)
    elif step.target == S.COMPLETED:
        _complete_record(order, actor=actor)
    notify_order(order, [order.user] if step.who == UNIT else staff_contacts(order), comment)
    return order


def quote(order, *, actor, hours, comment="") -> TestOrder:
    return transition(order, "quote", actor=actor, comment=comment, hours=hours)


def reject(order, *, actor, comment) -> TestOrder:
    return transition(order, "reject", actor=actor, comment=comment)


def confirm(order, *, actor, comment="") -> TestOrder:
    return transition(order, "confirm", actor=actor, comment=comment)


def cancel(order, *, actor, reason="") -> TestOrder:
    return transition(order, "cancel", actor=actor, comment=reason)


def receive_samples(order, *, actor, comment="") -> TestOrder:
    return transition(order, "receive_samples", actor=actor, comment=comment)


def start_testing(order, *, actor, comment="") -> TestOrder:
    return transition(order, "start_testing", actor=actor, comment=comment)


def publish_results(
    order, *, actor, machine_hours, tested_from=None, tested_until=None, comment=""
) -> TestOrder:
    return transition(
        order,
        "publish_results",
        actor=actor,
        comment=comment,
        machine_hours=machine_hours,
        tested_from=tested_from,
        tested_until=tested_until,
    )


def accept(order, *, actor, comment="") -> TestOrder:
    return transition(order, "accept", actor=actor, comment=comment)


def close(order, *, actor, comment) -> TestOrder:
    return transition(order, "close", actor=actor, comment=comment)
