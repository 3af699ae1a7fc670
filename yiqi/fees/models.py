"""Cost-based fees: each instrument's published schedule, the charge of every service record, adjustments.

Money is Decimal CNY with two places (fen). A charge's total is always the sum of its lines plus its approved
adjustments, each rounded to the fen; ``services`` keeps ``Charge.total`` in step.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class UserCategory(models.TextChoices):
    """Whom a rate applies to, from the user's organisation relative to the owning unit."""

    INTERNAL = "internal", _("本单位")
    ACADEMIC = "academic", _("其他高校和科研院所")
    EXTERNAL = "external", _("企业及个人")


class FeeItem(models.Model):
    """One line of an instrument's fee schedule (收费标准)."""

    class Component(models.TextChoices):
        MATERIALS = "materials", _("材料消耗费")
        RUNNING = "running", _("水电气等运行费")
        LABOUR = "labour", _("人力服务费")

    class Basis(models.TextChoices):
        PER_HOUR = "per_hour", _("按机时")
        PER_SAMPLE = "per_sample", _("按样品")
        PER_ITEM = "per_item", _("按项次")

    class AppliesTo(models.TextChoices):
        BOTH = "both", _("自主上机和委托测试")
        SELF_OPERATION = "self_operation", _("仅自主上机")
        COMMISSIONED_TESTING = "commissioned_testing", _("仅委托测试")

    instrument = models.ForeignKey("registry.Instrument", on_delete=models.CASCADE, related_name="fee_items")
    name = models.CharField(_("收费项目"), max_length=100)
    component = models.CharField(_("费用构成"), max_length=20, choices=Component.choices)
    basis = models.CharField(_("计费方式"), max_length=20, choices=Basis.choices)
    applies_to = models.CharField(
        _("适用服务"), max_length=30, choices=AppliesTo.choices, default=AppliesTo.BOTH
    )
    rate_internal = models.DecimalField(
        _("本单位价格（元）"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    rate_academic = models.DecimalField(
        _("高校院所价格（元）"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    rate_external = models.DecimalField(
        _("企业及个人价格（元）"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("收费项目")
        verbose_name_plural = _("收费标准")
        ordering = ["instrument", "position", "id"]
        constraints = [
            models.CheckConstraint(
                name="fee_rates_not_negative",
                condition=Q(rate_internal__gte=0, rate_academic__gte=0, rate_external__gte=0),
                violation_error_message=_("价格不能为负数。"),
            )
        ]

    def __str__(self):
        return self.name

    @property
    def rate_unit(self) -> str:
        """'元/小时', '元/样', '元/项次': what one unit of the rate buys."""
        return str(RATE_UNITS[self.basis])

    def rate_for(self, category: str) -> Decimal:
        return {
            UserCategory.INTERNAL: self.rate_internal,
            UserCategory.ACADEMIC: self.rate_academic,
            UserCategory.EXTERNAL: self.rate_external,
        }[category]


RATE_UNITS = {
    FeeItem.Basis.PER_HOUR: _("元/小时"),
    FeeItem.Basis.PER_SAMPLE: _("元/样"),
    FeeItem.Basis.PER_ITEM: _("元/项次"),
}


class Charge(models.Model):
    """What one service record (a booking, an order, ...) costs: quoted before confirmation, billed after service, then paid."""

    class Status(models.TextChoices):
        QUOTED = "quoted", _("报价")
        BILLED = "billed", _("已出账单")
        PAID = "paid", _("已缴费")
        VOID = "void", _("已作废")

    record = models.OneToOneField(
        "servicerecords.ServiceRecord", on_delete=models.PROTECT, related_name="charge", editable=False
    )
    instrument = models.ForeignKey("registry.Instrument", on_delete=models.PROTECT, related_name="charges")
    unit = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="charges_issued", editable=False
    )
    payer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="charges")
    payer_organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="charges_payable",
    )
    user_category = models.CharField(_("用户类别"), max_length=20, choices=UserCategory.choices)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.QUOTED)
    quoted_total = models.DecimalField(
        _("报价金额（元）"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    total = models.DecimalField(_("应收金额（元）"), max_digits=12, decimal_places=2, default=Decimal("0"))
    billed_at = models.DateTimeField(_("出账时间"), null=True, blank=True)
    paid_at = models.DateTimeField(_("缴费时间"), null=True, blank=True)
    payment_reference = models.CharField(_("缴费凭证号"), max_length=100, blank=True)
    paid_on = models.DateField(_("到账日期"), null=True, blank=True)
    payment_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("费用单")
        verbose_name_plural = _("费用单")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "billed_at"]),
            models.Index(fields=["payer_organization", "billed_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="charge_total_not_negative", condition=Q(total__gte=0, quoted_total__gte=0)
            ),
        ]

    def __str__(self):
        return f"{self.instrument} · ¥{self.total}"

    @property
    def number(self) -> str:
        """The number finance offices file the charge under (stable: derived from the id)."""
        return f"FY{self.pk:08d}"

    @property
    def service(self) -> str:
        """The service kind, which is also the fee schedule's ``applies_to`` value it is priced under."""
        return self.record.kind

    def get_service_display(self) -> str:
        return self.record.get_kind_display()


class ChargeLine(models.Model):
    """One priced line of a charge: quantity × unit price = amount (rounded to the fen)."""

    class Stage(models.TextChoices):
        QUOTE = "quote", _("报价")
        BILL = "bill", _("结算")

    charge = models.ForeignKey(Charge, on_delete=models.CASCADE, related_name="lines")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    fee_item = models.ForeignKey(FeeItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    description = models.CharField(_("项目"), max_length=100)
    component = models.CharField(_("费用构成"), max_length=20, choices=FeeItem.Component.choices)
    basis = models.CharField(_("计费方式"), max_length=20, choices=FeeItem.Basis.choices)
    quantity = models.DecimalField(
        _("数量"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    unit_price = models.DecimalField(_("单价（元）"), max_digits=10, decimal_places=2)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("费用明细")
        verbose_name_plural = _("费用明细")
        ordering = ["charge", "stage", "id"]
        constraints = [
            models.CheckConstraint(
                name="charge_line_quantity_not_negative", condition=Q(quantity__gte=0, unit_price__gte=0)
            )
        ]

    def __str__(self):
        return f"{self.description} {self.quantity} × {self.unit_price}"


class ChargeAdjustment(models.Model):
    """A change to a billed amount (discount, extra consumables, correction): needs a reason and approval."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")

    charge = models.ForeignKey(Charge, on_delete=models.CASCADE, related_name="adjustments")
    amount = models.DecimalField(
        _("调整金额（元）"), max_digits=12, decimal_places=2, help_text=_("减免填负数。")
    )
    reason = models.CharField(_("调整原因"), max_length=300)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.CharField(_("审批意见"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("费用调整")
        verbose_name_plural = _("费用调整")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(name="adjustment_not_zero", condition=~Q(amount=0)),
        ]

    def __str__(self):
        return f"{self.amount} · {self.reason}"
