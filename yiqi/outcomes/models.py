"""Results of use (应用成果): papers, patents, standards, awards and projects an instrument supported.

A unit records its own results (confirmed at once); a user who was served adds the acknowledgement of a paper from
their service record, and the unit confirms or declines it. Only confirmed results count in the evaluation's
"results of use" figures and the national yearly record. The database refuses the same identifier (a DOI, a
patent number…) twice in one unit, unless the earlier one was declined.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yiqi.core.validators import validate_plain_text


class OutcomeKind(models.TextChoices):
    PAPER = "paper", _("论文")
    PATENT = "patent", _("专利")
    STANDARD = "standard", _("标准")
    AWARD = "award", _("奖励")
    PROJECT = "project", _("项目")


class OutcomeLevel(models.TextChoices):
    """The level of an award or a project."""

    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省部级")
    CITY = "city", _("市厅级")
    OTHER = "other", _("其他")


class OutcomeStatus(models.TextChoices):
    PENDING = "pending", _("待单位确认")
    CONFIRMED = "confirmed", _("已确认")
    DECLINED = "declined", _("未确认")


class Outcome(models.Model):
    unit = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("管理单位"),
        on_delete=models.PROTECT,
        related_name="outcomes",
    )
    kind = models.CharField(_("成果类别"), max_length=20, choices=OutcomeKind.choices)
    title = models.CharField(_("名称"), max_length=300, validators=[validate_plain_text])
    # The DOI of a paper, the patent, standard, certificate or project number; normalised by the services.
    identifier = models.CharField(_("编号"), max_length=100, blank=True)
    source = models.CharField(
        _("期刊/发布或授予机构"), max_length=200, blank=True, validators=[validate_plain_text]
    )
    authors = models.CharField(_("作者/完成人"), max_length=300, blank=True, validators=[validate_plain_text])
    level = models.CharField(_("级别"), max_length=20, choices=OutcomeLevel.choices, blank=True)
    # Publication, grant, issue, award or project start: the date that places the result in a period.
    date = models.DateField(_("日期"))
    instruments = models.ManyToManyField(
        "registry.Instrument", verbose_name=_("支撑仪器"), related_name="outcomes"
    )
    service_records = models.ManyToManyField(
        "servicerecords.ServiceRecord", verbose_name=_("服务记录"), related_name="outcomes", blank=True
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=OutcomeStatus.choices, default=OutcomeStatus.CONFIRMED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acknowledged_by_user = models.BooleanField(_("用户提交的致谢"), default=False, editable=False)
    decision_comment = models.CharField(_("确认意见"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("应用成果")
        verbose_name_plural = _("应用成果")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["unit", "status", "date"], name="outcome_unit_period")]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "kind", "identifier"],
                condition=~Q(identifier="") & ~Q(status="declined"),
                name="outcome_identifier_once_per_unit",
                violation_error_message=_("本单位已登记过该编号的成果。"),
            ),
            models.CheckConstraint(name="outcome_kind_in_list", condition=Q(kind__in=OutcomeKind.values)),
            models.CheckConstraint(
                name="outcome_status_in_list", condition=Q(status__in=OutcomeStatus.values)
            ),
            # The kinds that are identified by a number carry one (awards may lack a certificate number).
            models.CheckConstraint(
                name="outcome_numbered_kinds_have_identifier",
                condition=Q(kind="award") | ~Q(identifier=""),
            ),
        ]

    def __str__(self):
        return self.title
