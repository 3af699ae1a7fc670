"""Redemption (兑付): a provider claims the voucher part of a completed, paid service with its contract and
invoice; the platform checks the claim against the service record and flags suspicious patterns; the authority
approves or rejects each claim of the month's batch, closes the review and marks the batch paid."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access
from yiqi.core.uploads import UploadPurpose, check_upload
from yiqi.core.workflow import StateMachine, Transition
from yiqi.fees.models import Charge, FeeItem
from yiqi.fees.services import PricedLine
from yiqi.servicerecords.models import ServiceStatus
from yiqi.usage.models import UsageRecord

from ..models import Batch, Claim, CompanyProfile, LedgerEntry, Payment
from . import ledger
from .payments import coverable
from .programmes import is_authority, programme_filter
from .providers import registrar_unit_ids

K = LedgerEntry.Kind
C = Claim.Status
B = Batch.Status
CLAIMS = StateMachine(
    Claim,
    [
        Transition("approve", gettext_lazy("核准"), (C.SUBMITTED,), C.APPROVED),
        Transition("reject", gettext_lazy("不予核准"), (C.SUBMITTED,), C.REJECTED, needs_comment=True),
        Transition("pay", gettext_lazy("拨付"), (C.APPROVED,), C.PAID),
    ],
    missing_comment=gettext_lazy("不予核准时请填写理由。"),
)
BATCHES = StateMachine(
    Batch,
    [
        Transition("review", gettext_lazy("完成审核"), (B.OPEN,), B.REVIEWED),
        Transition("pay", gettext_lazy("登记拨付"), (B.REVIEWED,), B.PAID),
    ],
)
CLAIM_FILE = UploadPurpose(("pdf", "jpg", "jpeg", "png"), 10 * 1024 * 1024)
FLAGS = {
    "related_party": gettext_lazy("关联方：服务机构与企业的法定代表人或地址相同"),
    "split_order": gettext_lazy(
        "疑似拆单：同一企业在同一机构 7 天内多笔服务，单笔低于价格档、合计高于价格档"
    ),
    "no_usage": gettext_lazy("没有使用记录"),
    "unusual_price": gettext_lazy("价格异常：与仪器公布的收费标准相差 30% 以上"),
}
SPLIT_WINDOW = dt.timedelta(days=7)
PRICE_DEVIATION = Decimal("0.30")
# Where the instrument is monitored, telemetry must confirm at least this share of the recorded hours.
TELEMETRY_SHARE = Decimal("0.50")


def visible_claims(access: Access) -> QuerySet[Claim]:
    if not access.is_authenticated:
        return Claim.objects.none()
    return Claim.objects.filter(
        programme_filter(access, "batch__programme") | Q(provider__unit_id__in=access.staff_unit_ids)
    )


def visible_batches(access: Access) -> QuerySet[Batch]:
    if not access.is_authenticated:
        return Batch.objects.none()
    return Batch.objects.filter(programme_filter(access))


# --- the check ----------------------------------------------------------------------------------------------------


def service_evidence_problems(record, charge: Charge, verified_hours: Decimal | None = None) -> list[str]:
    """Whether the service behind a claim happened as the platform knows it: completed, paid and, where the
    instrument is monitored (``verified_hours`` from its usage record), run for at least part of the recorded time.
    The one place that decides "service evidence ok"."""
    problems = []
    if record.status != ServiceStatus.COMPLETED:
        problems.append(_("服务记录尚未完成。"))
    if charge.status != Charge.Status.PAID:
        problems.append(_("服务费用尚未缴清。"))
    if verified_hours is not None and record.hours and verified_hours < record.hours * TELEMETRY_SHARE:
        problems.append(
            _("远程监测显示仪器在服务期间基本未运行（核实机时 %(verified)s 小时，记录 %(recorded)s 小时）。")
            % {"verified": verified_hours, "recorded": record.hours}
        )
    return problems


@dataclass
class Assessment:
    problems: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


def _same(a: str, b: str) -> bool:
    return bool(a.strip()) and "".join(a.split()) == "".join(b.split())


def _published_price(record, charge: Charge, items: list[FeeItem]) -> Decimal:
    quantities = {
        FeeItem.Basis.PER_HOUR: record.hours or Decimal("0"),
        FeeItem.Basis.PER_SAMPLE: Decimal(record.sample_count),
        FeeItem.Basis.PER_ITEM: Decimal("1"),
    }
    applicable = [i for i in items if i.applies_to in (FeeItem.AppliesTo.BOTH, record.kind)]
    return sum(
        (PricedLine(i, quantities[i.basis], i.rate_for(charge.user_category)).amount for i in applicable),
        Decimal("0.00"),
    )


def assess(payments: list[Payment]) -> dict[int, Assessment]:
    """The check of many claims' services at once (a month's batch): evidence problems and flags per payment id,
    in a fixed number of queries. ``payments`` come with record, charge, provider and account loaded."""
    record_ids = [p.record_id for p in payments]
    verified = dict(
        UsageRecord.objects.filter(record_id__in=record_ids).values_list("record_id", "verified_hours")
    )
    company_ids = {p.account.company_id for p in payments}
    profiles = {
        profile.organization_id: profile
        for profile in CompanyProfile.objects.filter(organization_id__in=company_ids).select_related(
            "organization"
        )
    }
    items: dict[int, list[FeeItem]] = defaultdict(list)
    for item in FeeItem.objects.filter(
        instrument_id__in={p.record.instrument_id for p in payments}, is_active=True
    ):
        items[item.instrument_id].append(item)
    # Every voucher-paid service of these companies, for the split-order check.
    siblings: dict[tuple[int, int], list[tuple[dt.datetime, Decimal]]] = defaultdict(list)
    for account_id, unit_id, created_at, total in Payment.objects.filter(
        account_id__in={p.account_id for p in payments},
        status__in=(Payment.Status.SPENT, Payment.Status.HELD),
    ).values_list("account_id", "record__unit_id", "record__created_at", "charge__total"):
        siblings[(account_id, unit_id)].append((created_at, total))
    results = {}
    for payment in payments:
        record, charge = payment.record, payment.charge
        result = Assessment(problems=service_evidence_problems(record, charge, verified.get(record.pk)))
        # A bill reduced after the voucher was spent may leave the voucher part above the covered share.
        limit = coverable(payment.account, charge.total)
        if payment.status == Payment.Status.SPENT and payment.amount > limit:
            result.problems.append(
                _("创新券抵扣 %(amount)s 元，超过账单现行金额可抵扣的 %(limit)s 元。")
                % {"amount": payment.amount, "limit": limit}
            )
        if record.pk not in verified:
            result.flags.append("no_usage")
        profile = profiles.get(payment.account.company_id)
        company_address = (profile.registered_address if profile else "") or payment.account.company.address
        provider = payment.provider
        if (profile and _same(profile.legal_representative, provider.legal_representative)) or _same(
            company_address, provider.registered_address
        ):
            result.flags.append("related_party")
        bound = _lowest_bound(payment)
        if bound is not None and charge.total <= bound:
            near = [
                total
                for created_at, total in siblings[(payment.account_id, record.unit_id)]
                if abs(created_at - record.created_at) <= SPLIT_WINDOW and total <= bound
            ]
            if len(near) > 1 and sum(near) > bound:
                result.flags.append("split_order")
        published = _published_price(record, charge, items[record.instrument_id])
        if published > 0 and abs(charge.total - published) > published * PRICE_DEVIATION:
            result.flags.append("unusual_price")
        results[payment.pk] = result
    return results


def _lowest_bound(payment: Payment) -> Decimal | None:
    bounds = [band.up_to for band in payment.account.programme.bands.all() if band.up_to is not None]
    return min(bounds) if bounds else None


def claim_payments(queryset: QuerySet[Payment]) -> QuerySet[Payment]:
    """Payments with what ``assess`` reads, and only that (a month of a province's claims is thousands of rows)."""
    return (
        queryset.select_related("record", "charge", "provider", "account__company", "account__programme")
        .only(
            "record__kind",
            "record__status",
            "record__instrument_id",
            "record__unit_id",
            "record__created_at",
            "record__hours",
            "record__sample_count",
            "charge__status",
            "charge__total",
            "charge__user_category",
            "provider__legal_representative",
            "provider__registered_address",
            "provider__status",
            "account__company__address",
            "account__programme__id",
            "amount",
            "status",
        )  # fmt: skip
        .prefetch_related("account__programme__bands")
    )


def recheck(batch: Batch) -> dict[int, Assessment]:
    """The batch's claims checked again against the service records as they are now."""
    payments = list(claim_payments(Payment.objects.filter(pk__in=batch.claims.values("payment_id"))))
    return assess(payments)


# --- claiming ------------------------------------------------------------------------------------------------------


def _batch_for(programme, today: dt.date) -> Batch:
    batch, _created = Batch.objects.get_or_create(programme=programme, month=today.replace(day=1))
    return batch


@transaction.atomic
def submit(access: Access, payment: Payment, *, actor, contract, invoice) -> Claim:
    """The provider claims the voucher part of one service; refused unless the service record bears it out."""
    if payment.provider.unit_id not in registrar_unit_ids(access):
        raise PermissionDenied(_("只有服务机构的单位管理员可以申请兑付。"))
    account = ledger.lock_account(payment.account)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    programme = account.programme
    errors: dict[str, list[str]] = {}
    files = {}
    for name, upload in (("contract", contract), ("invoice", invoice)):
        if upload is None:
            errors[name] = [_("请上传服务合同。") if name == "contract" else _("请上传发票。")]
            continue
        try:
            files[name] = check_upload(upload, CLAIM_FILE, field=name)
        except ValidationError as error:
            errors.update(error.message_dict)
    today = timezone.localdate()
    if payment.claims.exclude(status=C.REJECTED).exists():
        errors["payment"] = [_("该服务已申请过兑付，不能重复申请。")]
    elif payment.provider.status != payment.provider.Status.APPROVED:
        errors["payment"] = [_("本单位在该计划的服务机构资格未获批准或已暂停。")]
    elif today > programme.cash_by:
        errors["payment"] = [_("兑付申请已于 %(date)s 截止。") % {"date": programme.cash_by}]
    elif payment.status != Payment.Status.SPENT:
        errors["payment"] = [_("该服务没有已抵扣的创新券金额。")]
    batch = _batch_for(programme, today)
    if batch.status != B.OPEN and "payment" not in errors:
        errors["payment"] = [_("本月兑付批次已审核完毕，请下月再申请。")]
    checked = assess(list(claim_payments(Payment.objects.filter(pk=payment.pk))))[payment.pk]
    if checked.problems and "payment" not in errors:
        errors["payment"] = checked.problems
    if errors:
        raise ValidationError(errors)
    amount = ledger.balances(LedgerEntry.objects.filter(payment=payment)).spent
    claim = Claim(
        payment=payment,
        provider=payment.provider,
        batch=batch,
        amount=amount,
        flags=checked.flags,
        submitted_by=actor,
        contract_name=files["contract"].display_name,
        contract_type=files["contract"].content_type,
        invoice_name=files["invoice"].display_name,
        invoice_type=files["invoice"].content_type,
    )
    claim.contract.save(files["contract"].stored_name, contract, save=False)
    claim.invoice.save(files["invoice"].stored_name, invoice, save=False)
    claim.save()
    CLAIMS.record_created(claim, actor=actor, data={"amount": str(amount), "flags": checked.flags})
    return claim


@transaction.atomic
def decide(access: Access, claim: Claim, *, actor, approve: bool, comment: str = "") -> Claim:
    """Approve (the amount moves from spent to redeemed on the ledger) or reject with a reason, while the batch
    is under review."""
    batch = BATCHES.lock(claim.batch)
    if not is_authority(access, batch.programme):
        raise PermissionDenied(_("只有计划主管机关可以审核兑付申请。"))
    if batch.status != B.OPEN:
        raise ValidationError({"action": [_("该批次已审核完毕，不能再更改。")]})
    account = ledger.lock_account(claim.payment.account)

    def prepare(locked: Claim, step) -> None:
        if approve:
            ledger.post(
                K.REDEEM_CLAIM,
                account=account,
                amount=locked.amount,
                actor=actor,
                payment_id=locked.payment_id,
                claim=locked,
                scope=Q(payment_id=locked.payment_id),
            )

    return CLAIMS.run(
        claim, "approve" if approve else "reject", actor=actor, comment=comment, prepare=prepare
    )


def close_review(access: Access, batch: Batch, *, actor) -> Batch:
    if not is_authority(access, batch.programme):
        raise PermissionDenied(_("只有计划主管机关可以审核兑付批次。"))

    def prepare(locked: Batch, step) -> None:
        if locked.claims.filter(status=C.SUBMITTED).exists():
            raise ValidationError({"action": [_("还有未审核的兑付申请。")]})

    return BATCHES.run(batch, "review", actor=actor, prepare=prepare)


@transaction.atomic
def mark_paid(access: Access, batch: Batch, *, actor, reference: str) -> Batch:
    """The finance office has paid the batch's approved claims: one payout row each; nothing changes after."""
    if not is_authority(access, batch.programme):
        raise PermissionDenied(_("只有计划主管机关可以登记拨付。"))
    reference = (reference or "").strip()
    if not reference or len(reference) > 100:
        raise ValidationError({"reference": [_("请填写拨付凭证号（不超过 100 个字符）。")]})

    def prepare(locked: Batch, step) -> None:
        for claim in locked.claims.filter(status=C.APPROVED).select_related("payment__account__programme"):
            account = ledger.lock_account(claim.payment.account)
            ledger.post(
                K.PAYOUT,
                account=account,
                amount=claim.amount,
                actor=actor,
                payment_id=claim.payment_id,
                claim=claim,
                scope=Q(payment_id=claim.payment_id),
            )
            CLAIMS.run(claim, "pay", actor=actor, comment=reference)
        locked.payout_reference = reference
        locked.paid_at = timezone.now()

    return BATCHES.run(batch, "pay", actor=actor, comment=reference, prepare=prepare)
