"""People and the roles they hold in organisations."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yiqi.core.validators import validate_plain_text


class Role(models.TextChoices):
    PLATFORM_ADMIN = "platform_admin", _("平台管理员")
    DEPARTMENT_ADMIN = "department_admin", _("主管部门管理员")
    UNIT_ADMIN = "unit_admin", _("单位管理员")
    INFORMATION_OFFICER = "information_officer", _("信息员")
    INSTRUMENT_MANAGER = "instrument_manager", _("机组负责人")
    TECHNICIAN = "technician", _("实验技术人员")
    EXTERNAL_USER = "external_user", _("用户")
    EXPERT = "expert", _("评议专家")
    EVALUATOR = "evaluator", _("评价人员")


GLOBAL_ROLES = (Role.PLATFORM_ADMIN, Role.EXPERT, Role.EVALUATOR)
DEPARTMENT_ROLES = (Role.DEPARTMENT_ADMIN,)
UNIT_STAFF_ROLES = (Role.UNIT_ADMIN, Role.INFORMATION_OFFICER, Role.INSTRUMENT_MANAGER, Role.TECHNICIAN)
ORGANIZATION_ROLES = (*UNIT_STAFF_ROLES, Role.EXTERNAL_USER)


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=50, blank=True, validators=[validate_plain_text])
    phone = models.CharField(_("手机号"), max_length=20, blank=True, validators=[validate_plain_text])
    # Emails and inbox messages are written in this language, whoever triggers them.
    language = models.CharField(
        _("消息语言"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name or super().get_full_name() or self.username


class RoleAssignment(models.Model):
    """One role a user holds: globally, in a supervising department, or in an organisation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    department = models.ForeignKey(
        "organizations.Department",
        verbose_name=_("主管部门"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        constraints = [
            models.CheckConstraint(
                name="role_assignment_scope_matches_role",
                condition=(
                    Q(
                        role__in=[r.value for r in GLOBAL_ROLES],
                        department__isnull=True,
                        organization__isnull=True,
                    )
                    | Q(
                        role__in=[r.value for r in DEPARTMENT_ROLES],
                        department__isnull=False,
                        organization__isnull=True,
                    )
                    | Q(
                        role__in=[r.value for r in ORGANIZATION_ROLES],
                        department__isnull=True,
                        organization__isnull=False,
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organization"],
                condition=Q(organization__isnull=False),
                name="role_unique_per_organization",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "department"],
                condition=Q(department__isnull=False),
                name="role_unique_per_department",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(organization__isnull=True, department__isnull=True),
                name="global_role_unique",
            ),
        ]

    def __str__(self):
        scope = self.organization or self.department
        return f"{self.user} · {self.get_role_display()}" + (f" · {scope}" if scope else "")


class Invitation(models.Model):
    """An invitation to a role: from a unit admin into their organisation, or from the platform administrator into
    a supervising department (its first admin). An emailed link, used once, expiring.

    Only a hash of the link's token is stored, so a database reader cannot accept an invitation.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待接受")
        ACCEPTED = "accepted", _("已接受")
        REVOKED = "revoked", _("已撤销")

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    department = models.ForeignKey(
        "organizations.Department",
        verbose_name=_("主管部门"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("受邀邮箱"))
    role = models.CharField(
        _("角色"),
        max_length=30,
        choices=[(r.value, r.label) for r in (*DEPARTMENT_ROLES, *ORGANIZATION_ROLES)],
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING)
    invited_by = models.ForeignKey(
        User, verbose_name=_("邀请人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_by = models.ForeignKey(
        User, verbose_name=_("接受人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("邀请时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("有效期至"))
    accepted_at = models.DateTimeField(_("接受时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("成员邀请")
        verbose_name_plural = _("成员邀请")
        ordering = ["-created_at"]
        constraints = [
            # The role it grants is held where the invitation points, as RoleAssignment requires.
            models.CheckConstraint(
                name="invitation_scope_matches_role",
                condition=(
                    Q(
                        role__in=[r.value for r in DEPARTMENT_ROLES],
                        department__isnull=False,
                        organization__isnull=True,
                    )
                    | Q(
                        role__in=[r.value for r in ORGANIZATION_ROLES],
                        department__isnull=True,
                        organization__isnull=False,
                    )
                ),
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.scope} · {self.get_role_display()}"

    @property
    def scope(self):
        """The organisation or supervising department the invitation is into."""
        return self.organization or self.department


class JoinRequest(models.Model):
    """A registered person asks to join an organisation; nothing is granted until its admin approves."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已拒绝")

    user = models.ForeignKey(
        User, verbose_name=_("申请人"), on_delete=models.CASCADE, related_name="join_requests"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("单位"),
        on_delete=models.CASCADE,
        related_name="join_requests",
    )
    message = models.CharField(_("申请说明"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("加入单位申请")
        verbose_name_plural = _("加入单位申请")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"],
                condition=Q(status="pending"),
                name="one_pending_join_request",
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.organization}"


class NationalIdentity(models.Model):
    """A user's account on the national platform, by the subject its sign-on (OAuth2 user info) names them with."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="national_identity")
    subject = models.CharField(_("国家平台账号标识"), max_length=255, unique=True)
    linked_at = models.DateTimeField(auto_now_add=True)
    last_signed_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("国家平台账号")
        verbose_name_plural = _("国家平台账号")

    def __str__(self):
        return self.subject
