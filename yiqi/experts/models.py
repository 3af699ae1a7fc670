"""The expert pool: who reviews, in which fields, where they work and what they may not review."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yiqi.core.validators import validate_plain_text

# GB/T 13745 first-level discipline codes are three digits (e.g. 110 数学, 140 物理学).
discipline_code = RegexValidator(r"^\d{3}$", _("学科代码应为 GB/T 13745 的三位一级学科代码。"))


class Expert(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.PROTECT, related_name="expert"
    )
    name = models.CharField(_("姓名"), max_length=50, validators=[validate_plain_text])
    title = models.CharField(_("职称"), max_length=50, blank=True, validators=[validate_plain_text])
    categories = models.ManyToManyField(
        "registry.InstrumentCategory", verbose_name=_("仪器分类领域"), blank=True, related_name="+"
    )
    is_active = models.BooleanField(_("在库"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("评议专家")
        verbose_name_plural = _("评议专家")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class Discipline(models.Model):
    """One GB/T 13745 first-level discipline an expert reviews in."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="disciplines")
    code = models.CharField(_("学科代码"), max_length=3, validators=[discipline_code])

    class Meta:
        verbose_name = _("学科领域")
        verbose_name_plural = _("学科领域")
        constraints = [
            models.UniqueConstraint(fields=["expert", "code"], name="expert_discipline_once"),
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{3}$"), name="expert_discipline_code"),
        ]

    def __str__(self):
        return self.code


class Affiliation(models.Model):
    """An organisation the expert works for (or worked for within the declared period)."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="affiliations")
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.CharField(_("职务"), max_length=50, blank=True, validators=[validate_plain_text])

    class Meta:
        verbose_name = _("任职单位")
        verbose_name_plural = _("任职单位")
        constraints = [
            models.UniqueConstraint(fields=["expert", "organization"], name="expert_affiliation_once")
        ]

    def __str__(self):
        return f"{self.expert} · {self.organization}"


class Conflict(models.Model):
    """A declared conflict of interest with an organisation (former employer, collaborator, family…)."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="conflicts")
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("回避理由"), max_length=200, validators=[validate_plain_text])

    class Meta:
        verbose_name = _("回避声明")
        verbose_name_plural = _("回避声明")
        constraints = [
            models.UniqueConstraint(fields=["expert", "organization"], name="expert_conflict_once")
        ]

    def __str__(self):
        return f"{self.expert} ↔ {self.organization}"


class Assignment(models.Model):
    """An expert assigned to review one unit in the context of some review (an evaluation round, a purchase
    review…): the context is any object, so the same pool and checks serve every kind of review."""

    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="assignments")
    unit = models.ForeignKey(
        "organizations.Organization", verbose_name=_("被评单位"), on_delete=models.PROTECT, related_name="+"
    )
    context_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    context_id = models.PositiveBigIntegerField()
    context = GenericForeignKey("context_type", "context_id")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("专家指派")
        verbose_name_plural = _("专家指派")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["expert", "unit", "context_type", "context_id"], name="expert_assignment_once"
            ),
            models.CheckConstraint(condition=Q(context_id__gt=0), name="expert_assignment_has_context"),
        ]

    def __str__(self):
        return f"{self.expert} → {self.unit}"
