from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DailySequence(models.Model):
    """The last number handed out under a prefix such as ``WT20261122`` (document code + local date)."""

    prefix = models.CharField(max_length=20, primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.prefix}: {self.last}"


class AuditEventQuerySet(models.QuerySet):
    def for_object(self, obj: models.Model) -> "AuditEventQuerySet":
        # Joins the content type rather than looking it up: no read of its own, even before the cache holds it.
        meta = obj._meta.concrete_model._meta
        return self.filter(
            content_type__app_label=meta.app_label, content_type__model=meta.model_name, object_id=obj.pk
        )

    def for_model(self, model: type[models.Model]) -> "AuditEventQuerySet":
        return self.filter(content_type=ContentType.objects.get_for_model(model))


class AuditEvent(models.Model):
    """The one audit trail: one row per state transition or recorded change of any object, with who, when and why.

    Rows outlive their object (no foreign key to it), so a deleted usage record keeps its history.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("操作"), max_length=40)
    from_state = models.CharField(_("原状态"), max_length=30, blank=True)
    to_state = models.CharField(_("新状态"), max_length=30, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.TextField(_("说明"), blank=True)
    # What else the step changed, as shown to people (e.g. a charge's total after it, a usage record's old/new values).
    data = models.JSONField(_("详情"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"], name="audit_object_idx")]

    def __str__(self):
        return f"{self.action}: {self.from_state or '-'} → {self.to_state or '-'}"

    @classmethod
    def build(
        cls, obj: models.Model, action: str, *, actor, from_state="", to_state="", comment="", data=None
    ):
        return cls(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk,
            action=action,
            from_state=from_state,
            to_state=to_state,
            actor=actor if getattr(actor, "pk", None) else None,
            comment=comment or "",
            data=data or {},
        )

    @classmethod
    def record(cls, obj: models.Model, action: str, **fields) -> "AuditEvent":
        event = cls.build(obj, action, **fields)
        event.save()
        return event
