"""Company quotas: a technology SME applies with its credit code and project; the authority approves an amount
(granted from the budget, one ledger row) or declines with a reason. Clawback and expiry return or end balances."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access
from yiqi.core.workflow import StateMachine, Transition
from yiqi.fees.services import parse_money
from yiqi.organizations.models import Organization
from yiqi.organizations.validators import normalize_credit_code, validate_credit_code

from ..models import Account, CompanyProfile, LedgerEntry, Programme, QuotaApplication
from . import ledger
from .programmes import is_authority, programme_filter

Q_ = QuotaApplication.Status
APPLICATIONS = StateMachine(
    QuotaApplication,
    [
        Transition("approve", gettext_lazy("批准"), (Q_.SUBMITTED,), Q_.APPROVED),
        Transition("decline", gettext_lazy("不予批准"), (Q_.SUBMITTED,), Q_.DECLINED, needs_comment=True),
    ],
    missing_comment=gettext_lazy("不予批准时请填写理由。"),
)


def company_ids(access: Access) -> set[int]:
    """Organisations the user acts for as a voucher holder: those they belong to."""
    return access.member_organization_ids


def visible_applications(access: Access) -> QuerySet[QuotaApplication]:
    if not access.is_authenticated:
        return QuotaApplication.objects.none()
    return QuotaApplication.objects.filter(programme_filter(access) | Q(company_id__in=company_ids(access)))


def visible_accounts(access: Access) -> QuerySet[Account]:
    if not access.is_authenticated:
        return Account.objects.none()
    return Account.objects.filter(programme_filter(access) | Q(company_id__in=company_ids(access)))


def account_for(programme: Programme, company: Organization) -> Account:
    account, _created = Account.objects.get_or_create(programme=programme, company=company)
    return account


def _granted_to(programme: Programme, company: Organization) -> Decimal:
    return ledger.balances(LedgerEntry.objects.filter(programme=programme, account__company=company)).granted


def _eligibility_errors(programme: Programme, company: Organization, credit_code: str) -> dict:
    """Why ``company`` may not hold this programme's vouchers, on the fields that say so."""
    if company.kind not in programme.eligible_kinds:
        return {
            "company": [
                _("%(company)s 不属于本计划支持的单位类型（科技型中小企业）。") % {"company": company}
            ]
        }
    try:
        validate_credit_code(credit_code)
    except ValidationError as error:
        return {"credit_code": error.messages}
    if normalize_credit_code(credit_code) != company.credit_code:
        return {"credit_code": [_("统一社会信用代码与 %(company)s 登记的不一致。") % {"company": company}]}
    return {}


@transaction.atomic
def apply(
    access: Access,
    *,
    actor,
    programme: Programme,
    company: Organization,
    credit_code: str,
    project: str,
    requested,
) -> QuotaApplication:
    if company.pk not in company_ids(access):
        raise PermissionDenied(_("只能为本人所在单位申请创新券。"))
    errors = _eligibility_errors(programme, company, credit_code)
    if not programme.is_open or timezone.localdate() > programme.use_by:
        errors["programme"] = [_("该计划已停止受理申请。")]
    project = (project or "").strip()
    if not project:
        errors["project"] = [_("请简要说明项目内容。")]
    elif len(project) > 2000:
        errors["project"] = [_("项目简介不能超过 2000 字。")]
    try:
        requested = parse_money(requested, maximum=programme.per_year_cap * 100)
    except ValidationError as error:
        errors["requested"] = error.messages
    else:
        if requested <= 0:
            errors["requested"] = [_("金额必须大于零。")]
        elif requested > programme.per_application_cap:
            errors["requested"] = [
                _("单次申请不能超过 %(cap)s 元。") % {"cap": programme.per_application_cap}
            ]
        elif _granted_to(programme, company) + requested > programme.per_year_cap:
            errors["requested"] = [
                _("超过每家企业年度上限 %(cap)s 元（已获批 %(granted)s 元）。")
                % {"cap": programme.per_year_cap, "granted": _granted_to(programme, company)}
            ]
    if errors:
        raise ValidationError(errors)
    application = QuotaApplication.objects.create(
        programme=programme,
        company=company,
        credit_code=normalize_credit_code(credit_code),
        project=project,
        requested=requested,
        applicant=actor,
    )
    APPLICATIONS.record_created(application, actor=actor)
    return application


