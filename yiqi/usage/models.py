"""Usage records: every hour an instrument worked, for whom, and whether it was external service.

These rows are the objective data the yearly evaluation is computed from: effective machine-hours,
external-service hours and the sharing rate (external-service hours / operating hours).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from yiqi.core.storage import private_storage
from yiqi.core.validators import validate_past_date, validate_plain_text


class UsageRecord(models.Model):
    class Source(models.TextChoices):
        BOOKING = "booking", _("预约上机")
        ORDER = "order", _("委托测试")
        MANUAL = "manual", _("线下登记")

    class Purpose(models.TextChoices):
        RESEARCH = "research", _("科研")
        TEACHING = "teaching", _("教学")
        SERVICE = "service", _("对外服务")
        OTHER = "other", _("其他")

    instrument = models.ForeignKey(
        "registry.Instrument", on_delete=models.PROTECT, related_name="usage_records"
    )
    # The owning unit at the time of use, copied so totals group without joining instruments.
    unit = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="usage_records", editable=False
    )
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    record = models.OneToOneField(
        "servicerecords.ServiceRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="usage_record",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="usage_records",
    )
    user_name = models.CharField(_("使用人"), max_length=50, blank=True, validators=[validate_plain_text])
    user_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("使用人单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_external = models.BooleanField(_("对外服务"), default=False)
    purpose = models.CharField(_("用途"), max_length=20, choices=Purpose.choices)
    # Use that has happened: between 1950 and today.
    started_at = models.DateTimeField(_("开始时间"), validators=[validate_past_date])
    ended_at = models.DateTimeField(_("结束时间"), validators=[validate_past_date])
    machine_hours = models.DecimalField(
        _("有效机时（小时）"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10000"))],
    )
    # Hours the instrument ran during the record by remote monitoring; null = not monitored in that period.
    verified_hours = models.DecimalField(
        _("监测核验机时（小时）"), max_digits=8, decimal_places=2, null=True, blank=True, editable=False
    )
    # The times and machine-hours were measured by the instrument's interlock (switch-on to switch-off), not typed.
    measured = models.BooleanField(_("联锁实测"), default=False, editable=False)
    sample_count = models.PositiveIntegerField(_("样品数"), default=0)
    service_content = models.CharField(_("服务内容"), max_length=300, blank=True)
    fee = models.DecimalField(_("收费（元）"), max_digits=12, decimal_places=2, default=Decimal("0"))
    evidence = models.FileField(
        _("佐证材料"), upload_to="usage-evidence/%Y/%m/", storage=private_storage, blank=True, max_length=300
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("使用记录")
        verbose_name_plural = _("使用记录")
        ordering = ["-started_at", "-id"]
        indexes = [
            # Covering index for the totals: each unit's records of a period are one ordered range of it, read
            # without touching the table (see totals.py); verified hours too, for the evaluation figures.
            models.Index(
                name="usage_totals_covering_idx",
                fields=[
                    "unit",
                    "started_at",
                    "instrument",
                    "is_external",
                    "machine_hours",
                    "sample_count",
                    "fee",
                    "verified_hours",
                ],
            ),
            models.Index(fields=["instrument", "started_at"]),
            models.Index(fields=["started_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="usage_ends_after_start",
                condition=Q(ended_at__gt=F("started_at")),
                violation_error_message=_("结束时间必须晚于开始时间。"),
            ),
            models.CheckConstraint(
                name="usage_amounts_not_negative", condition=Q(machine_hours__gte=0, fee__gte=0)
            ),
            models.CheckConstraint(
                name="usage_source_matches_link",
                condition=Q(source__in=["booking", "order"], record__isnull=False)
                | Q(source="manual", record__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.instrument} {self.started_at:%Y-%m-%d} {self.machine_hours} h"


class UsageTotal(models.Model):
    """A management unit's usage records summed over one UTC day and, again, over one UTC month; written only by
    the database's triggers (``stored_totals``): what period totals read instead of every record."""

    class Span(models.TextChoices):
        DAY = "day", _("日")
        MONTH = "month", _("月")

    span = models.CharField(max_length=5, choices=Span.choices)
    start = models.DateField()  # UTC: the day, or the month's first day
    unit = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    machine_hours = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    external_hours = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    # Records with telemetry-verified hours, and their declared hours: "monitored at all" and the gap.
    checked_records = models.IntegerField(default=0)
    checked_hours = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    verified_hours = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    verified_external_hours = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))

    class Meta:
        verbose_name = _("单位使用合计")
        verbose_name_plural = _("单位使用合计")
        # Key order: a period's months (or days) of every unit are one range of the index.
        constraints = [models.UniqueConstraint(fields=["span", "start", "unit"], name="usage_total_unique")]

    def __str__(self):
        return f"{self.unit_id} {self.span} {self.start} {self.machine_hours} h"
