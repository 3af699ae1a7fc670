"""Business rules of the registry: saving a record and moving it through the registration workflow.

Forms, the API and the spreadsheet import all call these, so the rules hold whichever way data arrives.
"""

from dataclasses import dataclass

import nh3
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yiqi.accounts.access import Access
from yiqi.accounts.models import Role
from yiqi.accounts.services import users_with_role
from yiqi.core.uploads import DOCUMENT, PHOTO, check_upload, display_name
from yiqi.notifications.services import notify
from yiqi.organizations.models import Deployment

from . import scoping
from .deadlines import apply_deadline, is_mandatory
from .models import Instrument, InstrumentAttachment, RegistrationEvent
from .models import RegistrationStatus as S

RICH_TEXT_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "h3",
    "h4",
    "a",
    "table",
    "tr",
    "td",
    "th",
}


def sanitize_rich_text(html: str) -> str:
    if not html:
        return ""
    return nh3.clean(html or "", tags=RICH_TEXT_TAGS, link_rel="noopener noreferrer nofollow").strip()


def prepare_instrument(instrument: Instrument, deployment: Deployment | None = None) -> None:
    """Normalise a record before validation: sanitise rich text, derive the deadline."""
    instrument.open_policy = sanitize_rich_text(instrument.open_policy)
    instrument.usage_rules = sanitize_rich_text(instrument.usage_rules)
    instrument.asset_number = (instrument.asset_number or "").strip()
    if instrument.sharing_mode != Instrument.SharingMode.NOT_SHARED:
        instrument.not_shared_reason = ""
    if instrument.acceptance_date:
        apply_deadline(instrument, deployment)


def validate_acceptance_date(instrument: Instrument) -> None:
    if instrument.acceptance_date and instrument.acceptance_date > timezone.localdate():
        raise ValidationError({"acceptance_date": _("安装验收日期不能晚于今天。")})


@transaction.atomic
def save_instrument(instrument: Instrument, *, access: Access, user=None) -> Instrument:
    """Create or update a record after checking the actor's rights and every field."""
    if instrument.pk is None:
        if not scoping.can_create_in(access, instrument.unit_id):
            raise PermissionDenied(_("您无权为该单位登记仪器。"))
        instrument.created_by = user
    else:
        stored = Instrument.objects.select_for_update().get(pk=instrument.pk)
        if not scoping.can_edit(access, stored):
            raise PermissionDenied(_("该记录当前不可由您修改。"))
        if stored.unit_id != instrument.unit_id:
            raise ValidationError({"unit": _("不能把仪器改到其他管理单位。")})
        # Workflow fields change only through transitions.
        instrument.registration_status = stored.registration_status
        instrument.published_at = stored.published_at
    prepare_instrument(instrument)
    instrument.full_clean()
    validate_acceptance_date(instrument)
    instrument.save()
    return instrument


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    needs_comment: bool = False


TRANSITIONS = {
    t.action: t
    for t in (
        Transition(RegistrationEvent.Action.SUBMIT, (S.DRAFT, S.RETURNED, S.DECLINED)),
        Transition(RegistrationEvent.Action.CONFIRM, (S.SUBMITTED,)),
        Transition(RegistrationEvent.Action.RETURN, (S.SUBMITTED, S.AWAITING_AUTHORITY), needs_comment=True),
        Transition(RegistrationEvent.Action.DEPARTMENT_APPROVE, (S.AWAITING_DEPARTMENT,)),
        Transition(RegistrationEvent.Action.DEPARTMENT_DECLINE, (S.AWAITING_DEPARTMENT,), needs_comment=True),
        Transition(RegistrationEvent.Action.APPROVE, (S.AWAITING_AUTHORITY,)),
    )
}


def _may(access: Access, action: str, instrument: Instrument) -> bool:
    A = RegistrationEvent.Action
    unit = instrument.unit_id
    if action == A.SUBMIT:
        return unit in access.editor_unit_ids
    if action == A.CONFIRM:
        return unit in access.unit_admin_unit_ids
    if action == A.RETURN:
        if instrument.registration_status == S.SUBMITTED:
            return unit in access.unit_admin_unit_ids
        return access.is_platform_admin
    if action in (A.DEPARTMENT_APPROVE, A.DEPARTMENT_DECLINE):
        return instrument.unit.supervising_department_id in access.department_ids
    if action == A.APPROVE:
        return access.is_platform_admin
    return False


