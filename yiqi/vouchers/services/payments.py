"""Paying for a service with vouchers. A company applies part of its balance to a service's charge while it is
quoted (held) or billed; billing spends what the programme's covered share of the bill allows and releases the
rest; a cancelled service releases the hold; the authority may refund a spend not yet claimed."""

from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access
from yiqi.core.money import FEN
from yiqi.core.workflow import StateMachine, Transition
from yiqi.fees.models import Charge
from yiqi.fees.services import parse_money

from ..models import Account, LedgerEntry, Payment
from . import ledger
from .programmes import covered_share, is_authority, programme_filter, require_usable
from .providers import approved_provider
from .quotas import company_ids

K = LedgerEntry.Kind
S = Payment.Status
PAYMENTS = StateMachine(
    Payment,
    [
        Transition("spend", gettext_lazy("抵扣"), (S.HELD,), S.SPENT),
        Transition("release", gettext_lazy("释放"), (S.HELD,), S.RELEASED),
        Transition("refund", gettext_lazy("退回"), (S.SPENT,), S.REFUNDED, needs_comment=True),
    ],
    refusal_field="amount",
    missing_comment=gettext_lazy("请填写退回原因。"),
)


def visible_payments(access: Access) -> QuerySet[Payment]:
    """The paying company's members, the serving unit's staff, the programme's authority."""
    if not access.is_authenticated:
        return Payment.objects.none()
    return Payment.objects.filter(
        programme_filter(access, "account__programme")
        | Q(account__company_id__in=company_ids(access))
        | Q(record__unit_id__in=access.staff_unit_ids)
    )


def coverable(account: Account, price: Decimal) -> Decimal:
    """The most a voucher may pay of a service priced ``price`` under the programme's bands (rounded down)."""
    return (price * covered_share(account.programme, price)).quantize(FEN, rounding=ROUND_DOWN)


def payable_accounts(access: Access, record) -> QuerySet[Account]:
    """The paying company's accounts a voucher may come from for this service."""
    if record.user_organization_id is None or record.user_organization_id not in company_ids(access):
        return Account.objects.none()
    return Account.objects.filter(company_id=record.user_organization_id).select_related("programme")


@transaction.atomic
def apply(access: Access, record, *, actor, account: Account, amount) -> Payment:
    """Hold ``amount`` of the company's balance for this service's charge (spent at once if already billed)."""
    if not payable_accounts(access, record).filter(pk=account.pk).exists():
        raise PermissionDenied(_("只能使用本单位的创新券支付本单位的服务。"))
    charge = Charge.objects.select_for_update().filter(record=record).first()
    account = ledger.lock_account(account)
    programme = account.programme
    if charge is None or charge.status not in (Charge.Status.QUOTED, Charge.Status.BILLED):
        raise ValidationError({"amount": [_("只有报价或已出账单、尚未缴费的服务可以使用创新券。")]})
    if Payment.objects.filter(record=record).exists():
        raise ValidationError({"amount": [_("该服务已使用过创新券。")]})
    require_usable(programme, _("使用"))
    provider = approved_provider(programme, record.unit_id)
    if provider is None:
        raise ValidationError({"account": [_("%(unit)s 不是该计划登记的服务机构。") % {"unit": record.unit}]})
    try:
        amount = parse_money(amount, maximum=programme.budget)
    except ValidationError as error:
        raise ValidationError({"amount": error.messages}) from None
    limit = coverable(account, charge.total)
    if amount > limit:
        raise ValidationError(
            {
                "amount": [
                    _("超过本计划可抵扣比例：本服务 %(price)s 元最多抵扣 %(limit)s 元。")
                    % {"price": charge.total, "limit": limit}
                ]
            }
        )
    payment = Payment.objects.create(
        record=record, charge=charge, account=account, provider=provider, amount=amount, applied_by=actor
    )
    ledger.post(K.HOLD, account=account, amount=amount, actor=actor, payment=payment)
    PAYMENTS.record_created(payment, actor=actor, data={"amount": str(amount)})
    if charge.status == Charge.Status.BILLED:
        settle(charge, actor=actor)
    return payment


def _held(payment: Payment) -> Decimal:
    return ledger.balances(LedgerEntry.objects.filter(payment=payment)).held


@transaction.atomic
def settle(charge: Charge, *, actor=None) -> Payment | None:
    """The bill is out: spend what its covered share allows of the hold and release the rest."""
    payment = Payment.objects.filter(charge_id=charge.pk, status=S.HELD).first()
    if payment is None:
        return None
    account = ledger.lock_account(payment.account)
    held = _held(payment)
    spend = min(held, coverable(account, charge.total))
    data = {"amount": str(spend)}

    def prepare(locked: Payment, step) -> None:
        if spend > 0:
            ledger.post(
                K.SPEND, account=account, amount=spend, actor=actor, payment=locked, scope=Q(payment=locked)
            )
        if held > spend:
            ledger.post(
                K.RELEASE,
                account=account,
                amount=held - spend,
                actor=actor,
                payment=locked,
                scope=Q(payment=locked),
            )
        locked.amount = spend

    return PAYMENTS.run(payment, "spend" if spend > 0 else "release", actor=actor, prepare=prepare, data=data)


@transaction.atomic
def release_for(record, *, actor=None) -> Payment | None:
    """The service will not happen: its hold goes back to the company's balance."""
    payment = Payment.objects.filter(record=record, status=S.HELD).first()
    if payment is None:
        return None
    account = ledger.lock_account(payment.account)
    held = _held(payment)

    def prepare(locked: Payment, step) -> None:
        if held > 0:
            ledger.post(
                K.RELEASE, account=account, amount=held, actor=actor, payment=locked, scope=Q(payment=locked)
            )

    return PAYMENTS.run(payment, "release", actor=actor, prepare=prepare)


@transaction.atomic
def refund(access: Access, payment: Payment, *, actor, comment: str) -> Payment:
    """The authority reverses a spend that has no live claim: the amount returns to the company's balance."""
    account = ledger.lock_account(payment.account)
    if not is_authority(access, account.programme):
        raise PermissionDenied(_("只有计划主管机关可以退回抵扣。"))

    def prepare(locked: Payment, step) -> None:
        if locked.claims.exclude(status="rejected").exists():
            raise ValidationError({"amount": [_("该服务已申请兑付，不能退回。")]})
        spent = ledger.balances(LedgerEntry.objects.filter(payment=locked)).spent
        ledger.post(
            K.REFUND, account=account, amount=spent, actor=actor, payment=locked, scope=Q(payment=locked)
        )

    return PAYMENTS.run(payment, "refund", actor=actor, comment=comment, prepare=prepare)
