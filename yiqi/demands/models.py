"""The demand database (需求库): needs that companies and researchers post, the instruments and units the platform
matched to each, and each unit's response and quote until the need is met (by a service on the platform, usually an order placed from the need) or closed."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yiqi.core.validators import validate_plain_text

MAX_QUANTITY = 10000


class NeedStatus(models.TextChoices):
    OPEN = "open", _("征集中")
    ORDERED = "ordered", _("已下单")
    MET = "met", _("已满足")
    CLOSED = "closed", _("已关闭")


class Need(models.Model):
    number = models.CharField(_("需求编号"), max_length=20, unique=True, editable=False)
    poster = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("需求名称"), max_length=100, validators=[validate_plain_text])
    description = models.TextField(_("测试或加工内容"), max_length=2000)
    category = models.ForeignKey(
        "registry.InstrumentCategory",
        verbose_name=_("仪器分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sample_type = models.CharField(_("样品类型"), max_length=100, validators=[validate_plain_text])
    quantity = models.PositiveIntegerField(
        _("样品数量"), validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)]
    )
    deadline = models.DateField(_("期望完成日期"))
    budget = models.DecimalField(
        _("预算（元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    region = models.ForeignKey(
        "organizations.Region", verbose_name=_("所在地区"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    met_by = models.ForeignKey(
        "servicerecords.ServiceRecord",
        verbose_name=_("满足需求的服务"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The platform order placed from this need while it runs (or the one that met it); cleared if it falls through.
    order_record = models.OneToOneField(
        "servicerecords.ServiceRecord",
        verbose_name=_("平台订单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    close_reason = models.CharField(_("关闭原因"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("需求")
        verbose_name_plural = _("需求")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1, quantity__lte=MAX_QUANTITY), name="demand_quantity_sane"
            ),
            models.CheckConstraint(condition=Q(budget__isnull=True) | Q(budget__gte=0), name="demand_budget"),
            models.CheckConstraint(
                condition=~Q(status="met") | Q(met_by__isnull=False), name="demand_met_has_service"
            ),
            models.CheckConstraint(
                condition=~Q(status="ordered") | Q(order_record__isnull=False),
                name="demand_ordered_has_order",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"


class Response(models.TextChoices):
    PENDING = "pending", _("待回复")
    QUOTED = "quoted", _("已报价")
    DECLINED = "declined", _("无法承接")


class Match(models.Model):
    """An instrument the platform suggested for a need, and its unit's answer."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="matches")
    instrument = models.ForeignKey("registry.Instrument", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("匹配度"), max_digits=5, decimal_places=4)
    response = models.CharField(_("回复"), max_length=20, choices=Response.choices, default=Response.PENDING)
    quote = models.DecimalField(
        _("报价（元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    message = models.CharField(_("回复说明"), max_length=500, blank=True)
    responded_at = models.DateTimeField(_("回复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("需求匹配")
        verbose_name_plural = _("需求匹配")
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["need", "instrument"], name="demand_match_once"),
            models.CheckConstraint(
                condition=~Q(response="quoted") | Q(quote__isnull=False), name="demand_quoted_has_amount"
            ),
        ]

    def __str__(self):
        return f"{self.need} → {self.instrument_id}"
