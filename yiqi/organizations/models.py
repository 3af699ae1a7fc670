"""Regions, supervising departments, organisations (management units and user organisations) and sub-units."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yiqi.core import codes
from yiqi.core.memo import remembered
from yiqi.core.validators import validate_plain_text

from .validators import normalize_credit_code, validate_credit_code, validate_region_code


class Region(models.Model):
    """An administrative division (GB/T 2260). The level follows from the code."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("省级")
        CITY = 2, _("市级")
        COUNTY = 3, _("县级")

    code = models.CharField(
        _("行政区划代码"), max_length=6, primary_key=True, validators=[validate_region_code]
    )
    name = models.CharField(_("名称"), max_length=50)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def level(self) -> "Region.Level":
        return Region.Level(codes.level_of(self.code))

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"

    def clean(self):
        if self.level == self.Level.PROVINCE:
            if self.parent_id:
                raise ValidationError({"parent": _("省级区划没有上级区划。")})
        elif not self.parent_id:
            raise ValidationError({"parent": _("市、县级区划必须有上级区划。")})
        elif self.parent_id not in self.expected_parent_codes():
            raise ValidationError({"parent": _("上级区划与代码不一致。")})

    def expected_parent_codes(self) -> set[str]:
        province, city = self.code[:2] + "0000", self.code[:4] + "00"
        if self.level == self.Level.CITY:
            return {province}
        # Counties sit under their city; those administered directly by the province have no city row.
        return {city} if Region.objects.filter(code=city).exists() else {province}

    def descendant_codes_q(self, field: str = "region") -> Q:
        """Q matching objects whose region is this region or lies inside it."""
        return codes.within_q(self.code, f"{field}_id")