@transaction.atomic
def decide(access: Access, application: QuotaApplication, *, actor, approve: bool, amount=None, comment=""):
    """Approve ``amount`` (at most what was asked, within the caps and the budget left; the company is verified as
    a technology SME by its credit code) or decline with a reason."""
    programme = ledger.lock_programme(application.programme)
    if not is_authority(access, programme):
        raise PermissionDenied(_("只有计划主管机关可以审核额度申请。"))
    if not approve:
        return APPLICATIONS.run(application, "decline", actor=actor, comment=comment)

    def prepare(locked: QuotaApplication, step) -> None:
        try:
            granted = parse_money(
                locked.requested if amount in (None, "") else amount, maximum=locked.requested
            )
        except ValidationError as error:
            raise ValidationError({"amount": error.messages}) from None
        if granted <= 0:
            raise ValidationError({"amount": [_("金额必须大于零。")]})
        errors = _eligibility_errors(programme, locked.company, locked.credit_code)
        if errors:
            raise ValidationError(errors)
        if _granted_to(programme, locked.company) + granted > programme.per_year_cap:
            raise ValidationError(
                {"amount": [_("超过每家企业年度上限 %(cap)s 元。") % {"cap": programme.per_year_cap}]}
            )
        locked.approved_amount = granted
        locked.decided_at = timezone.now()

    application = APPLICATIONS.run(application, "approve", actor=actor, comment=comment, prepare=prepare)
    account = ledger.lock_account(account_for(programme, application.company))
    account.programme = programme
    ledger.post(
        LedgerEntry.Kind.GRANT,
        account=account,
        amount=application.approved_amount,
        actor=actor,
        application=application,
        note=_("额度申请 #%(id)s") % {"id": application.pk},
    )
    profile, _created = CompanyProfile.objects.get_or_create(organization=application.company)
    profile.sme_verified_at, profile.sme_verified_by = timezone.now(), actor
    profile.save(update_fields=["sme_verified_at", "sme_verified_by"])
    return application


@transaction.atomic
def claw_back(access: Access, account: Account, *, actor, amount, reason: str) -> LedgerEntry:
    """The authority withdraws unused balance (e.g. the company lost eligibility): it returns to the budget."""
    account = ledger.lock_account(account)
    if not is_authority(access, account.programme):
        raise PermissionDenied(_("只有计划主管机关可以收回额度。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写收回原因。")]})
    try:
        amount = parse_money(amount, maximum=account.programme.budget)
    except ValidationError as error:
        raise ValidationError({"amount": error.messages}) from None
    return ledger.post(LedgerEntry.Kind.CLAWBACK, account=account, amount=amount, actor=actor, note=reason)


@transaction.atomic
def expire(programme: Programme, *, actor=None, today=None) -> int:
    """After the use-by date every unused balance expires (one row per account); returns how many expired."""
    today = today or timezone.localdate()
    if today <= programme.use_by:
        return 0
    count = 0
    for account in Account.objects.filter(programme=programme).order_by("pk"):
        account = ledger.lock_account(account)
        left = ledger.account_balances(account).available
        if left > 0:
            ledger.post(LedgerEntry.Kind.EXPIRY, account=account, amount=left, actor=actor)
            count += 1
    return count


def expire_due(today=None) -> int:
    """The daily job: expire every programme past its use-by date."""
    today = today or timezone.localdate()
    return sum(expire(p, today=today) for p in Programme.objects.filter(use_by__lt=today))


def company_totals(programme: Programme) -> list[dict]:
    """Per company: each kind's sum in one grouped query, turned into balances."""
    rows = (
        LedgerEntry.objects.filter(programme=programme)
        .values("account__company_id", "account__company__name", "kind")
        .annotate(total=Sum("amount"))
        .order_by("account__company__name")
    )
    grouped: dict[int, dict] = {}
    for row in rows:
        entry = grouped.setdefault(
            row["account__company_id"], {"name": row["account__company__name"], "sums": {}}
        )
        entry["sums"][row["kind"]] = row["total"]
    return [
        {"company_id": pk, "company": entry["name"], **ledger.balances_from(entry["sums"]).as_dict()}
        for pk, entry in grouped.items()
    ]
