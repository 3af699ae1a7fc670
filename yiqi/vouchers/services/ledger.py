"""The ledger: every movement is one appended ``LedgerEntry``; balances are sums over it.

Callers lock first (``lock_account`` for a company's balance, ``lock_programme`` for the budget) and check the
balance under the lock, so two movements never both spend the same yuan. ``post`` refuses any movement that would
take a balance below zero, whoever calls it.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from ..models import Account, LedgerEntry, Programme

K = LedgerEntry.Kind
ZERO = Decimal("0.00")
# Bucket a kind takes from and gives to; "budget" and the end states are outside a company's balance.
MOVES = {
    K.GRANT: ("budget", "available"),
    K.HOLD: ("available", "held"),
    K.RELEASE: ("held", "available"),
    K.SPEND: ("held", "spent"),
    K.REFUND: ("spent", "available"),
    K.REDEEM_CLAIM: ("spent", "redeemed"),
    K.PAYOUT: ("redeemed", "paid"),
    K.EXPIRY: ("available", "expired"),
    K.CLAWBACK: ("available", "budget"),
}
BUCKETS = ("available", "held", "spent", "redeemed", "paid", "expired")


@dataclass(frozen=True)
class Balances:
    """Where a company's (or a programme's, or one payment's) voucher money is now, plus cumulative flows."""

    granted: Decimal = ZERO  # grants less clawbacks
    available: Decimal = ZERO
    held: Decimal = ZERO
    spent: Decimal = ZERO  # spent and not yet redeemed
    redeemed: Decimal = ZERO  # claims approved, not yet paid out
    paid: Decimal = ZERO
    expired: Decimal = ZERO
    spent_total: Decimal = ZERO  # spends less refunds, redeemed or not
    redeemed_total: Decimal = ZERO  # approved claims, paid out or not

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def sums_by_kind(entries: QuerySet[LedgerEntry]) -> dict[str, Decimal]:
    """One aggregate query: the total of each kind."""
    sums = entries.aggregate(**{kind: Sum("amount", filter=Q(kind=kind)) for kind in K.values})
    return {kind: sums[kind] or ZERO for kind in K.values}


def balances_from(sums: dict[str, Decimal]) -> Balances:
    buckets = dict.fromkeys(BUCKETS, ZERO)
    for kind, (source, target) in MOVES.items():
        amount = sums.get(kind, ZERO)
        if source in buckets:
            buckets[source] -= amount
        if target in buckets:
            buckets[target] += amount
    return Balances(
        granted=sums.get(K.GRANT, ZERO) - sums.get(K.CLAWBACK, ZERO),
        spent_total=sums.get(K.SPEND, ZERO) - sums.get(K.REFUND, ZERO),
        redeemed_total=sums.get(K.REDEEM_CLAIM, ZERO),
        **buckets,
    )


def balances(entries: QuerySet[LedgerEntry]) -> Balances:
    return balances_from(sums_by_kind(entries))


def account_balances(account: Account) -> Balances:
    return balances(LedgerEntry.objects.filter(account=account))


def with_balances(accounts: QuerySet[Account]) -> QuerySet[Account]:
    """The accounts carrying their ledger's total of each kind, read with them (``balances_of``)."""
    return accounts.annotate(
        **{f"ledger_{kind}": Sum("ledger__amount", filter=Q(ledger__kind=kind)) for kind in K.values}
    )


def balances_of(account: Account) -> Balances:
    """The balances of an account read through ``with_balances``."""
    return balances_from({kind: getattr(account, f"ledger_{kind}") or ZERO for kind in K.values})


def programme_balances(programme: Programme) -> Balances:
    return balances(LedgerEntry.objects.filter(programme=programme))


# Locks are FOR NO KEY UPDATE: they exclude each other as FOR UPDATE would, but not the key-share lock PostgreSQL
# takes on a row that a new ledger row or payment refers to — with FOR UPDATE, a grant holding the programme and
# waiting for an account deadlocks against a payment holding that account and inserting its ledger row.
def lock_account(account: Account) -> Account:
    return (
        Account.objects.select_for_update(no_key=True, of=("self",))
        .select_related("programme")
        .get(pk=account.pk)
    )


def lock_programme(programme: Programme) -> Programme:
    return Programme.objects.select_for_update(no_key=True).get(pk=programme.pk)


def post(
    kind: str, *, account: Account, amount: Decimal, actor=None, note: str = "", scope=None, **links
) -> LedgerEntry:
    """Append one movement after checking that its source holds enough: the company's bucket (or, for ``scope``,
    the movements of one payment or claim given as a queryset filter), or the programme's budget for a grant. The
    caller holds the lock on the account (and on the programme for grants)."""
    if amount <= 0:
        raise ValidationError({"amount": [_("金额必须大于零。")]})
    source = MOVES[kind][0]
    if source == "budget":
        left = account.programme.budget - programme_balances(account.programme).granted
        if amount > left:
            raise ValidationError({"amount": [_("超出计划剩余预算（剩余 %(left)s 元）。") % {"left": left}]})
    else:
        entries = LedgerEntry.objects.filter(account=account)
        if scope is not None:
            entries = entries.filter(scope)
        left = getattr(balances(entries), source)
        if amount > left:
            raise ValidationError({"amount": [_("金额超过可用余额（%(left)s 元）。") % {"left": left}]})
    return LedgerEntry.objects.create(
        programme_id=account.programme_id,
        account=account,
        kind=kind,
        amount=amount,
        actor=actor if getattr(actor, "pk", None) else None,
        note=note[:300],
        **links,
    )
