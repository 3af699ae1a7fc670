"""The instrument registry: classification, instruments and facilities, their registration workflow."""

import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from yiqi.core import codes
from yiqi.core.storage import INLINE_CONTENT_TYPES, private_storage
from yiqi.core.uploads import CONTENT_TYPES, DOCUMENT, PHOTO, display_name, extension_of
from yiqi.core.validators import validate_past_date, validate_plain_text, validate_rich_text_length

MAX_ORIGINAL_VALUE = Decimal("50000000000.00")  # 500亿: above any real facility; catches unit/typo errors


DISCIPLINE_CODE = re.compile(r"\A\d{3}(\d{2}(\d{2})?)?\Z")  # GB/T 13745: 3, 5 or 7 digits
MAX_DISCIPLINES = 4


def discipline_codes(value: str) -> list[str]:
    return [code.strip() for code in (value or "").replace("，", ",").split(",") if code.strip()]


def validate_disciplines(value: str) -> None:
    codes_ = discipline_codes(value)
    if len(codes_) > MAX_DISCIPLINES:
        raise ValidationError(_("学科领域最多填写 %(n)s 个。") % {"n": MAX_DISCIPLINES})
    bad = [code for code in codes_ if not DISCIPLINE_CODE.match(code)]
    if bad:
        raise ValidationError(
            _("“%(code)s”不是 GB/T 13745 学科代码（3、5 或 7 位数字）。") % {"code": bad[0]}
        )


class InstrumentCategory(models.Model):
    """A node of the national 15-class classification tree (6-digit ``AABBCC`` codes)."""

    code = models.CharField(
        _("分类代码"), max_length=6, primary_key=True, validators=[RegexValidator(r"^\d{6}$")]
    )
    name = models.CharField(_("名称"), max_length=50)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级分类"),
    )

    class Meta:
        verbose_name = _("仪器分类")
        verbose_name_plural = _("仪器分类")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def level(self) -> int:
        return codes.level_of(self.code)

    @property
    def path_name(self) -> str:
        """``分析仪器 / 电子光学仪器 / 扫描电镜``"""
        names, node = [], self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return " / ".join(reversed(names))


DOMESTIC_COUNTRY = "CN"  # an instrument of this country of origin is a domestic (国产) instrument


class RegistrationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待单位确认")
    RETURNED = "returned", _("已退回")
    AWAITING_DEPARTMENT = "awaiting_department", _("待主管部门审批")
    AWAITING_AUTHORITY = "awaiting_authority", _("待平台审核")
    PUBLISHED = "published", _("已发布")
    DECLINED = "declined", _("未获批准")


# States in which the unit still owes the registration (the deadline runs).
PENDING_REGISTRATION = (RegistrationStatus.DRAFT, RegistrationStatus.SUBMITTED, RegistrationStatus.RETURNED)
EDITABLE_STATES = (
    RegistrationStatus.DRAFT,
    RegistrationStatus.RETURNED,
    RegistrationStatus.DECLINED,
    RegistrationStatus.PUBLISHED,
)


