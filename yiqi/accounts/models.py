"""People and the roles they hold in organisations."""

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
