"""Innovation vouchers (科技创新券): programmes with their budget and rules, company quotas, registered providers,
voucher payments of services, redemption claims in monthly batches, and the append-only ledger.

Every limit is data on the programme. Every movement of money is one ``LedgerEntry`` (positive amount, its kind
says which way it moves); balances are sums over the ledger, never stored. Money is Decimal CNY to the fen.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiqi.core.storage import private_storage
from yiqi.organizations.validators import validate_credit_code

MONEY = {"max_digits": 14, "decimal_places": 2}
SHARE = {"max_digits": 5, "decimal_places": 4}


class Programme(models.Model):
    """One authority's voucher programme for one year: budget, caps, covered shares, dates."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        CITY = "city", _("市级")
        COUNTY = "county", _("县级")

    name = models.CharField(_("名称"), max_length=100)
    year = models.PositiveSmallIntegerField(_("年度"))
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices, default=Level.PROVINCE)
    authority = models.ForeignKey(
        "organizations.Department",
        verbose_name=_("主管机关"),
        on_delete=models.PROTECT,
        related_name="voucher_programmes",
    )
    region = models.ForeignKey(
        "organizations.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+"
    )
    # A city's or county's programme may be co-funded by the level above: that share of every payout is the
    # parent programme's.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级创新券计划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    parent_share = models.DecimalField(_("上级配套比例"), default=Decimal("0"), **SHARE)
    budget = models.DecimalField(_("总预算（元）"), **MONEY)
    per_application_cap = models.DecimalField(_("单次申请上限（元）"), **MONEY)
    per_year_cap = models.DecimalField(_("每家企业年度上限（元）"), **MONEY)
    eligible_kinds = models.JSONField(_("可申请的单位类型"), default=list)
    use_by = models.DateField(_("使用截止日期"))
    cash_by = models.DateField(_("兑付申请截止日期"))
    is_open = models.BooleanField(_("受理申请"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("创新券计划")
        verbose_name_plural = _("创新券计划")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "year", "name"], name="voucher_programme_unique"),
            models.CheckConstraint(name="voucher_programme_budget_positive", condition=Q(budget__gt=0)),
            models.CheckConstraint(
                name="voucher_programme_caps",
                condition=Q(per_application_cap__gt=0, per_application_cap__lte=F("per_year_cap")),
            ),
            models.CheckConstraint(name="voucher_programme_dates", condition=Q(cash_by__gte=F("use_by"))),
            models.CheckConstraint(
                name="voucher_programme_parent_share",
                condition=Q(parent_share__gte=0, parent_share__lte=1)
                & (Q(parent__isnull=False) | Q(parent_share=0)),
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.name}"


class PriceBand(models.Model):
    """The share of a service's price a voucher may cover, for services priced up to ``up_to`` (None: any price)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="bands")
    up_to = models.DecimalField(_("服务金额不超过（元）"), null=True, blank=True, **MONEY)
    covered_share = models.DecimalField(_("可抵扣比例"), **SHARE)

    class Meta:
        verbose_name = _("抵扣比例档")
        verbose_name_plural = _("抵扣比例档")
        ordering = ["programme", F("up_to").asc(nulls_last=True)]
        constraints = [
            models.UniqueConstraint(fields=["programme", "up_to"], name="voucher_band_unique"),
            models.UniqueConstraint(
                fields=["programme"], condition=Q(up_to__isnull=True), name="voucher_band_one_open"
            ),
            models.CheckConstraint(
                name="voucher_band_share", condition=Q(covered_share__gt=0, covered_share__lte=1)
            ),
            models.CheckConstraint(
                name="voucher_band_bound", condition=Q(up_to__isnull=True) | Q(up_to__gt=0)
            ),
        ]

    def __str__(self):
        return f"≤{self.up_to or '∞'}: {self.covered_share}"


class CompanyProfile(models.Model):
    """What the voucher authority knows of a company beyond the directory: its verification as a technology SME
    and the details the related-party check compares."""

    organization = models.OneToOneField(
        "organizations.Organization", on_delete=models.PROTECT, related_name="voucher_profile"
    )
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    registered_address = models.CharField(_("注册地址"), max_length=200, blank=True)
    sme_verified_at = models.DateTimeField(_("科技型中小企业核验时间"), null=True, blank=True)
    sme_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("企业创新券档案")
        verbose_name_plural = _("企业创新券档案")

    def __str__(self):
        return str(self.organization)


class QuotaApplication(models.Model):
    """A company's application for a voucher quota; once approved its amount is granted (a ledger row)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已批准")
        DECLINED = "declined", _("未批准")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="applications")
    company = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="voucher_applications"
    )
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, validators=[validate_credit_code])
    project = models.TextField(_("项目简介"), max_length=2000)
    requested = models.DecimalField(_("申请金额（元）"), **MONEY)
    approved_amount = models.DecimalField(_("批准金额（元）"), null=True, blank=True, **MONEY)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("创新券额度申请")
        verbose_name_plural = _("创新券额度申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(name="voucher_application_requested", condition=Q(requested__gt=0)),
            models.CheckConstraint(
                name="voucher_application_approved_amount",
                condition=(
                    Q(status="approved") & Q(approved_amount__gt=0) & Q(approved_amount__lte=F("requested"))
                )
                | (~Q(status="approved") & Q(approved_amount__isnull=True)),
            ),
        ]

    def __str__(self):
        return f"{self.company} · {self.requested}"


