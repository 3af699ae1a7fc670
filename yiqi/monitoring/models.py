"""Remote monitoring: devices that report an instrument's working state, their raw samples, and what the platform
derives from them — state intervals, daily machine-hours, and the reconciliation items against bookings and usage
records.

Raw samples are kept ``YIQI_TELEMETRY_RETENTION_DAYS`` (on PostgreSQL in one partition per day, so an old day drops
at once); intervals, daily hours and reconciliation items are kept for good.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

DEVICE_UID_PATTERN = r"^[A-Za-z0-9_-]{3,64}$"


class MachineState(models.TextChoices):
    """What an instrument is doing. Running covers start-up preparation, measurement and post-processing (the
    national rule counts them all); standby is powered but idle, and is not counted."""

    OFF = "off", _("关机")
    STANDBY = "standby", _("待机")
    RUNNING = "running", _("运行")


class Device(models.Model):
    class Kind(models.TextChoices):
        GATEWAY = "gateway", _("网关")
        POWER = "power", _("功率传感器")
        CURRENT = "current", _("电流传感器")
        PC_AGENT = "pc_agent", _("计算机登录代理")

    uid = models.CharField(
        _("设备编号"),
        max_length=64,
        unique=True,
        validators=[
            RegexValidator(DEVICE_UID_PATTERN, _("设备编号只能由3至64位字母、数字、下划线或连字符组成。"))
        ],
    )
    instrument = models.ForeignKey(
        "registry.Instrument",
        verbose_name=_("仪器"),
        on_delete=models.PROTECT,
        related_name="monitoring_devices",
    )
    # The owning unit, copied so topics, scoping and boards need no join through instruments.
    unit = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="monitoring_devices",
        editable=False,
    )
    kind = models.CharField(_("设备类型"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=100, blank=True)
    # SHA-256 of a 32-byte random secret: a high-entropy secret needs no slow hash, and the worker checks thousands
    # of messages a second.
    secret_digest = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    rotated_at = models.DateTimeField(_("密钥更换时间"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("停用时间"), null=True, blank=True, editable=False)
    last_seen = models.DateTimeField(_("最后上报"), null=True, blank=True, editable=False)
    offline_alerted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Earliest sample time written since the last roll-up; the roll-up recomputes from there and clears it.
    dirty_from = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("监测设备")
        verbose_name_plural = _("监测设备")
        ordering = ["uid"]
        indexes = [
            models.Index(fields=["unit", "uid"]),
            models.Index(
                name="monitoring_device_dirty_idx",
                fields=["dirty_from"],
                condition=Q(dirty_from__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="monitoring_device_uid_format", condition=Q(uid__regex=DEVICE_UID_PATTERN)
            ),
        ]

    def __str__(self):
        return self.uid

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class MonitoringProfile(models.Model):
    """How one instrument's signal becomes a state: thresholds with hysteresis, a minimum dwell and a standby
    baseline. A reported ``state`` is taken as it is; otherwise ``power_w`` (or, without it, ``current_a``) minus
    the baseline is compared with the thresholds."""

    class Signal(models.TextChoices):
        POWER = "power_w", _("功率（W）")
        CURRENT = "current_a", _("电流（A）")

    instrument = models.OneToOneField(
        "registry.Instrument", on_delete=models.CASCADE, related_name="monitoring_profile"
    )
    signal = models.CharField(_("判定信号"), max_length=10, choices=Signal.choices, default=Signal.POWER)
    standby_baseline = models.FloatField(_("待机基线"), default=0, validators=[MinValueValidator(0)])
    # Above this raw reading the instrument is on (standby or running).
    on_threshold = models.FloatField(_("开机阈值"), default=5, validators=[MinValueValidator(0)])
    # Above the baseline by this much it starts running; it keeps running until it falls below ``running_exit``.
    running_enter = models.FloatField(_("运行进入阈值"), default=100, validators=[MinValueValidator(0)])
    running_exit = models.FloatField(_("运行退出阈值"), default=60, validators=[MinValueValidator(0)])
    min_dwell_seconds = models.PositiveIntegerField(_("最短驻留（秒）"), default=60)
    sample_period_seconds = models.PositiveIntegerField(
        _("采样周期（秒）"), default=5, validators=[MinValueValidator(1)]
    )
    # No sample for this long ends the current interval: the device was offline, the state is unknown.
    gap_seconds = models.PositiveIntegerField(
        _("断线判定（秒）"), default=300, validators=[MinValueValidator(1)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("监测参数")
        verbose_name_plural = _("监测参数")
        constraints = [
            models.CheckConstraint(
                name="monitoring_profile_hysteresis", condition=Q(running_exit__lte=F("running_enter"))
            ),
        ]

    def __str__(self):
        return str(self.instrument)


class Sample(models.Model):
    """One raw reading. The key (device, t) makes a repeated sample count once."""

    pk = models.CompositePrimaryKey("device_id", "t")
    # No database foreign keys or single-column indexes: the key and the (instrument, t) index serve every read,
    # and a partitioned table stays cheap to write.
    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, db_constraint=False, db_index=False, related_name="+"
    )
    t = models.DateTimeField()
    instrument = models.ForeignKey(
        "registry.Instrument", on_delete=models.CASCADE, db_constraint=False, db_index=False, related_name="+"
    )
    state = models.CharField(max_length=10, choices=MachineState.choices, blank=True)
    power_w = models.FloatField(null=True)
    current_a = models.FloatField(null=True)
    signals = models.JSONField(null=True)
    received_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["instrument", "t"])]

    def __str__(self):
        return f"{self.device_id}@{self.t:%Y-%m-%d %H:%M:%S}"


class InstrumentMonitor(models.Model):
    """Where the roll-up stands for one instrument: the state it is in since when, the candidate state waiting out
    the dwell, and the last sample it has read. The open interval lives here until the state changes."""

    instrument = models.OneToOneField("registry.Instrument", on_delete=models.CASCADE, related_name="monitor")
    state = models.CharField(max_length=10, choices=MachineState.choices, blank=True)
    since = models.DateTimeField(null=True)
    candidate = models.CharField(max_length=10, choices=MachineState.choices, blank=True)
    candidate_since = models.DateTimeField(null=True)
    last_sample_at = models.DateTimeField(null=True)
    rolled_up_at = models.DateTimeField(null=True)
    idle_alerted_at = models.DateTimeField(null=True)

    def __str__(self):
        return f"{self.instrument_id} {self.state}"


class StateIntervalQuerySet(models.QuerySet):
    def current(self):
        return self.filter(superseded_at__isnull=True)


class StateInterval(models.Model):
    """A closed span in one state, from samples. Rows are only appended: when late samples change the past, the
    roll-up stamps the rows it replaces ``superseded_at`` and appends the new ones, so earlier answers stay
    traceable."""

    instrument = models.ForeignKey(
        "registry.Instrument", on_delete=models.CASCADE, related_name="state_intervals"
    )
    state = models.CharField(_("状态"), max_length=10, choices=MachineState.choices)
    start = models.DateTimeField(_("开始"))
    end = models.DateTimeField(_("结束"))
    created_at = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    objects = StateIntervalQuerySet.as_manager()

    class Meta:
        ordering = ["instrument", "start"]
        indexes = [
            models.Index(
                name="monitoring_interval_current",
                fields=["instrument", "start"],
                condition=Q(superseded_at__isnull=True),
            ),
            models.Index(
                name="monitoring_interval_end",
                fields=["instrument", "end"],
                condition=Q(superseded_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="monitoring_interval_ends_after_start", condition=Q(end__gt=F("start"))
            ),
        ]

    def __str__(self):
        return f"{self.instrument_id} {self.state} {self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M}"


class DailyHours(models.Model):
    """One instrument's day (Asia/Shanghai) from telemetry, in seconds so months add up exactly."""

    instrument = models.ForeignKey(
        "registry.Instrument", on_delete=models.CASCADE, related_name="daily_hours"
    )
    unit = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("日期"))
    running_seconds = models.PositiveIntegerField(default=0)
    standby_seconds = models.PositiveIntegerField(default=0)
    # Seconds of the day that some interval covers (any state); the rest had no data.
    covered_seconds = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["instrument", "day"]
        indexes = [models.Index(fields=["unit", "day"]), models.Index(fields=["day"])]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "day"], name="monitoring_daily_hours_unique"),
            models.CheckConstraint(
                name="monitoring_daily_hours_within_day",
                condition=Q(covered_seconds__lte=86400)
                & Q(covered_seconds__gte=F("running_seconds") + F("standby_seconds")),
            ),
        ]

    def __str__(self):
        return f"{self.instrument_id} {self.day} {self.running_hours} h"

    @property
    def running_hours(self) -> Decimal:
        return seconds_to_hours(self.running_seconds)

    @property
    def standby_hours(self) -> Decimal:
        return seconds_to_hours(self.standby_seconds)

    @property
    def coverage(self) -> Decimal:
        return (Decimal(self.covered_seconds) / Decimal(86400)).quantize(Decimal("0.001"))


