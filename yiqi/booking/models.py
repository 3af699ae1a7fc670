"""Self-operation time on an instrument: service settings, open hours, blackouts, qualifications, bookings.

No two slot-holding bookings of one instrument may overlap. On PostgreSQL an exclusion constraint on the
time range enforces it (migration 0002); on SQLite every write transaction starts with ``BEGIN IMMEDIATE``,
so the check-then-insert in ``services.request_booking`` is serialised.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from yiqi.core.validators import validate_near_date, validate_past_date


class ServiceSettings(models.Model):
    """How an instrument may be booked. Set by its instrument manager (or the unit's admin)."""

    class SlotMinutes(models.IntegerChoices):
        QUARTER = 15, _("15 分钟")
        HALF_HOUR = 30, _("30 分钟")
        HOUR = 60, _("1 小时")
        HALF_DAY = 240, _("4 小时")

    instrument = models.OneToOneField(
        "registry.Instrument", on_delete=models.CASCADE, related_name="service_settings", primary_key=True
    )
    bookings_open = models.BooleanField(_("接受在线预约"), default=True)
    slot_minutes = models.PositiveSmallIntegerField(
        _("时间粒度"), choices=SlotMinutes.choices, default=SlotMinutes.HALF_HOUR
    )
    min_booking_minutes = models.PositiveIntegerField(
        _("最短预约时长（分钟）"), default=30, validators=[MinValueValidator(15)]
    )
    max_booking_minutes = models.PositiveIntegerField(
        _("最长预约时长（分钟）"), default=8 * 60, validators=[MaxValueValidator(14 * 24 * 60)]
    )
    lead_time_hours = models.PositiveIntegerField(
        _("至少提前（小时）"), default=2, validators=[MaxValueValidator(24 * 90)]
    )
    horizon_days = models.PositiveIntegerField(
        _("最多提前（天）"), default=30, validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    cancellation_cutoff_hours = models.PositiveIntegerField(
        _("开始前多少小时内不可取消"), default=4, validators=[MaxValueValidator(24 * 30)]
    )
    weekly_quota_hours = models.PositiveIntegerField(
        _("每人每周最多（小时）"),
        null=True,
        blank=True,
        help_text=_("留空表示不限。"),
        validators=[MinValueValidator(1), MaxValueValidator(168)],
    )
    internal_reserved_percent = models.PositiveSmallIntegerField(
        _("保留给本单位教学科研的机时比例（%）"), default=0, validators=[MaxValueValidator(100)]
    )
    requires_approval = models.BooleanField(_("预约需审核"), default=True)
    closed_on_holidays = models.BooleanField(_("法定节假日不开放"), default=True)
    requires_qualification = models.BooleanField(_("自主上机须具备上机资格"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("预约设置")
        verbose_name_plural = _("预约设置")
        constraints = [
            models.CheckConstraint(
                name="booking_length_range_valid",
                condition=Q(max_booking_minutes__gte=F("min_booking_minutes")),
                violation_error_message=_("最长预约时长不能小于最短预约时长。"),
            ),
            models.CheckConstraint(
                name="internal_reserved_percent_range", condition=Q(internal_reserved_percent__lte=100)
            ),
        ]

    def __str__(self):
        return f"{self.instrument} · {self._meta.verbose_name}"


class OpenHours(models.Model):
    """One open period on a weekday, in minutes after local midnight (0–1440; 1440 = end of day)."""

    instrument = models.ForeignKey("registry.Instrument", on_delete=models.CASCADE, related_name="open_hours")
    weekday = models.PositiveSmallIntegerField(
        _("星期"),
        choices=[
            (0, _("星期一")),
            (1, _("星期二")),
            (2, _("星期三")),
            (3, _("星期四")),
            (4, _("星期五")),
            (5, _("星期六")),
            (6, _("星期日")),
        ],
    )
    start_minute = models.PositiveSmallIntegerField(_("开始"), validators=[MaxValueValidator(1439)])
    end_minute = models.PositiveSmallIntegerField(_("结束"), validators=[MaxValueValidator(1440)])

    class Meta:
        verbose_name = _("开放时间")
        verbose_name_plural = _("开放时间")
        ordering = ["instrument", "weekday", "start_minute"]
        constraints = [
            models.CheckConstraint(
                name="open_hours_period_valid",
                condition=Q(start_minute__gte=0, end_minute__lte=1440, end_minute__gt=F("start_minute"))
                & Q(weekday__lte=6),
                violation_error_message=_("结束时间必须晚于开始时间。"),
            ),
            models.UniqueConstraint(
                fields=["instrument", "weekday", "start_minute"], name="open_hours_unique_start"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start_minute // 60:02d}:{self.start_minute % 60:02d}–{self.end_minute // 60:02d}:{self.end_minute % 60:02d}"


class CurrentBlackoutManager(models.Manager):
    """Blackouts in force: a removed one (``removed_at`` set) is kept for the record but closes no time."""

    def get_queryset(self):
        return super().get_queryset().filter(removed_at__isnull=True)


class Blackout(models.Model):
    """Time the instrument cannot be booked: maintenance, calibration, the unit's own reserved use.

    Removing one is a soft delete (who and when); ``objects`` (also ``instrument.blackouts``) sees only those in
    force, ``all_objects`` every row."""

    class Kind(models.TextChoices):
        MAINTENANCE = "maintenance", _("维护保养")
        BLACKOUT = "blackout", _("暂停开放")
        INTERNAL = "internal", _("本单位保留")

    instrument = models.ForeignKey("registry.Instrument", on_delete=models.CASCADE, related_name="blackouts")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.MAINTENANCE)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    reason = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(_("删除时间"), null=True, blank=True, editable=False)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("删除人"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CurrentBlackoutManager()
    all_objects = models.Manager()  # noqa: DJ012 (the default manager must come first)

    class Meta:
        verbose_name = _("停机/保留时段")
        verbose_name_plural = _("停机/保留时段")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["instrument", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                name="blackout_ends_after_start",
                condition=Q(ends_at__gt=F("starts_at")),
                violation_error_message=_("结束时间必须晚于开始时间。"),
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"


class Qualification(models.Model):
    """A user's right to operate an instrument themself, after training; granted by the manager."""

    instrument = models.ForeignKey(
        "registry.Instrument", on_delete=models.CASCADE, related_name="qualifications"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="instrument_qualifications"
    )
    trained_on = models.DateField(_("培训日期"), validators=[validate_past_date])  # 1950 … today
    expires_on = models.DateField(_("有效期至"), validators=[validate_near_date])  # 1950 … today + 10 years
    training_record = models.CharField(_("培训记录"), max_length=300, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤销人"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("上机资格")
        verbose_name_plural = _("上机资格")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "user"], name="qualification_unique_per_user"),
            models.CheckConstraint(
                name="qualification_expires_after_training",
                condition=Q(expires_on__gte=F("trained_on")),
                violation_error_message=_("有效期不能早于培训日期。"),
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.instrument}"


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("待审核")
    CONFIRMED = "confirmed", _("已确认")
    CHECKED_IN = "checked_in", _("使用中")
    COMPLETED = "completed", _("已完成")
    CANCELLED = "cancelled", _("已取消")
    REJECTED = "rejected", _("未通过")
    NO_SHOW = "no_show", _("爽约")


# Bookings still ahead of their user (or under way).
ACTIVE_STATES = (BookingStatus.REQUESTED, BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN)

# States that hold the time slot: these never overlap for one instrument.
SLOT_HOLDING_STATES = (
    BookingStatus.REQUESTED,
    BookingStatus.CONFIRMED,
    BookingStatus.CHECKED_IN,
    BookingStatus.COMPLETED,
)


class Booking(models.Model):
    """A reservation of instrument time for self-operation."""

    record = models.OneToOneField(
        "servicerecords.ServiceRecord", on_delete=models.PROTECT, related_name="booking", editable=False
    )
    instrument = models.ForeignKey("registry.Instrument", on_delete=models.PROTECT, related_name="bookings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings")
    user_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("用户单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_internal = models.BooleanField(_("校内/单位内"), default=False, editable=False)
    status = models.CharField(
        _("状态"), max_length=20, choices=BookingStatus.choices, default=BookingStatus.REQUESTED
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    purpose = models.CharField(_("用途/实验内容"), max_length=300)
    sample_count = models.PositiveIntegerField(_("样品数"), default=0)
    series = models.UUIDField(_("周期预约"), null=True, blank=True, db_index=True, editable=False)
    actual_start = models.DateTimeField(_("实际开始"), null=True, blank=True)
    actual_end = models.DateTimeField(_("实际结束"), null=True, blank=True)
    # Nobody checked out: the usage was ended by the system at the booked end (the unit checks these).
    ended_automatically = models.BooleanField(_("系统自动结束"), default=False, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("预约")
        verbose_name_plural = _("预约")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["instrument", "starts_at"]),
            models.Index(fields=["user", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="booking_ends_after_start",
                condition=Q(ends_at__gt=F("starts_at")),
                violation_error_message=_("结束时间必须晚于开始时间。"),
            ),
            models.CheckConstraint(
                name="booking_actual_end_after_start",
                condition=Q(actual_end__isnull=True)
                | Q(actual_start__isnull=False, actual_end__gt=F("actual_start")),
                violation_error_message=_("实际结束时间必须晚于实际开始时间。"),
            ),
        ]

    def __str__(self):
        return f"{self.instrument} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def holds_slot(self) -> bool:
        return self.status in SLOT_HOLDING_STATES


class WaitlistEntry(models.Model):
    """A user waiting for a time window that is taken; offered the slot when it frees up."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("等候中")
        OFFERED = "offered", _("已通知")
        ACCEPTED = "accepted", _("已预约")
        EXPIRED = "expired", _("已过期")
        CANCELLED = "cancelled", _("已取消")

    instrument = models.ForeignKey("registry.Instrument", on_delete=models.CASCADE, related_name="waitlist")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    purpose = models.CharField(_("用途/实验内容"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.WAITING)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("候补")
        verbose_name_plural = _("候补")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["instrument", "status", "starts_at"])]
        constraints = [
            models.CheckConstraint(name="waitlist_ends_after_start", condition=Q(ends_at__gt=F("starts_at")))
        ]

    def __str__(self):
        return f"{self.instrument} {self.starts_at:%Y-%m-%d %H:%M} · {self.user}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A secret address from which a user's calendar app reads their bookings (iCalendar)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("日历订阅")
        verbose_name_plural = _("日历订阅")

    def __str__(self):
        return str(self.user)


class CreditEvent(models.Model):
    """A mark on a user's booking credit: a no-show, or a cancellation by the user shortly before the start.

    Counted per user (and per organisation) over the deployment's window; the marks that make a user cross the
    threshold are tied to the suspension they caused, so each mark suspends at most once."""

    class Kind(models.TextChoices):
        NO_SHOW = "no_show", _("爽约")
        LATE_CANCELLATION = "late_cancellation", _("临时取消")

    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="credit_event")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credit_events")
    user_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("用户单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The instrument's unit: its staff hear the user's appeal.
    unit = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(_("发生时间"))
    suspension = models.ForeignKey(
        "BookingSuspension", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )

    class Meta:
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["user", "occurred_at"]),
            models.Index(fields=["occurred_at"]),
            models.Index(fields=["unit", "occurred_at"]),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"


class SuspensionStatus(models.TextChoices):
    ACTIVE = "active", _("暂停中")
    APPEALED = "appealed", _("申诉中")
    UPHELD = "upheld", _("申诉未获支持")
    LIFTED = "lifted", _("已解除")
    EXPIRED = "expired", _("已到期")


# A suspension in these states stops the user's bookings until its end.
SUSPENDING_STATES = (SuspensionStatus.ACTIVE, SuspensionStatus.APPEALED, SuspensionStatus.UPHELD)


class BookingSuspension(models.Model):
    """A user may not book until ``ends_at`` after too many no-shows and late cancellations. The user may appeal
    to the units where the marks were made; the platform authority may lift it at any time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="booking_suspensions"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=SuspensionStatus.choices, default=SuspensionStatus.ACTIVE
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    reason = models.CharField(_("原因"), max_length=300)
    appeal = models.TextField(_("申诉理由"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("预约资格暂停")
        verbose_name_plural = _("预约资格暂停")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="suspension_ends_after_start",
                condition=Q(ends_at__gt=F("starts_at")),
                violation_error_message=_("结束时间必须晚于开始时间。"),
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status__in=["active", "appealed", "upheld"]),
                name="one_open_suspension_per_user",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.starts_at:%Y-%m-%d}–{self.ends_at:%Y-%m-%d}"