class Account(models.Model):
    """A company's voucher account in one programme: the row every movement of its balance locks."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="accounts")
    company = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="voucher_accounts"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("创新券账户")
        verbose_name_plural = _("创新券账户")
        ordering = ["programme", "company"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "company"], name="voucher_account_unique")
        ]

    def __str__(self):
        return f"{self.programme} · {self.company}"


class ProviderRegistration(models.Model):
    """A unit or third-party testing institution registered to accept a programme's vouchers."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("未批准")
        SUSPENDED = "suspended", _("已暂停")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="providers")
    unit = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="voucher_registrations"
    )
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, validators=[validate_credit_code])
    legal_representative = models.CharField(_("法定代表人"), max_length=50)
    registered_address = models.CharField(_("注册地址"), max_length=200)
    bank_name = models.CharField(_("开户银行"), max_length=100)
    bank_account = models.CharField(_("银行账号"), max_length=34)
    account_name = models.CharField(_("账户名称"), max_length=100)
    licence = models.FileField(
        _("营业执照或法人证书"), upload_to="voucher-licences/%Y/", storage=private_storage, max_length=300
    )
    licence_name = models.CharField(max_length=200)
    licence_type = models.CharField(max_length=100)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("创新券服务机构")
        verbose_name_plural = _("创新券服务机构")
        ordering = ["programme", "unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "unit"], condition=~Q(status="rejected"), name="voucher_provider_unique"
            )
        ]

    def __str__(self):
        return f"{self.unit} · {self.programme}"


class Payment(models.Model):
    """The voucher part of one service record's charge: held when applied, spent when billed, released if the
    service is cancelled, refunded when reversed before redemption."""

    class Status(models.TextChoices):
        HELD = "held", _("已冻结")
        SPENT = "spent", _("已抵扣")
        RELEASED = "released", _("已释放")
        REFUNDED = "refunded", _("已退回")

    record = models.OneToOneField(
        "servicerecords.ServiceRecord", on_delete=models.PROTECT, related_name="voucher_payment"
    )
    charge = models.OneToOneField("fees.Charge", on_delete=models.PROTECT, related_name="voucher_payment")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="payments")
    provider = models.ForeignKey(ProviderRegistration, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("创新券抵扣金额（元）"), **MONEY)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.HELD)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("创新券抵扣")
        verbose_name_plural = _("创新券抵扣")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(name="voucher_payment_amount", condition=Q(amount__gte=0))]

    def __str__(self):
        return f"{self.record} · {self.amount}"


