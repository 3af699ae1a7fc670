"""Adjustments (requested by service staff, approved by another unit admin) and payment of a bill."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access, access_for
from yiqi.accounts.models import Role
from yiqi.accounts.services import users_with_role
from yiqi.core.models import AuditEvent
from yiqi.core.workflow import StateMachine, Transition
from yiqi.notifications.services import Phrase, notify

from ..models import Charge, ChargeAdjustment
from .amounts import MAX_ADJUSTMENT, parse_money
from .charges import CHARGES, recompute_total, serves, trail_data

A = ChargeAdjustment.Status
ADJUSTMENTS = StateMachine(
    ChargeAdjustment,
    [
        Transition("approve", gettext_lazy("批准"), (A.PENDING,), A.APPROVED),
        Transition("reject", gettext_lazy("驳回"), (A.PENDING,), A.REJECTED, needs_comment=True),
    ],
    comment_max_length=300,
    missing_comment=gettext_lazy("驳回时请填写审批意见。"),
    lock_related=("requested_by",),
)


def decidable_adjustments(access: Access) -> QuerySet[ChargeAdjustment]:
    """Pending adjustments the user may decide: a unit admin of the issuing unit who did not ask for them (four
    eyes on every change)."""
    return ChargeAdjustment.objects.filter(
        status=ChargeAdjustment.Status.PENDING, charge__unit_id__in=access.unit_admin_unit_ids
    ).exclude(requested_by_id=access.user_id)


def can_decide(access: Access, adjustment: ChargeAdjustment) -> bool:
    return decidable_adjustments(access).filter(pk=adjustment.pk).exists()


def available_actions(charge: Charge, access: Access) -> list[str]:
    """What the user may do to the charge now: a subset of "adjust", "record_payment" (both only on an issued,
    unpaid bill)."""
    if not CHARGES.allows(charge, "paid") or not serves(access, charge):
        return []
    actions = ["adjust"]
    # Reads the prefetched adjustments when the list view supplied them.
    if not any(a.status == ChargeAdjustment.Status.PENDING for a in charge.adjustments.all()):
        actions.append("record_payment")
    return actions


def _charge_mail(charge: Charge, event: str, adjustment: ChargeAdjustment | None = None) -> dict:
    """The facts a charge's email shows (``notifications/email/charge.html``): amounts, the adjustment, next step."""
    return {"kind": "charge", "context": {"charge": charge, "event": event, "adjustment": adjustment}}


def _url(charge: Charge) -> str:
    return reverse("fees:charge_detail", args=[charge.pk])


def _require_billed(charge: Charge, doing: str) -> None:
    """Adjustments and payments apply to a bill that is issued and not yet settled."""
    messages = {
        Charge.Status.QUOTED: _("尚未出账单，不能%(doing)s。"),
        Charge.Status.PAID: _("该费用已缴清，不能%(doing)s。"),
        Charge.Status.VOID: _("该费用单已作废，不能%(doing)s。"),
    }
    if charge.status in messages:
        raise ValidationError(messages[charge.status] % {"doing": doing})


@transaction.atomic
def request_adjustment(charge: Charge, *, actor, amount, reason: str) -> ChargeAdjustment:
    """Service staff ask to change a bill (negative for a reduction); a unit admin must approve it."""
    charge = CHARGES.lock(charge)
    if not serves(access_for(actor), charge):
        raise PermissionDenied(_("只有本单位的服务人员可以申请调整费用。"))
    _require_billed(charge, _("调整"))
    errors = {}
    try:
        amount = parse_money(amount, maximum=MAX_ADJUSTMENT, signed=True)
    except ValidationError as error:
        errors["amount"] = error.messages
    else:
        if amount == 0:
            errors["amount"] = [_("调整金额不能为零。")]
        elif charge.total + amount < 0:
            errors["amount"] = [
                _("调整后应收金额不能低于零（当前应收 %(total)s 元）。") % {"total": charge.total}
            ]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("请填写调整原因。")]
    elif len(reason) > 300:
        errors["reason"] = [_("调整原因不能超过 300 字。")]
    if errors:
        raise ValidationError(errors)
    adjustment = ChargeAdjustment.objects.create(
        charge=charge, amount=amount, reason=reason, requested_by=actor
    )
    ADJUSTMENTS.record_created(adjustment, actor=actor, comment=reason, data={"amount": str(amount)})
    AuditEvent.record(
        charge,
        "adjustment_requested",
        actor=actor,
        comment=f"{amount:+} · {reason}"[:300],
        data=trail_data(charge),
    )
    approvers = users_with_role(Role.UNIT_ADMIN, organization_id=charge.unit_id).exclude(pk=actor.pk)
    notify(
        approvers,
        Phrase(
            gettext_lazy("费用调整待审批：%(instrument)s %(number)s"),
            instrument=charge.instrument,
            number=charge.number,
        ),
        Phrase(
            gettext_lazy("%(who)s 申请调整 %(amount)s 元，原因：%(reason)s"),
            who=actor.get_full_name(),
            amount=f"{amount:+}",
            reason=reason,
        ),
        _url(charge),
        **_charge_mail(charge, "adjustment_requested", adjustment),
    )
    return adjustment


