"""Reporting to the national platform: each unit's national code, the outbox of national records with their
per-record state, the reporting jobs that send them, and the switch of the built-in fake national endpoint."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

INS_CODE = RegexValidator(
    r"\A([0-9a-f]{32}|[a-z]+ins[0-9]+)\Z",
    _("单位代码须为国家平台颁发的 32 位十六进制代码，或省级平台代码（如 gdins00031）。"),
)


class UnitCode(models.Model):
    """The code the national (or provincial) platform issued to a unit: ``insCode`` on every record."""

    unit = models.OneToOneField(
        "organizations.Organization",
        verbose_name=_("管理单位"),
        on_delete=models.CASCADE,
        related_name="national_code",
        limit_choices_to={"is_management_unit": True},
    )
    code = models.CharField(_("国家平台单位代码"), max_length=40, unique=True, validators=[INS_CODE])

    class Meta:
        verbose_name = _("国家平台单位代码")
        verbose_name_plural = _("国家平台单位代码")

    def __str__(self):
        return f"{self.unit} {self.code}"


class RecordType(models.IntegerChoices):
    CENTRE = 1, _("仪器中心")
    FACILITY = 2, _("大型科研设施")
    INSTRUMENT = 4, _("单台套仪器")
    CUSTOMS = 5, _("海关监管")
    SERVICE = 6, _("服务记录")
    YEARLY = 7, _("年度共享与成效")


class ReportingJob(models.Model):
    """One run of sending: a unit's confirmed records, or the whole province's (``unit`` empty)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        SENDING = "sending", _("发送中")
        WAITING = "waiting", _("等待重试")
        DONE = "done", _("已完成")
        FAILED = "failed", _("发送失败")

    unit = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("管理单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    endpoint = models.CharField(_("接收端"), max_length=300)
    total = models.PositiveIntegerField(_("记录数"), default=0)
    accepted = models.PositiveIntegerField(_("已接收"), default=0)
    returned = models.PositiveIntegerField(_("被退回"), default=0)
    attempts = models.PositiveSmallIntegerField(_("传输重试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次重试"), null=True, blank=True)
    last_error = models.CharField(_("传输错误"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("上报批次")
        verbose_name_plural = _("上报批次")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="reporting_job_counts_within_total",
                condition=Q(accepted__lte=models.F("total")) & Q(returned__lte=models.F("total")),
            )
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} #{self.pk}"


class MigrationJob(models.Model):
    """Another platform's data moving in (``services.migration``): checked in full when uploaded, written by a
    background task that checks it again first. Queued → running → done, or failed with the reason."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("写入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    name = models.CharField(_("文件"), max_length=200)
    unit_code = models.CharField(_("工作簿所属单位代码"), max_length=40, blank=True)
    path = models.CharField(max_length=300)  # the file in private storage until the job ends
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    summary = models.JSONField(_("结果"), default=dict, blank=True)  # ``migration.Plan.summary()``
    reason = models.CharField(_("失败原因"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("数据迁入")
        verbose_name_plural = _("数据迁入")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.name

    @property
    def created(self) -> int:
        return sum(unit["created"] for unit in self.summary.get("units", ()))

    @property
    def updated(self) -> int:
        return sum(unit["updated"] for unit in self.summary.get("units", ()))


class NationalRecord(models.Model):
    """One national record of one Yiqi object, as last built, and where it stands with the receiving platform."""

    class Status(models.TextChoices):
        NOT_SUBMITTED = "not_submitted", _("未上报")
        SENT = "sent", _("已发送")
        ACCEPTED = "accepted", _("已接收")
        RETURNED = "returned", _("被退回")

    record_type = models.PositiveSmallIntegerField(_("记录类型"), choices=RecordType.choices)
    unit = models.ForeignKey(
        "organizations.Organization", verbose_name=_("管理单位"), on_delete=models.CASCADE, related_name="+"
    )
    # The instrument or service record id (the year for the yearly block): stable across rebuilds.
    object_key = models.CharField(max_length=20)
    depends_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="dependants"
    )
    title = models.CharField(_("名称"), max_length=200)
    payload = models.JSONField(_("上报内容"))
    digest = models.CharField(max_length=64)
    problems = models.JSONField(_("待改正的问题"), default=list, blank=True)
    status = models.CharField(
        _("上报状态"), max_length=20, choices=Status.choices, default=Status.NOT_SUBMITTED
    )
    confirmed_at = models.DateTimeField(_("单位确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    job = models.ForeignKey(
        ReportingJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="records"
    )
    sent_digest = models.CharField(max_length=64, blank=True)  # what the platform last received
    return_code = models.CharField(_("返回码"), max_length=10, blank=True)
    return_reason = models.CharField(_("退回原因"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("国家平台记录")
        verbose_name_plural = _("国家平台记录")
        ordering = ["record_type", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "unit", "object_key"], name="national_record_one_per_object"
            ),
            models.CheckConstraint(
                name="national_record_returned_has_code",
                condition=~Q(status="returned") | ~Q(return_code=""),
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["job", "record_type", "id"]),
        ]

    def __str__(self):
        return f"{self.get_record_type_display()} {self.title}"


class FakeEndpointMode(models.Model):
    """The switch of the built-in fake national endpoint (one row, edited in the admin): normal, slow, down, or
    answering every record with one return code."""

    class Mode(models.TextChoices):
        NORMAL = "normal", _("正常")
        SLOW = "slow", _("缓慢")
        DOWN = "down", _("不可用")
        CODE_200 = "200", _("返回 200 单位代码错误")
        CODE_201 = "201", _("返回 201 JSON 格式错误")
        CODE_202 = "202", _("返回 202 数据校验错误")
        CODE_203 = "203", _("返回 203 其他错误")
        CODE_301 = "301", _("返回 301 数据库错误")

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    mode = models.CharField(_("模式"), max_length=10, choices=Mode.choices, default=Mode.NORMAL)
    delay_seconds = models.DecimalField(_("缓慢模式延迟（秒）"), max_digits=5, decimal_places=2, default=2)

    class Meta:
        verbose_name = _("模拟国家平台")
        verbose_name_plural = _("模拟国家平台")

    def __str__(self):
        return self.get_mode_display()

    @classmethod
    def current(cls) -> "FakeEndpointMode":
        return cls.objects.filter(pk=1).first() or cls()


class ReceivedRecord(models.Model):
    """A record another platform sent here, keyed as the national platform keys it: what the fake national endpoint
    accepted, or, on a province's platform, what its cities and counties reported upward.

    Ownership: the level that reported a record owns it (``owner`` sender) unless the receiving level took it over
    (``owner`` receiver). An edit by the level that does not own the record never overwrites it: the receiver's edit
    of a sender's record waits in ``correction`` and goes back as a return when the sender next sends the record; a
    sender's edit of a record the receiver owns is returned at once."""

    class Owner(models.TextChoices):
        SENDER = "sender", _("上报方（下级平台）")
        RECEIVER = "receiver", _("本平台")

    ins_code = models.CharField(max_length=40)
    record_type = models.PositiveSmallIntegerField()
    inner_id = models.CharField(max_length=60)
    payload = models.JSONField()
    owner = models.CharField(_("归属"), max_length=10, choices=Owner.choices, default=Owner.SENDER)
    correction = models.CharField(_("待下级改正的问题"), max_length=480, blank=True)
    received_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("收到的下级记录")
        verbose_name_plural = _("收到的下级记录")
        constraints = [
            models.UniqueConstraint(
                fields=["ins_code", "record_type", "inner_id"], name="fake_received_one_per_key"
            )
        ]

    def __str__(self):
        return f"{self.ins_code} {self.record_type} {self.inner_id}"


# --- units' own systems ---------------------------------------------------------------------------------------------


class UnitKey(models.Model):
    """An API key a unit gives its own system (LIMS, booking system): shown once, stored as a SHA-256 digest,
    scoped, expiring and revocable. ``Authorization: Unit-Key <prefix>.<secret>``."""

    class Scope(models.TextChoices):
        READ = "read", _("读取")
        WRITE_INSTRUMENTS = "write_instruments", _("写入仪器")
        WRITE_SERVICES = "write_services", _("写入服务与使用记录")

    unit = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("管理单位"),
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"is_management_unit": True},
    )
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(max_length=12, unique=True)  # finds the row; the secret is compared by digest
    secret_digest = models.CharField(max_length=64)
    scopes = models.JSONField(_("权限范围"), default=list)
    expires_at = models.DateTimeField(_("到期时间"))
    revoked_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近推送"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("单位系统密钥")
        verbose_name_plural = _("单位系统密钥")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.unit} {self.name} ({self.prefix})"


