"""Users' ratings of completed services, the unit's one reply, and complaints tracked to resolution."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiqi.core.workdays import calendar_last_day
from yiqi.organizations.models import Organization

SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class Rating(models.Model):
    """One rating per completed service record, 1–5 on each aspect."""

    record = models.OneToOneField(
        "servicerecords.ServiceRecord", on_delete=models.CASCADE, related_name="rating", editable=False
    )
    # Empty for a resource's service (data, copy, sample), which has no instrument.
    instrument = models.ForeignKey(
        "registry.Instrument", on_delete=models.CASCADE, related_name="ratings", null=True, blank=True
    )
    unit = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="ratings", editable=False
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ratings")
    # The kind of organisation the user served under, kept so public lists need no joins and never the name.
    rater_kind = models.CharField(
        _("评价人单位类型"), max_length=20, choices=Organization.Kind.choices, blank=True, editable=False
    )
    overall = models.PositiveSmallIntegerField(_("总体评价"), validators=SCORE_VALIDATORS)
    timeliness = models.PositiveSmallIntegerField(_("及时性"), validators=SCORE_VALIDATORS)
    attitude = models.PositiveSmallIntegerField(_("服务态度"), validators=SCORE_VALIDATORS)
    result_quality = models.PositiveSmallIntegerField(_("结果质量"), validators=SCORE_VALIDATORS)
    comment = models.TextField(_("评价内容"), max_length=1000, blank=True)
    reply = models.TextField(_("单位回复"), max_length=1000, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("评价时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("用户评价")
        verbose_name_plural = _("用户评价")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["instrument", "created_at"]),
            models.Index(fields=["unit", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="rating_scores_in_range",
                condition=Q(overall__gte=1, overall__lte=5)
                & Q(timeliness__gte=1, timeliness__lte=5)
                & Q(attitude__gte=1, attitude__lte=5)
                & Q(result_quality__gte=1, result_quality__lte=5),
            ),
        ]

    def __str__(self):
        return f"{self.instrument or self.record.content} · {self.overall}/5"


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    IN_PROGRESS = "in_progress", _("处理中")
    RESOLVED = "resolved", _("已办结")
    CLOSED = "closed", _("已关闭")


class Complaint(models.Model):
    """A user's complaint about a unit or one of its instruments; the unit and its department follow it up."""

    number = models.CharField(_("投诉编号"), max_length=20, unique=True, editable=False)
    complainant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="complaints"
    )
    unit = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="complaints"
    )
    instrument = models.ForeignKey(
        "registry.Instrument", null=True, blank=True, on_delete=models.SET_NULL, related_name="complaints"
    )
    record = models.ForeignKey(
        "servicerecords.ServiceRecord",
        verbose_name=_("相关服务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    subject = models.CharField(_("投诉事项"), max_length=100)
    description = models.TextField(_("详细情况"), max_length=3000)
    status = models.CharField(
        _("状态"), max_length=20, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN
    )
    due_on = models.DateField(_("办理期限"))
    outcome = models.TextField(_("处理结果"), max_length=3000, blank=True)
    # Decided when resolving: evaluation rounds count only complaints found upheld.
    upheld = models.BooleanField(_("投诉是否成立"), null=True, blank=True, editable=False)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # Closed automatically on this day unless the complainant confirms or reopens first.
    auto_close_on = models.DateField(_("自动关闭日期"), null=True, blank=True, editable=False)
    reopened_at = models.DateTimeField(_("重新办理时间"), null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(_("逾期提醒时间"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("投诉时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("投诉")
        verbose_name_plural = _("投诉")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["status", "due_on"])]

    def __str__(self):
        return f"{self.number} {self.subject}"

    @property
    def is_overdue(self) -> bool:
        """Past the handling period and not resolved yet."""
        active = (ComplaintStatus.OPEN, ComplaintStatus.IN_PROGRESS)
        return self.status in active and self.due_on < timezone.localdate()

    @property
    def due_on_estimated(self) -> bool:
        """The period ends past the published holiday calendar, so its working days are estimated (core.workdays)."""
        return self.due_on is not None and self.due_on > calendar_last_day()


class ComplaintAction(models.TextChoices):
    FILE = "file", _("提交投诉")
    ACCEPT = "accept", _("受理")
    RESOLVE = "resolve", _("办结")
    CONFIRM = "confirm", _("确认办结")
    REOPEN = "reopen", _("要求重新办理")
    COMMENT = "comment", _("补充意见")
    ESCALATE = "escalate", _("逾期提醒")
    AUTO_CLOSE = "auto_close", _("自动关闭")