def available_actions(access: Access, instrument: Instrument) -> list[Transition]:
    return [
        t
        for t in TRANSITIONS.values()
        if instrument.registration_status in t.sources and _may(access, t.action, instrument)
    ]


def _target(action: str, instrument: Instrument) -> str:
    A = RegistrationEvent.Action
    if action == A.CONFIRM:
        return S.AWAITING_AUTHORITY if is_mandatory(instrument) else S.AWAITING_DEPARTMENT
    return {
        A.SUBMIT: S.SUBMITTED,
        A.RETURN: S.RETURNED,
        A.DEPARTMENT_APPROVE: S.AWAITING_AUTHORITY,
        A.DEPARTMENT_DECLINE: S.DECLINED,
        A.APPROVE: S.PUBLISHED,
    }[action]


@transaction.atomic
def transition(instrument_id: int, action: str, *, access: Access, user, comment: str = "") -> Instrument:
    """Apply one workflow step, record it, and tell the people who act next."""
    step = TRANSITIONS.get(action)
    if step is None:
        raise ValidationError({"action": _("未知操作：%(action)s") % {"action": action}})
    instrument = Instrument.objects.select_for_update().select_related("unit").get(pk=instrument_id)
    if instrument.registration_status not in step.sources:
        raise ValidationError(
            {
                "action": _("当前状态“%(status)s”下不能执行此操作。")
                % {"status": instrument.get_registration_status_display()}
            }
        )
    if not _may(access, action, instrument):
        raise PermissionDenied(_("您无权执行此操作。"))
    comment = (comment or "").strip()
    if step.needs_comment and not comment:
        raise ValidationError({"comment": _("退回或不同意时须填写理由。")})
    if action == RegistrationEvent.Action.SUBMIT:
        # A record must be complete before it leaves the unit's hands.
        instrument.full_clean()
        validate_acceptance_date(instrument)
    source = instrument.registration_status
    instrument.registration_status = _target(action, instrument)
    if instrument.registration_status == S.PUBLISHED:
        instrument.published_at = timezone.now()
    instrument._change_reason = f"{step.action.label}{'：' + comment if comment else ''}"
    instrument.save()
    RegistrationEvent.objects.create(
        instrument=instrument,
        action=action,
        from_status=source,
        to_status=instrument.registration_status,
        actor=user,
        comment=comment,
    )
    _notify_next(instrument, comment)
    return instrument


def _notify_next(instrument: Instrument, comment: str) -> None:
    status = instrument.registration_status
    url = reverse("registry:instrument_detail", args=[instrument.pk])
    if status == S.SUBMITTED:
        recipients = users_with_role(Role.UNIT_ADMIN, organization_id=instrument.unit_id)
    elif status == S.AWAITING_DEPARTMENT:
        recipients = users_with_role(
            Role.DEPARTMENT_ADMIN, department_id=instrument.unit.supervising_department_id
        )
    elif status == S.AWAITING_AUTHORITY:
        recipients = users_with_role(Role.PLATFORM_ADMIN)
    else:  # published, returned, declined: back to the unit
        recipients = users_with_role(
            Role.INFORMATION_OFFICER, organization_id=instrument.unit_id
        ) | users_with_role(Role.UNIT_ADMIN, organization_id=instrument.unit_id)
    subject = _("仪器入网：%(name)s（%(asset)s）%(status)s") % {
        "name": instrument.name,
        "asset": instrument.asset_number,
        "status": instrument.get_registration_status_display(),
    }
    notify(recipients, subject, comment, url)


def validate_attachment(kind: str, upload):
    """The checked upload of a photo or document (the limits are settings), or a ValidationError on ``file``."""
    if kind == InstrumentAttachment.Kind.PHOTO:
        return check_upload(upload, PHOTO, field="file", max_bytes=settings.YIQI_PHOTO_MAX_BYTES)
    return check_upload(upload, DOCUMENT, field="file", max_bytes=settings.YIQI_DOCUMENT_MAX_BYTES)


def add_attachment(attachment, *, access: Access, user):
    instrument = attachment.instrument
    if not scoping.can_edit(access, instrument):
        raise PermissionDenied(_("您无权为该仪器上传附件。"))
    checked = validate_attachment(attachment.kind, attachment.file)
    attachment.file.name = checked.stored_name
    attachment.title = attachment.title or display_name(checked.display_name, max_length=100)
    attachment.uploaded_by = user
    attachment.full_clean()
    attachment.save()
    return attachment
