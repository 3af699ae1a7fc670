"""Yearly evaluation: schemes as versioned data (a tree of indicators with points), rounds over a period and a set
of units, each unit's figures, self-evaluation, expert scores, result, rectification and post-subsidy."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yiqi.core.storage import private_storage
from yiqi.core.validators import validate_plain_text

POINTS = {"max_digits": 6, "decimal_places": 2}


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")
    POOR = "poor", _("较差")


class Scheme(models.Model):
    """One version of an evaluation scheme. Drafts are edited; an active version is frozen and rounds bind to it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ACTIVE = "active", _("启用")

    name = models.CharField(_("方案名称"), max_length=100, validators=[validate_plain_text])
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    based_on = models.ForeignKey(
        "self", verbose_name=_("复制自"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    total_points = models.DecimalField(_("总分"), default=Decimal("100"), **POINTS)
    value_threshold = models.DecimalField(
        _("开放率计算的原值门槛（元）"), max_digits=14, decimal_places=2, default=Decimal("200000")
    )
    excellent_from = models.DecimalField(_("优秀分数线"), default=Decimal("90"), **POINTS)
    good_from = models.DecimalField(_("良好分数线"), default=Decimal("80"), **POINTS)
    pass_from = models.DecimalField(_("合格分数线"), default=Decimal("60"), **POINTS)
    # Indicator codes whose scores break a tie in the total, in order.
    tie_breaks = models.JSONField(_("同分排序指标"), default=list, blank=True)
    description = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("评价方案")
        verbose_name_plural = _("评价方案")
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="evaluation_scheme_version_once"),
            models.CheckConstraint(
                condition=Q(excellent_from__gt=models.F("good_from"))
                & Q(good_from__gt=models.F("pass_from"))
                & Q(pass_from__gt=0),
                name="evaluation_scheme_grade_lines_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"


class Indicator(models.Model):
    """A node of a scheme's tree. A group's points are the sum of its children's; a leaf is computed from a named
    figure by a scoring method, or scored by experts against its guide."""

    class Kind(models.TextChoices):
        GROUP = "group", _("指标组")
        COMPUTED = "computed", _("计算指标")
        SCORED = "scored", _("专家评分指标")

    class Method(models.TextChoices):
        LINEAR = "linear", _("对标线性（封顶）")
        PER_STEP = "per_step", _("按步计分")
        BANDS = "bands", _("分档计分")
        RANK = "rank", _("同类排名")
        EXPERT = "expert", _("专家评分（去极值平均）")

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="indicators")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.CharField(_("编号"), max_length=20)
    name = models.CharField(_("指标名称"), max_length=100, validators=[validate_plain_text])
    points = models.DecimalField(_("分值"), validators=[MinValueValidator(Decimal("0.01"))], **POINTS)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    figure = models.CharField(_("计算公式"), max_length=40, blank=True)
    method = models.CharField(_("计分方法"), max_length=10, choices=Method.choices, blank=True)
    params = models.JSONField(_("计分参数"), default=dict, blank=True)
    guide = models.TextField(_("评分指引"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("评价指标")
        verbose_name_plural = _("评价指标")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="evaluation_indicator_code_once"),
            models.CheckConstraint(condition=Q(points__gt=0), name="evaluation_indicator_points_positive"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class Round(models.Model):
    """One evaluation round: a period, the units in scope, a scheme version and the deadlines."""

    class Status(models.TextChoices):
        OPEN = "open", _("自评中")
        SCORING = "scoring", _("专家评审中")
        CLOSED = "closed", _("已结束")
        PUBLISHED = "published", _("已公布")

    name = models.CharField(_("名称"), max_length=100, validators=[validate_plain_text])
    scheme = models.ForeignKey(
        Scheme, verbose_name=_("评价方案"), on_delete=models.PROTECT, related_name="rounds"
    )
    period_start = models.DateField(_("考核期开始"))
    period_end = models.DateField(_("考核期结束"))
    submission_due = models.DateField(_("自评提交截止"))
    scoring_due = models.DateField(_("专家评分截止"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    subsidy_budget = models.DecimalField(
        _("后补助预算（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评价轮次")
        verbose_name_plural = _("评价轮次")
        ordering = ["-period_end", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="evaluation_round_period"
            ),
        ]

    def __str__(self):
        return self.name


class UnitEvaluation(models.Model):
    """A unit in a round: its figures (snapshot), self-evaluation, checks and result."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey(
        "organizations.Organization", verbose_name=_("管理单位"), on_delete=models.PROTECT, related_name="+"
    )
    # Same period as the round, kept here so the database can refuse overlapping rounds for one unit.
    period_start = models.DateField(editable=False)
    period_end = models.DateField(editable=False)
    figures = models.JSONField(_("计算数据"), default=dict, blank=True)
    self_report = models.JSONField(_("自评报告"), default=dict, blank=True)
    self_report_file = models.FileField(
        _("自评报告附件"), upload_to="evaluation/%Y/", storage=private_storage, blank=True, max_length=300
    )
    submitted_at = models.DateTimeField(_("自评提交时间"), null=True, blank=True)
    onsite_check = models.BooleanField(_("需现场核查"), default=False)
    onsite_outcome = models.TextField(_("现场核查结论"), blank=True)
    fraud_confirmed = models.BooleanField(_("查实弄虚作假"), default=False)
    scores = models.JSONField(_("各指标得分"), default=dict, blank=True)
    total = models.DecimalField(_("总分"), null=True, blank=True, **POINTS)
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True)
    grade = models.CharField(_("等级"), max_length=10, choices=Grade.choices, blank=True)
    subsidy = models.DecimalField(_("后补助（元）"), max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("单位评价")
        verbose_name_plural = _("单位评价")
        ordering = ["rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="evaluation_unit_once_per_round"),
            models.CheckConstraint(
                condition=Q(subsidy__gte=0) | Q(subsidy__isnull=True), name="evaluation_subsidy_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.round} · {self.unit}"


class Contest(models.Model):
    """A unit's objection to one computed figure, with the reason; the authority answers it."""

    evaluation = models.ForeignKey(UnitEvaluation, on_delete=models.CASCADE, related_name="contests")
    figure = models.CharField(_("数据项"), max_length=40)
    reason = models.TextField(_("理由"), max_length=2000)
    answer = models.TextField(_("答复"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("数据异议")
        verbose_name_plural = _("数据异议")

    def __str__(self):
        return f"{self.evaluation} · {self.figure}"


class ExpertScore(models.Model):
    evaluation = models.ForeignKey(UnitEvaluation, on_delete=models.CASCADE, related_name="expert_scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    expert = models.ForeignKey("experts.Expert", on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("得分"), **POINTS)
    comment = models.TextField(_("评语"), max_length=1000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("专家评分")
        verbose_name_plural = _("专家评分")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "indicator", "expert"], name="evaluation_score_once"
            ),
            models.CheckConstraint(condition=Q(score__gte=0), name="evaluation_score_not_negative"),
        ]

    def __str__(self):
        return f"{self.evaluation} · {self.indicator_id} · {self.score}"


class Rectification(models.Model):
    """A poor unit's one-year rectification, tracked to closure."""

    class Status(models.TextChoices):
        OPEN = "open", _("整改中")
        CLOSED = "closed", _("已完成整改")

    evaluation = models.OneToOneField(UnitEvaluation, on_delete=models.CASCADE, related_name="rectification")
    due_on = models.DateField(_("整改期限"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    report = models.TextField(_("整改情况"), max_length=3000, blank=True)
    closed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("限期整改")
        verbose_name_plural = _("限期整改")

    def __str__(self):
        return f"{self.evaluation} · {self.get_status_display()}"


class NoticeEvent(models.TextChoices):
    ROUND_OPENED = "round_opened", _("评价轮次开启")
    RESULTS_PUBLISHED = "results_published", _("评价结果公布")
    RECTIFICATION_REQUIRED = "rectification_required", _("须限期整改")
    RECTIFICATION_DECIDED = "rectification_decided", _("整改完成")
    EXPERT_ASSIGNED = "expert_assigned", _("指派评议专家")


class Notice(models.Model):
    """That the notices of one event were sent (``key``: the round, rectification or assignment), so a retried
    task does not send them twice."""

    event = models.CharField(max_length=30, choices=NoticeEvent.choices)
    key = models.PositiveBigIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "key"], name="evaluation_notice_once")]

    def __str__(self):
        return f"{self.event} · {self.key}"