class Instrument(models.Model):
    """A facility or instrument with the fields the national platform collects (record types 1–4)."""

    class Kind(models.TextChoices):
        SINGLE_INSTRUMENT = "single_instrument", _("单台套仪器")
        LARGE_FACILITY = "large_facility", _("大型科研设施")
        INSTRUMENT_CENTER = "instrument_center", _("科学仪器中心")
        SERVICE_UNIT = "service_unit", _("科学仪器服务单元")

    class Source(models.TextChoices):
        PURCHASED = "purchased", _("购置")
        SELF_BUILT = "self_built", _("自研")
        DONATED = "donated", _("捐赠")
        OTHER = "other", _("其他")

    class SharingMode(models.TextChoices):
        EXTERNAL = "external", _("对社会开放")
        INTERNAL = "internal", _("仅内部使用")
        NOT_SHARED = "not_shared", _("不共享")

    class OperatingStatus(models.TextChoices):
        NORMAL = "normal", _("正常")
        UNDER_REPAIR = "under_repair", _("维修中")
        IDLE = "idle", _("闲置")
        TO_BE_SCRAPPED = "to_be_scrapped", _("待报废")
        SCRAPPED = "scrapped", _("已报废")

    class FundingSource(models.TextChoices):
        CENTRAL = "central", _("中央财政")
        LOCAL = "local", _("地方财政")
        OWN = "own", _("单位自有资金")
        OTHER = "other", _("其他")

    kind = models.CharField(
        _("资源类型"), max_length=20, choices=Kind.choices, default=Kind.SINGLE_INSTRUMENT
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("所属设施/中心/服务单元"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        limit_choices_to=~Q(kind="single_instrument"),
    )
    unit = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("管理单位"),
        on_delete=models.PROTECT,
        related_name="instruments",
        limit_choices_to={"is_management_unit": True},
    )
    sub_unit = models.ForeignKey(
        "organizations.SubUnit",
        verbose_name=_("所属内设机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="instruments",
    )
    asset_number = models.CharField(
        _("单位内部编号（资产编号）"), max_length=50, validators=[validate_plain_text]
    )
    name = models.CharField(_("中文名称"), max_length=100, validators=[validate_plain_text])
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True, validators=[validate_plain_text])
    category = models.ForeignKey(
        InstrumentCategory, verbose_name=_("分类代码"), on_delete=models.PROTECT, related_name="instruments"
    )
    original_value = models.DecimalField(
        _("原值（元）"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_ORIGINAL_VALUE)],
    )
    source = models.CharField(_("仪器来源"), max_length=20, choices=Source.choices, default=Source.PURCHASED)
    customs_supervised = models.BooleanField(_("海关监管"), default=False)
    # The import declaration of a customs-supervised instrument (national record type 5).
    customs_declaration_number = models.CharField(
        _("报关单号"), max_length=30, blank=True, validators=[validate_plain_text]
    )
    customs_import_date = models.DateField(_("进口日期"), null=True, blank=True)
    customs_item_number = models.CharField(_("报关单项号"), max_length=10, blank=True)
    customs_form_name = models.CharField(
        _("报关单商品名称"), max_length=100, blank=True, validators=[validate_plain_text]
    )
    funding_source = models.CharField(
        _("主要购置经费来源"), max_length=20, choices=FundingSource.choices, default=FundingSource.OTHER
    )
    manufacturer = models.CharField(_("生产制造商"), max_length=100, validators=[validate_plain_text])
    country_of_origin = CountryField(_("产地国别"), default="CN")
    # Made in China is read from the country of origin (``is_domestic``); these two say what kind of domestic
    # instrument it is, for the domestic showcase and purchase reviews (陕西：国产科学仪器研发及应用示范).
    domestic_original = models.BooleanField(
        _("国产原创"), default=False, help_text=_("我国自主设计研制的原创仪器（产地国别须为中国）。")
    )
    domestic_core_parts = models.BooleanField(
        _("核心部件国产替代"),
        default=False,
        help_text=_("核心部件（如光源、探测器、真空系统）以国产部件替代进口（产地国别须为中国）。"),
    )
    model_spec = models.CharField(_("规格型号"), max_length=100, validators=[validate_plain_text])
    technical_indicators = models.TextField(_("主要技术指标"), max_length=500)
    main_functions = models.TextField(_("主要功能"), max_length=300)
    application_fields = models.CharField(_("应用领域"), max_length=300, blank=True)
    disciplines = models.CharField(
        _("学科领域"),
        max_length=40,
        blank=True,
        validators=[validate_disciplines],
        help_text=_("GB/T 13745 学科代码，最多 4 个，以逗号分隔，如 150,170。"),
    )
    service_content = models.CharField(_("服务内容"), max_length=200, blank=True)
    campus = models.CharField(_("校区/园区"), max_length=50, blank=True)
    building = models.CharField(_("楼宇"), max_length=50, blank=True)
    room = models.CharField(_("房间"), max_length=30, blank=True)
    # Events that have happened: between 1950-01-01 and today.
    acceptance_date = models.DateField(_("安装验收日期"), validators=[validate_past_date])
    start_of_use_date = models.DateField(
        _("启用日期"), null=True, blank=True, validators=[validate_past_date]
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("机组负责人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_instruments",
    )
    contact_name = models.CharField(_("联系人"), max_length=50, validators=[validate_plain_text])
    contact_phone = models.CharField(
        _("联系电话"),
        max_length=30,
        # \Z, not $: "$" also matches before a final newline.
        validators=[RegexValidator(r"\A[0-9+\-() ]{7,30}\Z", _("请输入有效的电话号码。"))],
    )
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    sharing_mode = models.CharField(
        _("共享方式"), max_length=20, choices=SharingMode.choices, default=SharingMode.EXTERNAL
    )
    not_shared_reason = models.CharField(_("不共享原因"), max_length=200, blank=True)
    operating_status = models.CharField(
        _("运行状态"), max_length=20, choices=OperatingStatus.choices, default=OperatingStatus.NORMAL
    )
    open_policy = models.TextField(_("开放制度"), blank=True, validators=[validate_rich_text_length])
    usage_rules = models.TextField(_("使用办法"), blank=True, validators=[validate_rich_text_length])
    offers_self_operation = models.BooleanField(_("提供自主上机"), default=False)
    offers_commissioned_testing = models.BooleanField(_("提供委托测试"), default=True)

    registration_status = models.CharField(
        _("入网状态"), max_length=30, choices=RegistrationStatus.choices, default=RegistrationStatus.DRAFT
    )
    registration_due = models.DateField(_("入网截止日期"), null=True, blank=True, editable=False)
    registration_due_estimated = models.BooleanField(
        _("截止日期按周一至周五估算"), default=False, editable=False
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("科研设施与仪器")
        verbose_name_plural = _("科研设施与仪器")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "asset_number"], name="instrument_asset_number_unique_in_unit"
            ),
            models.CheckConstraint(
                condition=Q(original_value__gt=0) & Q(original_value__lte=MAX_ORIGINAL_VALUE),
                name="instrument_original_value_range",
            ),
            models.CheckConstraint(
                condition=~Q(sharing_mode="not_shared") | ~Q(not_shared_reason=""),
                name="instrument_not_shared_needs_reason",
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="instrument_not_own_parent"),
            models.CheckConstraint(
                condition=~Q(registration_status="published") | Q(published_at__isnull=False),
                name="instrument_published_has_time",
            ),
            models.CheckConstraint(
                condition=Q(country_of_origin=DOMESTIC_COUNTRY)
                | Q(domestic_original=False, domestic_core_parts=False),
                name="instrument_domestic_flags_made_in_china",
            ),
        ]
        indexes = [
            models.Index(fields=["registration_status", "registration_due"]),
            models.Index(fields=["unit", "registration_status"]),
            models.Index(fields=["category"]),
            models.Index(fields=["original_value"]),
            models.Index(fields=["-updated_at", "-id"], name="instrument_recent"),
            # The public list: published records, most recently updated first.
            models.Index(
                fields=["registration_status", "-updated_at", "-id"], name="instrument_status_recent"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.sharing_mode == self.SharingMode.NOT_SHARED and not self.not_shared_reason.strip():
            errors["not_shared_reason"] = _("选择“不共享”时须说明原因（如涉密）。")
        if self.sub_unit_id and self.unit_id and self.sub_unit.unit_id != self.unit_id:
            errors["sub_unit"] = _("内设机构不属于本单位。")
        if self.parent_id:
            if self.parent_id == self.pk:
                errors["parent"] = _("不能隶属于自身。")
            elif self.unit_id and self.parent.unit_id != self.unit_id:
                errors["parent"] = _("所属设施/中心须为本单位的资源。")
            elif self.parent.kind == self.Kind.SINGLE_INSTRUMENT:
                errors["parent"] = _("只能隶属于大型科研设施、仪器中心或服务单元。")
        if not self.is_domestic:
            for flag in ("domestic_original", "domestic_core_parts"):
                if getattr(self, flag):
                    errors[flag] = _("仅产地国别为中国的仪器可标记为国产原创或核心部件国产替代。")
        if self.start_of_use_date and self.acceptance_date and self.start_of_use_date < self.acceptance_date:
            errors["start_of_use_date"] = _("启用日期不能早于安装验收日期。")
        manager_changed = self.manager_id != getattr(self, "_loaded_manager_id", None)
        if self.manager_id and self.unit_id and manager_changed and not self._manager_works_in_unit():
            errors["manager"] = _("机组负责人须为本单位人员。")
        if errors:
            raise ValidationError(errors)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Remembered so the manager is checked only when it changes (imports re-validate thousands of rows).
        instance._loaded_manager_id = instance.__dict__.get("manager_id")
        return instance

    def _manager_works_in_unit(self) -> bool:
        from yiqi.accounts.models import UNIT_STAFF_ROLES, RoleAssignment

        return RoleAssignment.objects.filter(
            user_id=self.manager_id, organization_id=self.unit_id, role__in=UNIT_STAFF_ROLES
        ).exists()

    def validate_constraints(self, exclude=None):
        # A clash of asset numbers is reported on the field, where the user can correct it.
        exclude = set(exclude or ())
        if not exclude & {"unit", "asset_number"} and self.unit_id and self.asset_number:
            clash = Instrument.objects.filter(unit_id=self.unit_id, asset_number=self.asset_number).exclude(
                pk=self.pk
            )
            if clash.exists():
                raise ValidationError(
                    {
                        "asset_number": _("本单位已有内部编号为“%(number)s”的仪器。")
                        % {"number": self.asset_number}
                    }
                )
        super().validate_constraints(exclude=exclude | {"asset_number"})

    @property
    def is_domestic(self) -> bool:
        """Made in China: derived from the country of origin, never stored twice."""
        return self.country_of_origin.code == DOMESTIC_COUNTRY

    @property
    def location(self) -> str:
        return " ".join(part for part in (self.campus, self.building, self.room) if part)

    @property
    def is_editable(self) -> bool:
        return self.registration_status in EDITABLE_STATES


class RegistrationAction(models.TextChoices):
    """The steps of the registration workflow (audited as ``core.AuditEvent`` rows with these actions)."""

    SUBMIT = "submit", _("提交")
    CONFIRM = "confirm", _("单位确认")
    RETURN = "return", _("退回")
    DEPARTMENT_APPROVE = "department_approve", _("主管部门同意")
    DEPARTMENT_DECLINE = "department_decline", _("主管部门不同意")
    APPROVE = "approve", _("审核通过并发布")
    WITHDRAW = "withdraw", _("撤回")


class InstrumentAttachment(models.Model):
    class Kind(models.TextChoices):
        PHOTO = "photo", _("照片")
        DOCUMENT = "document", _("文档")

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    # Private: reaches a browser only through ``get_absolute_url`` (the instrument's visibility decides).
    file = models.FileField(_("文件"), upload_to="instruments/%Y/%m/", storage=private_storage)
    title = models.CharField(_("标题"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["kind", "id"]

    def __str__(self):
        return self.title or self.file.name

    def get_absolute_url(self) -> str:
        return reverse("registry:attachment_file", args=[self.instrument_id, self.pk])

    @property
    def extension(self) -> str:
        return extension_of(self.file.name)

    @property
    def content_type(self) -> str | None:
        """The type the upload check verified for the stored extension; None for any other (older) file."""
        allowed = (PHOTO if self.kind == self.Kind.PHOTO else DOCUMENT).extensions
        return CONTENT_TYPES.get(self.extension) if self.extension in allowed else None

    @property
    def shows_inline(self) -> bool:
        """A photo whose verified type is a raster image the browser may show in the page."""
        return self.kind == self.Kind.PHOTO and self.content_type in INLINE_CONTENT_TYPES

    @property
    def download_name(self) -> str:
        """The title as a file name with the stored (verified) extension."""
        title = display_name(self.title or str(_("附件")), max_length=100)
        suffix = f".{self.extension}" if self.extension else ""
        return title if not suffix or title.lower().endswith(suffix) else title + suffix


class RegistrationReminder(models.Model):
    """A deadline reminder already sent, so the daily job never sends the same one twice."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="reminders")
    due_date = models.DateField()
    working_days_before = models.PositiveSmallIntegerField(help_text="0 = the deadline has passed")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "due_date", "working_days_before"], name="registration_reminder_once"
            )
        ]

    def __str__(self):
        return f"{self.instrument_id} {self.due_date} -{self.working_days_before}"


class ImportJob(models.Model):
    """A spreadsheet import: validated completely, then written in one transaction."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        VALIDATING = "validating", _("校验中")
        WRITING = "writing", _("写入中")
        FAILED = "failed", _("校验未通过")
        DONE = "done", _("已完成")
        ERROR = "error", _("处理出错")

    unit = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="import_jobs"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(upload_to="imports/%Y/%m/", storage=private_storage)
    original_name = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.original_name

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 0 if self.status in (self.Status.PENDING, self.Status.VALIDATING) else 100
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.FAILED, self.Status.DONE, self.Status.ERROR)
