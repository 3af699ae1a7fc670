"""The yearly census (年度全省仪器设备普查): a census year, each unit's return with one line per instrument, and
the frozen snapshot the evaluation and the national yearly record read once the census is closed.

A return keeps what the platform pre-filled beside what the unit reported, so every correction stays visible; the
database refuses reported figures that differ from the pre-filled ones without an explanation.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from yiqi.core.validators import validate_plain_text
from yiqi.registry.models import MAX_ORIGINAL_VALUE, Instrument
from yiqi.resources.models import AccessLevel, ResourceKind

HOURS = {"max_digits": 10, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}
MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


class CensusStatus(models.TextChoices):
    OPEN = "open", _("填报中")
    CLOSED = "closed", _("已关闭")
    PUBLISHED = "published", _("结果已公布")


FROZEN_STATES = (CensusStatus.CLOSED, CensusStatus.PUBLISHED)  # the snapshot exists and nothing changes


class Census(models.Model):
    year = models.PositiveSmallIntegerField(_("普查年度"), unique=True)
    deadline = models.DateField(_("填报截止日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=CensusStatus.choices, default=CensusStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    opened_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("年度普查")
        verbose_name_plural = _("年度普查")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                name="census_closed_has_time",
                condition=~Q(status__in=["closed", "published"]) | Q(closed_at__isnull=False),
            ),
            models.CheckConstraint(
                name="census_published_has_time",
                condition=~Q(status="published") | Q(published_at__isnull=False),
            ),
        ]

    def __str__(self):
        return str(_("%(year)s 年度普查") % {"year": self.year})

    @property
    def is_open(self) -> bool:
        return self.status == CensusStatus.OPEN

    @property
    def is_frozen(self) -> bool:
        return self.status in FROZEN_STATES


class ReturnStatus(models.TextChoices):
    DRAFT = "draft", _("待填报")
    SUBMITTED = "submitted", _("待主管部门审核")
    AWAITING_AUTHORITY = "awaiting_authority", _("待平台审核")
    RETURNED = "returned", _("已退回修改")
    ACCEPTED = "accepted", _("已通过")


EDITABLE_RETURN_STATES = (ReturnStatus.DRAFT, ReturnStatus.RETURNED)
FIGURES = ("operating_hours", "machine_hours", "external_hours", "services", "income")


class CensusReturn(models.Model):
    """One unit's return: its instruments' lines and the year's service figures, pre-filled and reported."""

    census = models.ForeignKey(Census, on_delete=models.CASCADE, related_name="returns")
    unit = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("状态"), max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT
    )
    pre_operating_hours = models.DecimalField(_("运行机时（平台）"), editable=False, **HOURS)
    pre_machine_hours = models.DecimalField(_("有效机时（平台）"), editable=False, **HOURS)
    pre_external_hours = models.DecimalField(_("对外服务机时（平台）"), editable=False, **HOURS)
    pre_services = models.PositiveIntegerField(_("服务次数（平台）"), editable=False)
    pre_income = models.DecimalField(_("服务收入（平台）"), editable=False, **MONEY)
    operating_hours = models.DecimalField(_("运行机时"), **HOURS)
    machine_hours = models.DecimalField(_("有效机时"), **HOURS)
    external_hours = models.DecimalField(_("对外服务机时"), **HOURS)
    services = models.PositiveIntegerField(_("服务次数"))
    income = models.DecimalField(_("服务收入（元）"), **MONEY)
    difference_note = models.TextField(
        _("差异说明"), max_length=1000, blank=True, help_text=_("填报数与平台统计不一致时必须说明原因。")
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("普查填报")
        verbose_name_plural = _("普查填报")
        ordering = ["census", "unit__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["census", "unit"], name="census_return_one_per_unit"),
            models.CheckConstraint(
                name="census_return_external_within_machine",
                condition=Q(external_hours__lte=F("machine_hours")),
            ),
            models.CheckConstraint(
                name="census_return_difference_explained",
                condition=~Q(difference_note="")
                | Q(
                    operating_hours=F("pre_operating_hours"),
                    machine_hours=F("pre_machine_hours"),
                    external_hours=F("pre_external_hours"),
                    services=F("pre_services"),
                    income=F("pre_income"),
                ),
            ),
        ]

    def __str__(self):
        return f"{self.census.year} · {self.unit}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_RETURN_STATES and self.census.is_open

    def differences(self) -> list[str]:
        """The figures the unit reported differently from the platform's."""
        return [name for name in FIGURES if getattr(self, name) != getattr(self, f"pre_{name}")]


# The instrument fields a unit confirms or corrects in its return.
LINE_FIELDS = ("name", "sharing_mode", "operating_status", "original_value", "location", "contact_name")


class LineScope(models.TextChoices):
    """Why an instrument is in the census (Guangxi §20–21: at or above the value line every instrument; below it,
    what the unit declares voluntarily or its supervising department selects)."""

    MANDATORY = "mandatory", _("达到原值门槛")
    VOLUNTARY = "voluntary", _("单位自愿申报")
    SELECTED = "selected", _("主管部门择优纳入")


class CensusLine(models.Model):
    """One instrument in a return: pre-filled from the registry (``prefilled`` keeps the platform's values), or
    added by the unit when the platform did not know it."""

    census_return = models.ForeignKey(CensusReturn, on_delete=models.CASCADE, related_name="lines")
    instrument = models.ForeignKey(
        "registry.Instrument", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("仪器名称"), max_length=100, validators=[validate_plain_text])
    sharing_mode = models.CharField(_("共享方式"), max_length=20, choices=Instrument.SharingMode.choices)
    operating_status = models.CharField(
        _("运行状态"), max_length=20, choices=Instrument.OperatingStatus.choices
    )
    original_value = models.DecimalField(
        _("原值（元）"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    location = models.CharField(_("放置地点"), max_length=150, blank=True, validators=[validate_plain_text])
    contact_name = models.CharField(_("联系人"), max_length=50, validators=[validate_plain_text])
    scope = models.CharField(
        _("纳入方式"), max_length=20, choices=LineScope.choices, default=LineScope.MANDATORY, editable=False
    )
    category = models.ForeignKey(
        "registry.InstrumentCategory",
        verbose_name=_("分类代码"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    added = models.BooleanField(_("单位补充"), default=False, editable=False)
    confirmed = models.BooleanField(_("已核实"), default=False)
    prefilled = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("普查仪器")
        verbose_name_plural = _("普查仪器")
        ordering = ["census_return", "added", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["census_return", "instrument"],
                condition=Q(instrument__isnull=False),
                name="census_line_one_per_instrument",
            ),
            models.CheckConstraint(
                name="census_line_value_in_range",
                condition=Q(original_value__gt=0, original_value__lte=MAX_ORIGINAL_VALUE),
            ),
        ]

    def __str__(self):
        return self.name

    def corrected(self) -> list[str]:
        """The fields the unit changed from the platform's values (none for an added line)."""
        return [
            name
            for name in LINE_FIELDS
            if name in self.prefilled and str(getattr(self, name)) != self.prefilled[name]
        ]


# The resource fields a unit confirms or corrects in its return.
RESOURCE_LINE_FIELDS = ("name", "status", "access_level", "location", "contact_name", "scale", "services")


class ResourceLineStatus(models.TextChoices):
    AVAILABLE = "available", _("正常提供")
    SUSPENDED = "suspended", _("暂停提供")
    DISCONTINUED = "discontinued", _("已停止提供")


class CensusResourceLine(models.Model):
    """One of the unit's other S&T resources (科学数据、科技文献、科技报告、自然科技资源) in a return: pre-filled from
    the resources the unit registered (``prefilled`` keeps the platform's values), or added by the unit."""

    census_return = models.ForeignKey(CensusReturn, on_delete=models.CASCADE, related_name="resource_lines")
    resource = models.ForeignKey(
        "resources.Resource", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("资源类别"), max_length=20, choices=ResourceKind.choices)
    name = models.CharField(_("名称"), max_length=200, validators=[validate_plain_text])
    status = models.CharField(
        _("提供状态"), max_length=20, choices=ResourceLineStatus.choices, default=ResourceLineStatus.AVAILABLE
    )
    access_level = models.CharField(_("开放方式"), max_length=20, choices=AccessLevel.choices)
    location = models.CharField(
        _("保存地点/访问地址"), max_length=200, blank=True, validators=[validate_plain_text]
    )
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True, validators=[validate_plain_text])
    scale = models.CharField(
        _("规模"),
        max_length=50,
        blank=True,
        validators=[validate_plain_text],
        help_text=_("如 12 GB、1.2 万份。"),
    )
    services = models.PositiveIntegerField(_("年度服务次数"), default=0)
    added = models.BooleanField(_("单位补充"), default=False, editable=False)
    confirmed = models.BooleanField(_("已核实"), default=False)
    prefilled = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("普查科技资源")
        verbose_name_plural = _("普查科技资源")
        ordering = ["census_return", "added", "kind", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["census_return", "resource"],
                condition=Q(resource__isnull=False),
                name="census_resource_line_one_per_resource",
            ),
            models.CheckConstraint(
                name="census_resource_line_kind_in_list", condition=Q(kind__in=ResourceKind.values)
            ),
            models.CheckConstraint(
                name="census_resource_line_access_in_list", condition=Q(access_level__in=AccessLevel.values)
            ),
        ]

    def __str__(self):
        return self.name

    def corrected(self) -> list[str]:
        return [
            name
            for name in RESOURCE_LINE_FIELDS
            if name in self.prefilled and str(getattr(self, name)) != self.prefilled[name]
        ]


class CensusReminder(models.Model):
    """A reminder sent to a unit whose return is not in, ``days_before`` days before the deadline (once each)."""

    census_return = models.ForeignKey(CensusReturn, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["census_return", "days_before"], name="census_reminder_once"),
        ]

    def __str__(self):
        return f"{self.census_return} · {self.days_before}"


class CensusSnapshot(models.Model):
    """A unit's figures frozen when the census closed: what the evaluation and the national yearly record read."""

    census = models.ForeignKey(Census, on_delete=models.CASCADE, related_name="snapshots")
    unit = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    accepted = models.BooleanField(_("填报已通过"))
    instruments = models.PositiveIntegerField(_("仪器台套数"))
    shared_instruments = models.PositiveIntegerField(_("对社会开放台套数"))
    value = models.DecimalField(_("原值合计（元）"), max_digits=16, decimal_places=2)
    operating_hours = models.DecimalField(_("运行机时"), max_digits=10, decimal_places=2)
    machine_hours = models.DecimalField(_("有效机时"), max_digits=10, decimal_places=2)
    external_hours = models.DecimalField(_("对外服务机时"), max_digits=10, decimal_places=2)
    services = models.PositiveIntegerField(_("服务次数"))
    income = models.DecimalField(_("服务收入（元）"), max_digits=14, decimal_places=2)
    below_line_instruments = models.PositiveIntegerField(_("原值门槛以下纳入台套数"), default=0)
    datasets = models.PositiveIntegerField(_("科学数据"), default=0)
    literature = models.PositiveIntegerField(_("科技文献"), default=0)
    reports = models.PositiveIntegerField(_("科技报告"), default=0)
    natural_resources = models.PositiveIntegerField(_("自然科技资源"), default=0)
    open_resources = models.PositiveIntegerField(_("公开的科技资源"), default=0)

    class Meta:
        verbose_name = _("普查快照")
        verbose_name_plural = _("普查快照")
        ordering = ["census", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["census", "unit"], name="census_snapshot_one_per_unit"),
        ]

    def __str__(self):
        return f"{self.census_id} · {self.unit_id}"


class MarkKind(models.TextChoices):
    """Shaanxi §21–23: a service reward (服务奖励) for units that share well, a public notice (通报) for those that
    do not report or report figures the platform cannot bear out."""

    COMMENDATION = "commendation", _("通报表扬（服务奖励）")
    NOTICE = "notice", _("通报批评")


class CensusMark(models.Model):
    """The authority's commendation or notice of a unit, read from a closed census, with its reason; listed on the
    published results."""

    census = models.ForeignKey(Census, on_delete=models.CASCADE, related_name="marks")
    unit = models.ForeignKey(
        "organizations.Organization", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=MarkKind.choices)
    reason = models.TextField(_("理由"), max_length=1000, validators=[validate_plain_text])
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    marked_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("普查通报")
        verbose_name_plural = _("普查通报")
        ordering = ["census", "kind", "unit__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["census", "unit", "kind"], name="census_mark_once_per_kind"),
            models.CheckConstraint(name="census_mark_has_reason", condition=~Q(reason="")),
            models.CheckConstraint(name="census_mark_kind_in_list", condition=Q(kind__in=MarkKind.values)),
        ]

    def __str__(self):
        return f"{self.census_id} · {self.unit_id} · {self.kind}"
