"""Plain data for pages: the voucher panel of a service's page, a company's balances, the authority's queues."""

from django.db.models import Sum

from yiqi.accounts.access import Access, access_for
from yiqi.fees.models import Charge
from yiqi.servicerecords.presenters import ServicePanel

from ..models import LedgerEntry, Payment
from . import ledger
from .claims import FLAGS
from .payments import coverable, payable_accounts, visible_payments
from .quotas import visible_accounts


def service_panel(record, user) -> ServicePanel | None:
    """The voucher part of a service's page: the voucher payment if there is one, else (to the paying company,
    while the charge is quoted or billed) its accounts and how much each may pay."""
    access = access_for(user)
    payment = visible_payments(access).filter(record=record).select_related("account__programme").first()
    if payment is not None:
        return ServicePanel("vouchers/_service_panel.html", {"payment": payment}, position=25)
    charge = Charge.objects.filter(record=record).first()
    if charge is None or charge.status not in (Charge.Status.QUOTED, Charge.Status.BILLED):
        return None
    if Payment.objects.filter(record=record).exists():
        return None
    options = []
    for account in payable_accounts(access, record).prefetch_related("programme__bands"):
        available = ledger.account_balances(account).available
        if available > 0:
            options.append(
                {
                    "account": account,
                    "available": available,
                    "limit": min(available, coverable(account, charge.total)),
                }
            )
    if not options:
        return None
    return ServicePanel(
        "vouchers/_service_panel.html",
        {"payment": None, "options": options, "record": record, "charge": charge},
        position=25,
    )


def account_rows(accounts) -> list[dict]:
    """Each account with its balances, from one grouped query over the ledger."""
    accounts = list(accounts)
    sums: dict[int, dict] = {a.pk: {} for a in accounts}
    rows = (
        LedgerEntry.objects.filter(account__in=accounts)
        .values_list("account_id", "kind")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for account_id, kind, total in rows:
        sums[account_id][kind] = total
    return [{"account": a, **ledger.balances_from(sums[a.pk]).as_dict()} for a in accounts]


def flag_labels(codes: list[str]) -> list[str]:
    return [str(FLAGS.get(code, code)) for code in codes]


def company_accounts(access: Access) -> list[dict]:
    return account_rows(
        visible_accounts(access).select_related("programme", "company").order_by("-programme__year", "pk")
    )
