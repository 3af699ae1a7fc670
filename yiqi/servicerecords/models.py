"""The service record (服务记录): one row for every request for service, whatever its kind.

A self-operation booking, a commissioned-testing order and the kinds still to come (remote service, data access)
each own one record. Everything downstream — charges, usage records, ratings, complaints, voucher payments, the
national type-6 report — points to the record and never asks which kind it is. The kind's own model keeps its
detailed workflow; the record keeps what every kind shares: who was served, on which instrument, the planned and
actual quantities, and where it stands (open / completed / closed), which the kind's services keep in step.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .kinds import detail_url


class ServiceKind(models.TextChoices):
    SELF_OPERATION = "self_operation", _("自主上机")
    COMMISSIONED_TESTING = "commissioned_testing", _("委托测试")
    # A data set, a copy or loan of a report, a sample from a collection: served from a resource, not an instrument.
    RESOURCE_SUPPLY = "resource_supply", _("科技资源服务")


class ServiceStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    COMPLETED = "completed", _("已完成")
    CLOSED = "closed", _("未完成")


class ServiceRecord(models.Model):
    kind = models.CharField(_("服务方式"), max_length=30, choices=ServiceKind.choices)
    status = models.CharField(
        _("状态"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.OPEN
    )
    # Empty only for a resource's service (``RESOURCE_SUPPLY``): every instrument service names its instrument.
    instrument = models.ForeignKey(
        "registry.Instrument", on_delete=models.PROTECT, related_name="service_records", null=True, blank=True
    )
    # The owning unit when the service was requested, copied so scoping and totals need no join.
    unit = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="service_records", editable=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="service_records"
    )
    user_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("用户单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_internal = models.BooleanField(_("单位内"), default=False)
    reference = models.CharField(_("编号"), max_length=40, blank=True, help_text=_("服务单号或预约时段。"))
    content = models.CharField(_("服务内容"), max_length=300, blank=True)
    planned_hours = models.DecimalField(
        _("预计机时（小时）"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    sample_count = models.PositiveIntegerField(_("样品数"), default=0)
    started_at = models.DateTimeField(_("实际开始"), null=True, blank=True)
    ended_at = models.DateTimeField(_("实际结束"), null=True, blank=True)
    hours = models.DecimalField(
        _("有效机时（小时）"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("服务记录")
        verbose_name_plural = _("服务记录")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "status"]),
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["instrument", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="service_record_quantities_not_negative",
                condition=Q(planned_hours__gte=0) & (Q(hours__isnull=True) | Q(hours__gte=0)),
            ),
            models.CheckConstraint(
                name="service_record_ends_after_start",
                condition=Q(ended_at__isnull=True)
                | Q(started_at__isnull=False, ended_at__gte=F("started_at")),
            ),
            models.CheckConstraint(
                name="service_record_instrument_unless_resource",
                condition=Q(kind="resource_supply") | Q(instrument__isnull=False),
            ),
            models.CheckConstraint(
                name="service_record_completed_has_time",
                condition=~Q(status="completed") | Q(completed_at__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.reference}".strip()

    def get_absolute_url(self) -> str:
        return detail_url(self)
