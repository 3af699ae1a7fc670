"""Commissioned testing (委托测试/送样): the user sends samples, the unit's staff test them and return results.

Sample descriptions, answers and results belong to the ordering user: only they and the staff assigned to the
order (plus the unit's admins, who assign staff) may see them. ``services`` is the only place states change.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yiqi.core.changelog import first_download_subquery
from yiqi.core.storage import private_storage


class OrderFormField(models.Model):
    """An extra question an instrument's manager asks on every order (e.g. 元素范围, 样品是否有毒)."""

    class FieldType(models.TextChoices):
        TEXT = "text", _("文本")
        NUMBER = "number", _("数字")
        CHOICE = "choice", _("单选")
        BOOLEAN = "boolean", _("是/否")

    instrument = models.ForeignKey(
        "registry.Instrument", on_delete=models.CASCADE, related_name="order_form_fields"
    )
    key = models.SlugField(_("字段标识"), max_length=40)
    label = models.CharField(_("题目"), max_length=100)
    help_text = models.CharField(_("填写说明"), max_length=200, blank=True)
    field_type = models.CharField(_("类型"), max_length=20, choices=FieldType.choices, default=FieldType.TEXT)
    choices = models.TextField(_("选项"), blank=True, help_text=_("单选题每行一个选项。"))
    required = models.BooleanField(_("必填"), default=False)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("委托单字段")
        verbose_name_plural = _("委托单字段")
        ordering = ["instrument", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "key"], name="order_form_field_key_unique")
        ]

    def __str__(self):
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class OrderStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    QUOTED = "quoted", _("已报价")
    CONFIRMED = "confirmed", _("用户已确认")
    SAMPLES_RECEIVED = "samples_received", _("已收样")
    TESTING = "testing", _("检测中")
    RESULTS_READY = "results_ready", _("结果已发布")
    COMPLETED = "completed", _("已完成")
    CANCELLED = "cancelled", _("已取消")
    REJECTED = "rejected", _("已拒绝")


class TestOrder(models.Model):
    """One commissioned-testing order."""

    __test__ = False  # not a pytest test class despite the name

    number = models.CharField(_("委托单号"), max_length=20, unique=True, editable=False)
    record = models.OneToOneField(
        "servicerecords.ServiceRecord",
        on_delete=models.PROTECT,
        related_name="test_order",
        editable=False,
    )
    instrument = models.ForeignKey(
        "registry.Instrument", on_delete=models.PROTECT, related_name="test_orders"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="test_orders")
    user_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("用户单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_internal = models.BooleanField(_("单位内"), default=False, editable=False)
    status = models.CharField(
        _("状态"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.SUBMITTED
    )
    sample_name = models.CharField(_("样品名称"), max_length=100)
    sample_count = models.PositiveIntegerField(
        _("样品数量"), validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )
    sample_description = models.TextField(_("样品描述"), max_length=2000)
    requirements = models.TextField(_("检测要求"), max_length=2000)
    answers = models.JSONField(_("补充信息"), default=dict, blank=True)
    return_samples = models.BooleanField(_("检测后退还样品"), default=False)
    assigned_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("负责人员"), blank=True, related_name="assigned_test_orders"
    )
    estimated_hours = models.DecimalField(
        _("预估机时（小时）"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
        help_text=_("报价时工作人员估计的机时。"),
    )
    machine_hours = models.DecimalField(
        _("机时（小时）"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10000)],
    )
    tested_from = models.DateTimeField(_("检测开始"), null=True, blank=True)
    tested_until = models.DateTimeField(_("检测结束"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("委托测试单")
        verbose_name_plural = _("委托测试单")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["instrument", "status"]),
            models.Index(fields=["user", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(name="order_sample_count_positive", condition=Q(sample_count__gte=1)),
            models.CheckConstraint(
                name="order_machine_hours_not_negative",
                condition=Q(machine_hours__isnull=True) | Q(machine_hours__gte=0),
            ),
        ]

    def __str__(self):
        return self.number


def result_path(instance, filename):
    return f"order-results/{instance.order_id}/{filename}"


class OrderResultManager(models.Manager):
    """Every row carries ``downloaded_at``: when the ordering user first downloaded it, from the read log (a
    subquery, so a page of results costs one query)."""

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(downloaded_at=first_download_subquery(self.model, user_field="order__user_id"))
        )


class OrderResult(models.Model):
    """A results file (report, data) for an order; served only through a view that checks who asks."""

    order = models.ForeignKey(TestOrder, on_delete=models.CASCADE, related_name="results")
    file = models.FileField(_("结果文件"), upload_to=result_path, storage=private_storage, max_length=300)
    original_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = OrderResultManager()

    class Meta:
        verbose_name = _("检测结果")
        verbose_name_plural = _("检测结果")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name
