"""Plain data for pages: the voucher panel of a service's page, a company's balances, the authority's queues."""

from django.db.models import Exists, OuterRef, Sum

from yiqi.accounts.access import Access, access_for
from yiqi.fees import services as fees
from yiqi.fees.models import Charge
from yiqi.servicerecords.presenters import ServicePanel

from ..models import LedgerEntry, Payment
from . import claims, ledger, programmes, providers, reports
from .claims import FLAGS
from .payments import coverable, payable_accounts, visible_payments
from .quotas import visible_accounts, visible_applications


def service_panel(record, user) -> ServicePanel | None:
    """The voucher part of a service's page: the voucher payment if there is one, else (to the paying company,
    while the charge is quoted or billed) its accounts and how much each may pay."""
    access = access_for(user)
    # The service's payment (one at most), and whether this user may see it, in one read.
    shown = Exists(visible_payments(access).filter(pk=OuterRef("pk")))
    payment = (
        Payment.objects.filter(record=record)
        .select_related("account__programme")
        .annotate(shown=shown)
        .first()
    )
    if payment is not None:
        return (
            ServicePanel("vouchers/_service_panel.html", {"payment": payment}, position=25)
            if payment.shown
            else None
        )
    charge = fees.record_charge(record)
    if charge is None or charge.status not in (Charge.Status.QUOTED, Charge.Status.BILLED):
        return None
    options = []
    for account in ledger.with_balances(payable_accounts(access, record)).prefetch_related(
        "programme__bands"
    ):
        available = ledger.balances_of(account).available
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


PAGE_ROWS = 50


def home(access: Access) -> dict:
    """The voucher page as the user's roles see it: a company's balances and applications, a provider's services
    to claim and its claims, an authority's programmes, queues and batches."""
    registrar_units = providers.registrar_unit_ids(access)
    claimable = (
        visible_payments(access)
        .filter(provider__unit_id__in=registrar_units, status=Payment.Status.SPENT)
        .exclude(claims__status__in=("submitted", "approved", "paid"))
        .select_related("record", "account__company", "charge")
    )
    return {
        "programmes": list(programmes.visible_programmes(access).select_related("authority")[:PAGE_ROWS]),
        "run_programmes": list(programmes.authority_programmes(access)[:PAGE_ROWS]),
        "accounts": company_accounts(access)[:PAGE_ROWS],
        "applications": list(
            visible_applications(access)
            .select_related("company", "programme")
            .order_by("status", "-created_at")[:PAGE_ROWS]
        ),
        "providers": list(
            providers.visible_providers(access)
            .select_related("unit", "programme")
            .order_by("status", "-created_at")[:PAGE_ROWS]
        ),
        "claimable": list(claimable[:PAGE_ROWS]),
        "claims": list(
            claims.visible_claims(access).select_related("provider__unit", "payment__record", "batch")[
                :PAGE_ROWS
            ]
        ),
        "batches": list(claims.visible_batches(access).select_related("programme")[:PAGE_ROWS]),
        "is_company": bool(access.member_organization_ids),
        "is_registrar": bool(registrar_units),
        "is_authority": access.is_platform_admin or bool(access.department_ids),
    }


def batch_page(batch) -> dict:
    """A batch's claims with the check run again on today's service records, and its totals."""
    rows = list(batch.claims.select_related("provider__unit", "payment__record", "payment__account__company"))
    checked = claims.recheck(batch)
    for claim in rows:
        result = checked.get(claim.payment_id)
        claim.current_problems = result.problems if result else []
        claim.flag_texts = flag_labels(sorted(set(claim.flags) | set(result.flags if result else [])))
    return {
        "batch": batch,
        "claims": rows,
        "total": sum((c.amount for c in rows if c.status != "rejected"), ledger.ZERO),
    }


def dashboard(programme) -> dict:
    """The programme's report (``reports.programme_report``, the same figures as the API and the export) as rows
    for the page."""
    report = reports.programme_report(programme)
    labels = reports.column_labels()

    def cells(row: dict, columns) -> list:
        return [row[column] for column in columns]

    return {
        "report": report,
        "headers": [labels[column] for column in reports.COLUMNS],
        "provider_headers": [labels[column] for column in reports.PROVIDER_COLUMNS],
        "total_rows": [(column, labels[column], report["totals"][column]) for column in reports.COLUMNS],
        "company_rows": [(row["company"], cells(row, reports.COLUMNS)) for row in report["companies"]],
        "provider_rows": [
            (row["provider"], cells(row, reports.PROVIDER_COLUMNS)) for row in report["providers"]
        ],
    }
