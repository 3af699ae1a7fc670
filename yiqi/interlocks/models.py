"""Interlocks: a monitoring device that can switch its instrument on for a booked, qualified user and off again.

``Interlock`` is the switch and where it stands (its state moves only through ``services.INTERLOCK_MACHINE``, so
every enable, disable and override leaves one audit event); ``InterlockCommand`` is every command sent to the
device and what it answered; ``InterlockSession`` is the time the instrument was enabled for someone — measured
self-operation, not typed.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class InterlockState(models.TextChoices):
    LOCKED = "locked", _("已锁定")
    UNLOCKED = "unlocked", _("已开放")
    UNKNOWN = "unknown", _("未知")


class Interlock(models.Model):
    class Driver(models.TextChoices):
        MQTT = "mqtt", _("MQTT 指令")
        MODBUS = "modbus", _("Modbus-TCP 继电器")

    device = models.OneToOneField(
        "monitoring.Device", verbose_name=_("监测设备"), on_delete=models.CASCADE, related_name="interlock"
    )
    # Copied from the device so scoping and lists need no join.
    instrument = models.ForeignKey(
        "registry.Instrument", on_delete=models.PROTECT, related_name="interlocks", editable=False
    )
    unit = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", editable=False
    )
    driver = models.CharField(_("驱动"), max_length=10, choices=Driver.choices, default=Driver.MQTT)
    modbus_host = models.CharField(_("继电器地址"), max_length=255, blank=True)
    modbus_port = models.PositiveIntegerField(
        _("继电器端口"), default=502, validators=[MinValueValidator(1), MaxValueValidator(65535)]
    )
    modbus_device_id = models.PositiveSmallIntegerField(
        _("Modbus 从站号"), default=1, validators=[MaxValueValidator(247)]
    )
    modbus_coil = models.PositiveIntegerField(_("线圈地址"), default=0, validators=[MaxValueValidator(65535)])
    # None: the platform's YIQI_INTERLOCK_GRACE_MINUTES.
    grace_minutes = models.PositiveSmallIntegerField(
        _("宽限时间（分钟）"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(240)],
        help_text=_("预约开始前可提前开机、预约结束后延迟锁定的分钟数；留空则用平台默认值。"),
    )
    # Off: a booked session stays on until the user or staff end it (an override always ends on time).
    auto_off = models.BooleanField(_("超时自动关闭"), default=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=InterlockState.choices, default=InterlockState.UNKNOWN
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("当前使用人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    booking = models.ForeignKey(
        "booking.Booking", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    enabled_until = models.DateTimeField(_("开放至"), null=True, blank=True)
    allowlist_pushed_at = models.DateTimeField(_("白名单下发时间"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("联锁")
        verbose_name_plural = _("联锁")
        ordering = ["instrument", "id"]
        indexes = [
            models.Index(fields=["state", "enabled_until"]),
            models.Index(fields=["unit", "instrument"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="interlock_unlocked_has_end",
                condition=~Q(state="unlocked") | Q(enabled_until__isnull=False),
            ),
            models.CheckConstraint(
                name="interlock_modbus_has_host", condition=~Q(driver="modbus") | ~Q(modbus_host="")
            ),
        ]

    def __str__(self):
        return f"{self.instrument} · {self.device}"


class InterlockCommand(models.Model):
    class Action(models.TextChoices):
        LOCK = "lock", _("锁定")
        UNLOCK = "unlock", _("开放")
        STATUS = "status", _("查询状态")
        ALLOWLIST = "allowlist", _("下发白名单")

    interlock = models.ForeignKey(Interlock, on_delete=models.CASCADE, related_name="commands")
    action = models.CharField(_("指令"), max_length=10, choices=Action.choices)
    for_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    booking = models.ForeignKey(
        "booking.Booking", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("原因"), max_length=300, blank=True)
    # None: the platform's schedule (auto-off, allow-lists, revocation).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("发送时间"))
    latency_ms = models.PositiveIntegerField(_("响应耗时（毫秒）"), null=True, blank=True)
    ok = models.BooleanField(_("成功"), default=False)
    state = models.CharField(_("设备状态"), max_length=10, choices=InterlockState.choices, blank=True)
    error = models.CharField(_("错误"), max_length=300, blank=True)
    command_id = models.CharField(max_length=36, blank=True)

    class Meta:
        verbose_name = _("联锁指令")
        verbose_name_plural = _("联锁指令")
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["interlock", "-sent_at"])]

    def __str__(self):
        return f"{self.interlock_id} {self.action} {self.sent_at:%Y-%m-%d %H:%M:%S}"


class InterlockSession(models.Model):
    """The instrument enabled for one user, from the acknowledged enable to the acknowledged disable."""

    class EndCause(models.TextChoices):
        RELEASED = "released", _("用户结束")
        AUTO_OFF = "auto_off", _("超时自动关闭")
        STAFF = "staff", _("工作人员关闭")
        REVOKED = "revoked", _("预约取消")

    interlock = models.ForeignKey(Interlock, on_delete=models.CASCADE, related_name="sessions")
    instrument = models.ForeignKey("registry.Instrument", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("使用人"), on_delete=models.PROTECT, related_name="+"
    )
    booking = models.ForeignKey(
        "booking.Booking", null=True, blank=True, on_delete=models.PROTECT, related_name="interlock_sessions"
    )
    is_override = models.BooleanField(_("人工放行"), default=False)
    reason = models.CharField(_("放行原因"), max_length=300, blank=True)
    started_at = models.DateTimeField(_("开始"))
    ended_at = models.DateTimeField(_("结束"), null=True, blank=True)
    end_cause = models.CharField(_("结束方式"), max_length=10, choices=EndCause.choices, blank=True)

    class Meta:
        verbose_name = _("联锁使用时段")
        verbose_name_plural = _("联锁使用时段")
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["instrument", "started_at"]),
            models.Index(fields=["unit", "started_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["interlock"], condition=Q(ended_at__isnull=True), name="interlock_one_open_session"
            ),
            models.CheckConstraint(
                name="interlock_session_ends_after_start",
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
            ),
        ]

    def __str__(self):
        return f"{self.instrument} {self.user} {self.started_at:%Y-%m-%d %H:%M}"
