"""Duplicate-purchase review (查重评议): a unit's application for a planned instrument, the quotes behind its budget,
the evidence the platform found on submission (frozen), the experts' opinions and the authority's decision."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yiqi.core.validators import validate_plain_text
from yiqi.registry.models import Instrument


class ReviewRules(models.Model):
    """The province's rules for which purchases are reviewed and how (one row, editable in the admin)."""

    threshold = models.DecimalField(
        _("查重评议金额起点（元）"), max_digits=14, decimal_places=2, default=Decimal("2000000.00")
    )
    funding_sources = models.CharField(
        _("须查重评议的资金来源"),
        max_length=100,
        default="central,local",
        help_text=_("以逗号分隔：central 中央财政，local 地方财政，own 单位自有资金，other 其他。"),
    )
    saturation_hours = models.PositiveIntegerField(_("饱和机时线（小时/年）"), default=1200)
    min_quotes = models.PositiveSmallIntegerField(_("最少报价数"), default=3)
    similarity_floor = models.DecimalField(
        _("相似仪器得分下限"), max_digits=4, decimal_places=3, default=Decimal("0.250")
    )

    class Meta:
        verbose_name = _("查重评议规则")
        verbose_name_plural = _("查重评议规则")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="purchase_rules_single_row")]

    def __str__(self):
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> "ReviewRules":
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    @property
    def reviewed_funds(self) -> set[str]:
        return {part.strip() for part in self.funding_sources.split(",") if part.strip()}


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待评议")
    IN_REVIEW = "in_review", _("专家评议中")
    DECIDED = "decided", _("已出具意见")
    FILED = "filed", _("已备案")
    WITHDRAWN = "withdrawn", _("已撤回")


DECIDED = (Status.DECIDED, Status.FILED)


class Opinion(models.TextChoices):
    RECOMMEND = "recommend", _("建议购置")
    CONDITIONAL = "conditional", _("建议购置（附共享条件）")
    REFUSE = "refuse", _("不建议购置")