class ExternalId(models.Model):
    """A unit system's own id of a record it pushed, and what it last sent, so a replay changes nothing."""

    class Kind(models.TextChoices):
        USAGE = "usage", _("使用记录")
        SERVICE = "service", _("服务记录")
        # A person the unit's system names by its own reference: an account that cannot log in.
        USER = "user", _("单位系统用户")

    unit = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    external_id = models.CharField(max_length=64)
    object_id = models.PositiveBigIntegerField()
    digest = models.CharField(max_length=64)  # of the payload as last applied
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "external_id"], name="external_id_one_per_unit"),
            models.UniqueConstraint(fields=["kind", "object_id"], name="external_id_one_per_object"),
        ]

    def __str__(self):
        return f"{self.kind} {self.external_id} → {self.object_id}"


class WebhookEvent(models.TextChoices):
    SERVICE_COMPLETED = "service.completed", _("服务已完成")
    SERVICE_CLOSED = "service.closed", _("服务已取消或未履行")
    NATIONAL_RECORD_ACCEPTED = "national_record.accepted", _("国家平台已接收记录")
    NATIONAL_RECORD_RETURNED = "national_record.returned", _("国家平台退回记录")


class Webhook(models.Model):
    """Where a unit's system wants to hear about the events it subscribed to. The signing secret is shown once;
    it is kept (the platform must sign with it), never shown again."""

    unit = models.ForeignKey(
        "organizations.Organization", verbose_name=_("管理单位"), on_delete=models.CASCADE, related_name="+"
    )
    url = models.URLField(_("接收地址"), max_length=300)
    events = models.JSONField(_("订阅事件"), default=list)
    secret = models.CharField(max_length=64)
    is_active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("事件推送地址")
        verbose_name_plural = _("事件推送地址")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.url


class WebhookDelivery(models.Model):
    """One event to one webhook: the delivery log, with every attempt's outcome."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        DELIVERED = "delivered", _("已送达")
        FAILED = "failed", _("发送失败")

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("事件"), max_length=40, choices=WebhookEvent.choices)
    event_id = models.UUIDField(unique=True)
    payload = models.JSONField()
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次重试"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("对方应答码"), null=True, blank=True)
    last_error = models.CharField(_("错误"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("事件推送记录")
        verbose_name_plural = _("事件推送记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.event} → {self.webhook}"
