"""The order's state machine: one table of steps, each with who may take it, and its side effects.

Completion: the order is completed when the ordering user first downloads a results file or accepts the results
on the order page ("accept"); if the user never does, the unit's staff may close it with a comment ("close").
Either way the order is billed, a usage record is written and the user is asked for a rating. Every call into
fees and usage from orders is here.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access, access_for
from yiqi.fees import services as fees
from yiqi.fees.models import Charge
from yiqi.notifications.services import notify
from yiqi.registry.models import Instrument
from yiqi.usage import services as usage

from ..models import OrderEvent, TestOrder
from ..models import OrderStatus as S
from .notices import notify_order, staff_contacts
from .visibility import serves

USER, UNIT = "user", "unit"
MAX_HOURS = Decimal("10000")


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    who: str  # USER: the ordering user; UNIT: staff serving the order
    needs_comment: bool = False


# The whole state machine: (action, sources → target, who may do it).
TRANSITIONS = {
    t.action: t
    for t in (
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
    )
}


def _may(access: Access, step: Transition, order: TestOrder, *, serving: bool | None = None) -> bool:
    if step.who == USER:
        return access.is_authenticated and order.user_id == access.user_id
    return serves(access, order) if serving is None else serving


def available_actions(order: TestOrder, access: Access, *, serving: bool | None = None) -> list[str]:
    """The actions this user may take on the order now, in the order of the state machine. ``serving``: whether
    the user serves the order, when already known (see ``served_order_ids``)."""
    serving = serves(access, order) if serving is None else serving
    return [
        step.action
        for step in TRANSITIONS.values()
        if order.status in step.sources and _may(access, step, order, serving=serving)
    ]


def locked(order: TestOrder) -> TestOrder:
    locked = TestOrder.objects.select_for_update().get(pk=order.pk)
    locked.instrument = Instrument.objects.select_related("unit").get(pk=locked.instrument_id)
    return locked


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
    return fees.to_fen(hours)


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
    span = Decimal((tested_until - tested_from).total_seconds()) / Decimal(3600)
    if hours > fees.to_fen(span):
        raise ValidationError({"machine_hours": [_("机时不能超过检测起止时间之差。")]})
    order.machine_hours = hours
    order.tested_from = tested_from
    order.tested_until = tested_until


def _void_charge(order: TestOrder) -> None:
    charge = Charge.objects.filter(order=order).first()
    if charge is not None:
        fees.void(charge)


def apply_step(order: TestOrder, step: Transition, *, actor, comment: str, params: dict) -> TestOrder:
    """Move a locked order along ``step`` (rights and state already checked), with its side effects."""
    if step.action == "quote":
        hours = _hours(params.get("hours"), "hours")
        order.estimated_hours = hours
    elif step.action == "start_testing":
        order.tested_from = timezone.now()
    elif step.action == "publish_results":
        _record_test_time(
            order, params.get("machine_hours"), params.get("tested_from"), params.get("tested_until")
        )
    source = order.status
    order.status = step.target
    order.save()
    OrderEvent.objects.create(
        order=order, from_status=source, to_status=order.status, actor=actor, comment=comment
    )
    if step.action == "quote":
        fees.quote_order(order, hours=order.estimated_hours)
    elif step.target in (S.CANCELLED, S.REJECTED):
        _void_charge(order)
    elif step.target == S.COMPLETED:
        fees.bill_order(order)
        usage.record_for_order(order, actor=actor)
    notify_order(order, [order.user] if step.who == UNIT else staff_contacts(order), comment)
    if step.target == S.COMPLETED:
        notify(
            [order.user],
            _("请评价委托测试服务：%(number)s") % {"number": order.number},
            _("您的委托测试已完成，欢迎对服务的及时性、态度和结果质量作出评价。"),
            reverse("feedback:rate_order", args=[order.pk]),
        )
    return order


@transaction.atomic
def transition(order: TestOrder, action: str, *, actor, comment: str = "", **params) -> TestOrder:
    """Apply one step of the state machine. ``params``: ``hours`` (quote); ``machine_hours``, ``tested_from``,
    ``tested_until`` (publish_results)."""
    step = TRANSITIONS.get(action)
    if step is None:
        raise ValidationError({"action": [_("未知操作：%(action)s") % {"action": action}]})
    order = locked(order)
    access = access_for(actor)
    if not _may(access, step, order):
        raise PermissionDenied(_("您无权对该委托单执行此操作。"))
    if order.status not in step.sources:
        raise ValidationError(
            {
                "action": [
                    _("委托单当前状态为“%(status)s”，不能%(action)s。")
                    % {"status": order.get_status_display(), "action": step.label}
                ]
            }
        )
    comment = (comment or "").strip()
    if step.needs_comment and not comment:
        raise ValidationError({"comment": [_("请填写理由。")]})
    if len(comment) > 1000:
        raise ValidationError({"comment": [_("说明不能超过 1000 个字。")]})
    return apply_step(order, step, actor=actor, comment=comment, params=params)


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