class PurchaseApplication(models.Model):
    number = models.CharField(_("申请编号"), max_length=20, unique=True, editable=False)
    unit = models.ForeignKey(
        "organizations.Organization", verbose_name=_("申请单位"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("拟购仪器名称"), max_length=100, validators=[validate_plain_text])
    category = models.ForeignKey(
        "registry.InstrumentCategory", verbose_name=_("拟归分类"), on_delete=models.PROTECT, related_name="+"
    )
    specifications = models.TextField(_("主要技术指标"), max_length=1000)
    functions = models.TextField(_("主要功能"), max_length=1000)
    model_candidates = models.CharField(_("候选型号"), max_length=300, blank=True)
    budget = models.DecimalField(
        _("预算（元）"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    funding_source = models.CharField(_("资金来源"), max_length=20, choices=Instrument.FundingSource.choices)
    discipline = models.CharField(_("所属学科"), max_length=100)
    necessity = models.TextField(_("购置必要性"), max_length=2000)
    expected_hours = models.PositiveIntegerField(
        _("预计年机时（小时）"), validators=[MaxValueValidator(8784)]
    )
    expected_users = models.PositiveIntegerField(_("预计年用户数"), validators=[MaxValueValidator(100000)])
    sharing_mode = models.CharField(
        _("开放共享方式"), max_length=20, choices=Instrument.SharingMode.choices, default="external"
    )
    hours_offered = models.PositiveIntegerField(
        _("对外开放机时（小时/年）"), default=0, validators=[MaxValueValidator(8784)]
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Frozen at submission: the ranked similar instruments, the rule's draft opinion and its reasons.
    evidence = models.JSONField(_("查重证据"), default=dict, blank=True, editable=False)
    draft_opinion = models.CharField(_("系统初步意见"), max_length=20, choices=Opinion.choices, blank=True)
    opinion = models.CharField(_("评议意见"), max_length=20, choices=Opinion.choices, blank=True)
    opinion_text = models.TextField(_("意见说明"), max_length=2000, blank=True)
    conditions = models.TextField(_("共享条件"), max_length=1000, blank=True)
    instrument = models.OneToOneField(
        "registry.Instrument",
        verbose_name=_("购置后登记的仪器"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="purchase_application",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("意见出具时间"), null=True, blank=True)
    # The authority's online record (备案) of a decided application; provincial only, the national interface has
    # no record type for purchase review.
    filing_number = models.CharField(
        _("备案编号"), max_length=20, unique=True, null=True, blank=True, editable=False
    )
    filed_at = models.DateTimeField(_("备案时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("购置查重评议申请")
        verbose_name_plural = _("购置查重评议申请")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["status", "-submitted_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gt=0), name="purchase_budget_positive"),
            models.CheckConstraint(
                name="purchase_submitted_has_evidence",
                condition=Q(status__in=["draft", "withdrawn"])
                | (Q(submitted_at__isnull=False) & ~Q(draft_opinion="")),
            ),
            models.CheckConstraint(
                name="purchase_decided_has_opinion",
                condition=~Q(status__in=["decided", "filed"])
                | (Q(decided_at__isnull=False) & ~Q(opinion="")),
            ),
            models.CheckConstraint(
                name="purchase_filed_has_number",
                condition=~Q(status="filed") | (Q(filed_at__isnull=False) & Q(filing_number__isnull=False)),
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.name}"

    @property
    def is_editable(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def is_decided(self) -> bool:
        """Decided, whether or not the authority has filed it yet."""
        return self.status in DECIDED


class Quote(models.Model):
    application = models.ForeignKey(PurchaseApplication, on_delete=models.CASCADE, related_name="quotes")
    supplier = models.CharField(_("供应商"), max_length=100, validators=[validate_plain_text])
    model = models.CharField(_("型号"), max_length=100, validators=[validate_plain_text])
    amount = models.DecimalField(
        _("报价（元）"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )

    class Meta:
        verbose_name = _("报价")
        verbose_name_plural = _("报价")
        ordering = ["amount", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="purchase_quote_positive")]

    def __str__(self):
        return f"{self.supplier} {self.model}"


SCORE = [MinValueValidator(1), MaxValueValidator(5)]


class Review(models.Model):
    """One assigned expert's opinion: relevance, necessity and reasonableness scored 1–5, and a recommendation."""

    application = models.ForeignKey(PurchaseApplication, on_delete=models.CASCADE, related_name="reviews")
    assignment = models.OneToOneField("experts.Assignment", on_delete=models.PROTECT, related_name="+")
    expert = models.ForeignKey(
        "experts.Expert", verbose_name=_("专家"), on_delete=models.PROTECT, related_name="+"
    )
    relevance = models.PositiveSmallIntegerField(_("学科相关性"), null=True, blank=True, validators=SCORE)
    necessity = models.PositiveSmallIntegerField(_("购置必要性"), null=True, blank=True, validators=SCORE)
    reasonableness = models.PositiveSmallIntegerField(
        _("配置合理性"), null=True, blank=True, validators=SCORE
    )
    recommendation = models.CharField(_("评议建议"), max_length=20, choices=Opinion.choices, blank=True)
    reasons = models.TextField(_("理由"), max_length=2000, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("专家评议意见")
        verbose_name_plural = _("专家评议意见")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "expert"], name="purchase_review_once"),
            models.CheckConstraint(
                name="purchase_review_complete",
                condition=Q(submitted_at__isnull=True)
                | (
                    Q(relevance__gte=1, relevance__lte=5)
                    & Q(necessity__gte=1, necessity__lte=5)
                    & Q(reasonableness__gte=1, reasonableness__lte=5)
                    & ~Q(recommendation="")
                ),
            ),
        ]

    def __str__(self):
        return f"{self.application} · {self.expert}"