@transaction.atomic
def decide_adjustment(
    adjustment: ChargeAdjustment, *, actor, approve: bool, comment: str = ""
) -> ChargeAdjustment:
    """Approve (the bill's total changes, the payer is told) or reject (nothing changes) an adjustment."""
    charge = CHARGES.lock(adjustment.charge)
    adjustment = ADJUSTMENTS.lock(adjustment)
    access = access_for(actor)
    if charge.unit_id not in access.unit_admin_unit_ids:
        raise PermissionDenied(_("只有本单位的单位管理员可以审批费用调整。"))
    if adjustment.requested_by_id == actor.pk:
        raise PermissionDenied(_("不能审批自己提出的调整，请由本单位其他单位管理员审批。"))
    action = "approve" if approve else "reject"
    if not ADJUSTMENTS.allows(adjustment, action):
        raise ValidationError(_("该调整已经审批过了。"))
    _require_billed(charge, _("调整"))
    comment = ADJUSTMENTS.clean_comment(ADJUSTMENTS.step(action), comment)

    def prepare(locked: ChargeAdjustment, step) -> None:
        if approve and charge.total + locked.amount < 0:
            raise ValidationError(
                _("批准后应收金额将低于零（当前应收 %(total)s 元），不能批准。") % {"total": charge.total}
            )
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_comment = comment

    adjustment = ADJUSTMENTS.run(adjustment, action, actor=actor, comment=comment, prepare=prepare)
    adjustment.charge = charge
    if approve:
        recompute_total(charge)
    trail_action = "adjustment_approved" if approve else "adjustment_rejected"
    AuditEvent.record(charge, trail_action, actor=actor, comment=comment, data=trail_data(charge))
    verdict = gettext_lazy("已批准") if approve else gettext_lazy("已驳回")
    notify(
        [adjustment.requested_by],
        Phrase(gettext_lazy("费用调整%(verdict)s：%(number)s"), verdict=verdict, number=charge.number),
        comment,
        _url(charge),
        **_charge_mail(charge, "adjustment_decided", adjustment),
    )
    if approve:
        notify(
            [charge.payer],
            Phrase(gettext_lazy("您的费用已调整：%(instrument)s"), instrument=charge.instrument),
            Phrase(
                gettext_lazy("调整 %(amount)s 元（%(reason)s），现应缴 %(total)s 元。"),
                amount=f"{adjustment.amount:+}",
                reason=adjustment.reason,
                total=charge.total,
            ),
            _url(charge),
            **_charge_mail(charge, "adjusted", adjustment),
        )
    return adjustment


def _paid_on(value) -> dt.date:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError({"paid_on": [_("请填写到账日期，如 2026-11-05。")]}) from None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError({"paid_on": [_("请填写到账日期，如 2026-11-05。")]})
    return value


@transaction.atomic
def record_payment(charge: Charge, *, actor, reference: str, paid_on) -> Charge:
    """The unit has received the money: the charge is settled and can no longer change."""
    charge = CHARGES.lock(charge)
    if not serves(access_for(actor), charge):
        raise PermissionDenied(_("只有本单位的服务人员可以登记缴费。"))
    if charge.status == Charge.Status.PAID:
        raise ValidationError(
            _("该费用已于 %(date)s 登记缴费（凭证号 %(reference)s），不能重复登记。")
            % {
                "date": charge.paid_on or timezone.localdate(charge.paid_at),
                "reference": charge.payment_reference,
            }
        )
    _require_billed(charge, _("登记缴费"))
    if charge.adjustments.filter(status=ChargeAdjustment.Status.PENDING).exists():
        raise ValidationError(_("有待审批的费用调整，请审批后再登记缴费。"))
    errors = {}
    reference = (reference or "").strip()
    if not reference:
        errors["reference"] = [_("请填写缴费凭证号（发票号、转账流水号等）。")]
    elif len(reference) > 100:
        errors["reference"] = [_("凭证号不能超过 100 个字符。")]
    try:
        paid_on = _paid_on(paid_on)
    except ValidationError as error:
        errors.update(error.message_dict)
    else:
        if paid_on > timezone.localdate():
            errors["paid_on"] = [_("到账日期不能晚于今天。")]
        elif paid_on < timezone.localdate(charge.billed_at):
            errors["paid_on"] = [
                _("到账日期不能早于出账日期 %(date)s。") % {"date": timezone.localdate(charge.billed_at)}
            ]
    if errors:
        raise ValidationError(errors)

    def prepare(locked: Charge, step) -> None:
        locked.paid_at = timezone.now()
        locked.paid_on = paid_on
        locked.payment_reference = reference
        locked.payment_recorded_by = actor

    charge = CHARGES.run(
        charge, "paid", actor=actor, comment=reference, prepare=prepare, data=trail_data(charge)
    )
    notify(
        [charge.payer],
        Phrase(gettext_lazy("已收到您的缴费：%(instrument)s"), instrument=charge.instrument),
        Phrase(
            gettext_lazy("金额 %(total)s 元，凭证号 %(reference)s。"), total=charge.total, reference=reference
        ),
        _url(charge),
        **_charge_mail(charge, "paid"),
    )
    return charge