class Batch(models.Model):
    """One month's redemption claims of a programme, reviewed together and paid out together."""

    class Status(models.TextChoices):
        OPEN = "open", _("受理中")
        REVIEWED = "reviewed", _("已审核")
        PAID = "paid", _("已兑付")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="batches")
    month = models.DateField(_("月份"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.OPEN)
    payout_reference = models.CharField(_("拨付凭证号"), max_length=100, blank=True)
    paid_at = models.DateTimeField(_("拨付时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("兑付批次")
        verbose_name_plural = _("兑付批次")
        ordering = ["programme", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "month"], name="voucher_batch_month_unique"),
            models.CheckConstraint(name="voucher_batch_first_day", condition=Q(month__day=1)),
        ]

    def __str__(self):
        return f"{self.programme} · {self.month:%Y-%m}"


class Claim(models.Model):
    """A provider's redemption claim (兑付申请) for the voucher part of one completed, paid service."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已核准")
        REJECTED = "rejected", _("未核准")
        PAID = "paid", _("已兑付")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="claims")
    provider = models.ForeignKey(ProviderRegistration, on_delete=models.PROTECT, related_name="claims")
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="claims")
    amount = models.DecimalField(_("兑付金额（元）"), **MONEY)
    contract = models.FileField(
        _("服务合同"), upload_to="voucher-claims/%Y/%m/", storage=private_storage, max_length=300
    )
    contract_name = models.CharField(max_length=200)
    contract_type = models.CharField(max_length=100)
    invoice = models.FileField(
        _("发票"), upload_to="voucher-claims/%Y/%m/", storage=private_storage, max_length=300
    )
    invoice_name = models.CharField(max_length=200)
    invoice_type = models.CharField(max_length=100)
    # Suspicious patterns found when the claim was checked (codes of ``services.claims.FLAGS``).
    flags = models.JSONField(_("风险提示"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("兑付申请")
        verbose_name_plural = _("兑付申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One live claim per service: a rejected one may be followed by a corrected one.
            models.UniqueConstraint(
                fields=["payment"], condition=~Q(status="rejected"), name="voucher_claim_once_per_service"
            ),
            models.CheckConstraint(name="voucher_claim_amount", condition=Q(amount__gt=0)),
        ]

    def __str__(self):
        return f"{self.provider.unit} · {self.amount}"


class LedgerQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError(_("创新券台账只能追加，不能修改。"))

    def delete(self):
        raise ValidationError(_("创新券台账只能追加，不能删除。"))


class LedgerEntry(models.Model):
    """One movement of voucher money (台账). Append-only: rows are never changed or deleted; a mistake is put right
    by a further movement. ``amount`` is always positive; ``kind`` says where it moves:

    grant: budget → company available · hold: available → held · release: held → available · spend: held → spent ·
    refund: spent → available · redeem_claim: spent → redeemed (claim approved) · payout: redeemed → paid ·
    expiry: available → expired (after the use-by date) · clawback: available → budget (quota withdrawn).
    """

    class Kind(models.TextChoices):
        GRANT = "grant", _("发放")
        HOLD = "hold", _("冻结")
        RELEASE = "release", _("释放")
        SPEND = "spend", _("抵扣")
        REFUND = "refund", _("退回")
        REDEEM_CLAIM = "redeem_claim", _("兑付核准")
        PAYOUT = "payout", _("拨付")
        EXPIRY = "expiry", _("过期")
        CLAWBACK = "clawback", _("收回")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="ledger")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="ledger")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    application = models.ForeignKey(
        QuotaApplication, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger"
    )
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger"
    )
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = _("台账记录")
        verbose_name_plural = _("创新券台账")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["programme", "kind"]), models.Index(fields=["account", "kind"])]
        constraints = [
            models.CheckConstraint(name="voucher_ledger_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(
                name="voucher_ledger_kind_known",
                condition=Q(
                    kind__in=[
                        "grant",
                        "hold",
                        "release",
                        "spend",
                        "refund",
                        "redeem_claim",
                        "payout",
                        "expiry",
                        "clawback",
                    ]
                ),
            ),  # fmt: skip
            # Each kind names what it moves for: a grant its application, a payment step its payment, a
            # redemption step its claim (and the payment behind it).
            models.CheckConstraint(
                name="voucher_ledger_grant_has_application",
                condition=~Q(kind="grant") | Q(application__isnull=False),
            ),
            models.CheckConstraint(
                name="voucher_ledger_payment_steps_have_payment",
                condition=~Q(kind__in=["hold", "release", "spend", "refund"]) | Q(payment__isnull=False),
            ),
            models.CheckConstraint(
                name="voucher_ledger_redemption_has_claim",
                condition=~Q(kind__in=["redeem_claim", "payout"])
                | Q(claim__isnull=False, payment__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("创新券台账只能追加，不能修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("创新券台账只能追加，不能删除。"))
