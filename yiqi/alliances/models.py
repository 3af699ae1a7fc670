"""Sharing alliances (开放共享联盟 / 协作网): a lead unit, member units and the terms members' users book each
other's instruments at — a member price category, a priority booking window, mutual recognition of user
qualifications. Booking reads the terms in its one read of a request's facts; fees prices with the category.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yiqi.core.validators import validate_plain_text

MAX_PRIORITY_DAYS = 90
BOOKING_HORIZON_LIMIT = 366  # the longest horizon any instrument may have (booking's ServiceSettings)


class MemberCategory(models.TextChoices):
    """The rate members' users pay at each other's instruments; the values are fees' user categories."""

    NONE = "", _("按各自标准")
    INTERNAL = "internal", _("本单位价")
    ACADEMIC = "academic", _("高校和科研院所价")


class Alliance(models.Model):
    name = models.CharField(_("联盟名称"), max_length=100, unique=True, validators=[validate_plain_text])
    lead_unit = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("牵头单位"),
        on_delete=models.PROTECT,
        related_name="led_alliances",
    )
    description = models.TextField(_("简介"), max_length=2000, blank=True)
    member_category = models.CharField(
        _("成员收费类别"), max_length=20, choices=MemberCategory.choices, default="", blank=True
    )
    priority_days = models.PositiveSmallIntegerField(
        _("优先预约窗口（天）"),
        default=0,
        validators=[MaxValueValidator(MAX_PRIORITY_DAYS)],
        help_text=_("成员单位用户可比其他用户多提前这么多天预约。"),
    )
    mutual_qualification = models.BooleanField(
        _("互认上机资格"),
        default=False,
        help_text=_("在一家成员单位取得的同类仪器上机资格，在其他成员单位同样有效。"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("成立时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("开放共享联盟")
        verbose_name_plural = _("开放共享联盟")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="alliance_priority_days_range", condition=Q(priority_days__lte=MAX_PRIORITY_DAYS)
            ),
            models.CheckConstraint(
                name="alliance_member_category_in_list",
                condition=Q(member_category__in=MemberCategory.values),
            ),
        ]

    def __str__(self):
        return self.name


class MembershipStatus(models.TextChoices):
    APPLIED = "applied", _("申请加入")
    INVITED = "invited", _("已邀请")
    ACTIVE = "active", _("成员")
    DECLINED = "declined", _("未同意")
    LEFT = "left", _("已退出")


LIVE_STATES = (MembershipStatus.APPLIED, MembershipStatus.INVITED, MembershipStatus.ACTIVE)


class Membership(models.Model):
    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("成员单位"),
        on_delete=models.PROTECT,
        related_name="alliance_memberships",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=MembershipStatus.choices, default=MembershipStatus.APPLIED
    )
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    joined_at = models.DateTimeField(_("加入时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("联盟成员")
        verbose_name_plural = _("联盟成员")
        ordering = ["alliance", "unit__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "unit"],
                condition=Q(status__in=["applied", "invited", "active"]),
                name="alliance_one_live_membership",
            ),
            models.CheckConstraint(
                name="alliance_active_member_has_join_time",
                condition=~Q(status="active") | Q(joined_at__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["unit", "status"])]

    def __str__(self):
        return f"{self.alliance} · {self.unit}"