def seconds_to_hours(seconds: int | float) -> Decimal:
    return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.01"))


class RejectionReason(models.TextChoices):
    UNKNOWN_DEVICE = "unknown_device", _("未知设备")
    REVOKED_DEVICE = "revoked_device", _("设备已停用")
    WRONG_SECRET = "wrong_secret", _("密钥错误")
    MALFORMED = "malformed", _("格式错误")
    TOO_LARGE = "too_large", _("数据过大")
    FUTURE = "future", _("时间超前")
    TOO_OLD = "too_old", _("时间过早")
    NOT_FINITE = "not_finite", _("非有限数值")
    MISSING_FIELDS = "missing_fields", _("缺少字段")
    RATE_LIMITED = "rate_limited", _("超出频率限制")


class RejectedSampleCount(models.Model):
    """Samples (or whole messages, when nothing in them could be read) refused per day, reason and claimed device
    (blank when no device could be named)."""

    day = models.DateField()
    reason = models.CharField(max_length=20, choices=RejectionReason.choices)
    device_uid = models.CharField(max_length=64, blank=True)
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "reason", "device_uid"], name="monitoring_rejections_unique"
            )
        ]

    def __str__(self):
        return f"{self.day} {self.reason} {self.device_uid}: {self.count}"


class ReconciliationItem(models.Model):
    class Kind(models.TextChoices):
        SUSPECT_RECORD = "suspect_record", _("可疑记录")
        UNRECORDED_USE = "unrecorded_use", _("未登记使用")
        BOOKING_NOT_RUN = "booking_not_run", _("预约未运行")
        OVERRUN = "overrun", _("超出预约时段运行")
        LONG_IDLE = "long_idle", _("长期闲置")
        UNBOOKED_SESSION = "unbooked_session", _("无预约开机")

    class Status(models.TextChoices):
        OPEN = "open", _("待说明")
        EXPLAINED = "explained", _("已说明")
        ACCEPTED = "accepted", _("说明已认可")
        CONFIRMED = "confirmed", _("已确认")

    class Reason(models.TextChoices):
        REPAIR = "repair", _("维修")
        CALIBRATION = "calibration", _("校准")
        MAINTENANCE = "maintenance", _("维护保养")
        OTHER = "other", _("其他")

    instrument = models.ForeignKey(
        "registry.Instrument", on_delete=models.PROTECT, related_name="reconciliation_items"
    )
    unit = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", editable=False
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.OPEN)
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"))
    usage_record = models.ForeignKey(
        "usage.UsageRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reconciliation_items",
    )
    booking = models.ForeignKey(
        "booking.Booking",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reconciliation_items",
    )
    telemetry_hours = models.DecimalField(_("监测机时"), max_digits=8, decimal_places=2, default=Decimal("0"))
    recorded_hours = models.DecimalField(_("登记机时"), max_digits=8, decimal_places=2, default=Decimal("0"))
    reason = models.CharField(_("原因"), max_length=20, choices=Reason.choices, blank=True)
    explanation = models.TextField(_("说明"), max_length=1000, blank=True)
    explained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    explained_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    found_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("核对事项")
        verbose_name_plural = _("核对事项")
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "status", "started_at"]),
            models.Index(fields=["status", "started_at"]),
        ]
        constraints = [
            # The scheduled job runs again and again: one item per instrument, kind and start.
            models.UniqueConstraint(
                fields=["instrument", "kind", "started_at"], name="monitoring_item_unique"
            ),
            models.CheckConstraint(
                name="monitoring_item_ends_after_start", condition=Q(ended_at__gte=F("started_at"))
            ),
            models.CheckConstraint(
                name="monitoring_item_explained_has_reason",
                condition=Q(status__in=["open", "confirmed"]) | ~Q(reason=""),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.instrument_id} {self.started_at:%Y-%m-%d %H:%M}"