class Deployment(models.Model):
    """The one row of settings that makes this installation a province's (or a city's) platform."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    name = models.CharField(_("平台名称"), max_length=100, default="科研设施与仪器开放共享平台")
    authority_name = models.CharField(_("平台主管机关"), max_length=100, default="省科学技术厅")
    home_region = models.ForeignKey(
        Region, verbose_name=_("所辖区划"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    value_threshold = models.DecimalField(
        _("强制入网原值门槛（元）"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("500000.00"),
        validators=[MinValueValidator(Decimal("1"))],
        help_text=_("原值达到此金额的仪器必须入网，常见取值 500000、300000、200000。"),
    )
    registration_working_days = models.PositiveSmallIntegerField(
        _("入网期限（工作日）"), default=30, validators=[MinValueValidator(1)]
    )
    reminder_working_days = models.JSONField(
        _("提醒时点（截止前工作日）"),
        default=list,
        blank=True,
        help_text=_("例如 [10, 5, 1]；逾期当天总会提醒。"),
    )
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    complaint_working_days = models.PositiveSmallIntegerField(
        _("投诉办理期限（工作日）"), default=10, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    complaint_confirmation_working_days = models.PositiveSmallIntegerField(
        _("办结后待确认期限（工作日）"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("投诉人在此期限内未确认也未要求重新办理的，投诉自动关闭。"),
    )
    waitlist_offer_hours = models.PositiveSmallIntegerField(
        _("候补名额保留时长（小时）"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(72)],
        help_text=_("空出的时段通知候补用户后，为其保留的时长；到期转给下一位。"),
    )
    booking_reminder_hours = models.PositiveSmallIntegerField(
        _("预约提醒提前（小时）"), default=24, validators=[MinValueValidator(1), MaxValueValidator(168)]
    )
    # Booking policy across instruments: overlapping bookings, no-shows and the user credit that follows.
    refuse_overlapping_bookings = models.BooleanField(
        _("禁止同一用户同时段预约多台仪器"),
        default=True,
        help_text=_("开启时，用户已有待审核、已确认或使用中的预约时，不能再预约与之重叠的时段（任一仪器）。"),
    )
    no_show_grace_minutes = models.PositiveSmallIntegerField(
        _("签到宽限（分钟）"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
        help_text=_("预约开始后超过此时长仍未签到的，自动记为爽约。"),
    )
    late_cancellation_hours = models.PositiveSmallIntegerField(
        _("临时取消界限（小时）"),
        default=24,
        validators=[MaxValueValidator(168)],
        help_text=_("用户在开始前不足此时长时自行取消的，记为临时取消；0 表示不记。"),
    )
    credit_window_days = models.PositiveSmallIntegerField(
        _("信用统计周期（天）"), default=90, validators=[MinValueValidator(7), MaxValueValidator(366)]
    )
    credit_threshold = models.PositiveSmallIntegerField(
        _("暂停预约门槛（次）"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("统计周期内爽约与临时取消合计达到此次数的，暂停其预约资格。"),
    )
    suspension_days = models.PositiveSmallIntegerField(
        _("暂停预约时长（天）"), default=30, validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    checkout_grace_minutes = models.PositiveSmallIntegerField(
        _("自动结束上机宽限（分钟）"),
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)],
        help_text=_("预约结束后超过此时长仍未签退的，系统按预约结束时间自动结束上机。"),
    )

    class Meta:
        verbose_name = _("平台设置")
        verbose_name_plural = _("平台设置")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="deployment_singleton"),
            models.CheckConstraint(condition=Q(value_threshold__gt=0), name="deployment_threshold_positive"),
        ]

    def __str__(self):
        return self.name

    DEFAULT_REMINDERS = (10, 5, 1)

    @classmethod
    def current(cls) -> "Deployment":
        """The deployment's settings; an unsaved default when the platform has not been set up yet. Read once per
        page view."""
        return remembered(
            "deployment",
            lambda: cls.objects.select_related("home_region").filter(pk=1).first() or cls.unset(),
        )

    @classmethod
    def unset(cls) -> "Deployment":
        """The defaults a platform not yet set up works with (never saved from here)."""
        return cls(reminder_working_days=list(cls.DEFAULT_REMINDERS))

    @property
    def reminder_offsets(self) -> list[int]:
        return sorted(
            {int(d) for d in (self.reminder_working_days or self.DEFAULT_REMINDERS) if int(d) > 0},
            reverse=True,
        )


class Department(models.Model):
    """A supervising department (行政主管部门), e.g. the provincial education department."""

    name = models.CharField(_("名称"), max_length=100, unique=True, validators=[validate_plain_text])
    region = models.ForeignKey(
        Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="departments"
    )

    class Meta:
        verbose_name = _("主管部门")
        verbose_name_plural = _("主管部门")
        ordering = ["region_id", "name"]

    def __str__(self):
        return self.name


class OrganizationQuerySet(models.QuerySet):
    def management_units(self):
        return self.filter(is_management_unit=True)


class Organization(models.Model):
    """A legal entity: a management unit that owns instruments, or an organisation whose people use them."""

    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("高等院校")
        RESEARCH_INSTITUTE = "research_institute", _("科研院所")
        ENTERPRISE = "enterprise", _("企业")
        HOSPITAL = "hospital", _("医疗卫生机构")
        OTHER = "other", _("其他")

    name = models.CharField(_("名称"), max_length=100, unique=True, validators=[validate_plain_text])
    short_name = models.CharField(_("简称"), max_length=50, blank=True, validators=[validate_plain_text])
    kind = models.CharField(_("单位类型"), max_length=20, choices=Kind.choices)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("地址"), max_length=200, blank=True, validators=[validate_plain_text])
    postcode = models.CharField(_("邮编"), max_length=6, blank=True)
    website = models.URLField(_("网站"), blank=True)
    is_management_unit = models.BooleanField(_("管理单位"), default=False)
    supervising_department = models.ForeignKey(
        Department,
        verbose_name=_("主管部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="organization_credit_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(is_management_unit=False) | Q(supervising_department__isnull=False),
                name="management_unit_has_department",
            ),
        ]
        indexes = [models.Index(fields=["is_management_unit", "kind"])]

    def __str__(self):
        return self.name

    def clean(self):
        self.credit_code = normalize_credit_code(self.credit_code)
        if self.is_management_unit and not self.supervising_department_id:
            raise ValidationError({"supervising_department": _("管理单位必须指定主管部门。")})
        if self.kind == self.Kind.ENTERPRISE and not self.credit_code:
            raise ValidationError({"credit_code": _("企业须填写统一社会信用代码。")})


class SubUnit(models.Model):
    """A unit's internal body that holds instruments: a key laboratory, a testing centre, a field station, ..."""

    class Kind(models.TextChoices):
        KEY_LABORATORY = "key_laboratory", _("重点实验室")
        ENGINEERING_CENTER = "engineering_center", _("工程技术研究中心")
        TESTING_CENTER = "testing_center", _("分析测试中心")
        FIELD_STATION = "field_station", _("野外科学观测研究站")
        SCHOOL = "school", _("院系")
        OTHER = "other", _("其他")

    unit = models.ForeignKey(
        Organization,
        verbose_name=_("管理单位"),
        on_delete=models.CASCADE,
        related_name="sub_units",
        limit_choices_to={"is_management_unit": True},
    )
    name = models.CharField(_("名称"), max_length=100, validators=[validate_plain_text])
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)

    class Meta:
        verbose_name = _("内设机构")
        verbose_name_plural = _("内设机构")
        ordering = ["unit_id", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="sub_unit_name_unique_in_unit")]

    def __str__(self):
        return self.name
