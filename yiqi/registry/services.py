"""Business rules of the registry: saving a record and moving it through the registration workflow.

Forms, the API and the spreadsheet import all call these, so the rules hold whichever way data arrives.
"""

import nh3
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access
from yiqi.accounts.models import Role
from yiqi.accounts.services import users_with_role
from yiqi.core.uploads import DOCUMENT, PHOTO, check_upload, display_name
from yiqi.core.validators import validate_past_date
from yiqi.core.workflow import BulkOutcome, StateMachine, Transition, run_each
from yiqi.notifications.services import Phrase, notify
from yiqi.organizations.models import Deployment

from . import scoping
from .deadlines import apply_deadline, is_mandatory
from .models import Instrument, InstrumentAttachment, RegistrationAction
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
    if instrument.acceptance_date and _sane(instrument.acceptance_date):
        apply_deadline(instrument, deployment)


def _sane(day) -> bool:
    """Whether a date lies in the range people may enter; outside it the field's validator refuses it (the
    working-day calendar is never asked about 9999-12-31)."""
    try:
        validate_past_date(day)
    except ValidationError:
        return False
    return True


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


A = RegistrationAction


def _confirmed(instrument: Instrument) -> str:
    """A confirmed record goes straight to the authority when registration is mandatory, else to its department."""
    return S.AWAITING_AUTHORITY if is_mandatory(instrument) else S.AWAITING_DEPARTMENT


MACHINE = StateMachine(
    Instrument,
    [
        Transition(A.SUBMIT, A.SUBMIT.label, (S.DRAFT, S.RETURNED, S.DECLINED), S.SUBMITTED),
        Transition(A.CONFIRM, A.CONFIRM.label, (S.SUBMITTED,), _confirmed),
        Transition(
            A.RETURN,
            A.RETURN.label,
            (S.SUBMITTED, S.AWAITING_AUTHORITY),
            S.RETURNED,
            needs_comment=True,
        ),
        Transition(
            A.DEPARTMENT_APPROVE,
            A.DEPARTMENT_APPROVE.label,
            (S.AWAITING_DEPARTMENT,),
            S.AWAITING_AUTHORITY,
        ),
        Transition(
            A.DEPARTMENT_DECLINE,
            A.DEPARTMENT_DECLINE.label,
            (S.AWAITING_DEPARTMENT,),
            S.DECLINED,
            needs_comment=True,
        ),
        Transition(A.APPROVE, A.APPROVE.label, (S.AWAITING_AUTHORITY,), S.PUBLISHED),
    ],
    field="registration_status",
    missing_comment=gettext_lazy("退回或不同意时须填写理由。"),
    lock_related=("unit",),
)


def _may(access: Access, action: str, instrument: Instrument) -> bool:
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
    return [t for t in MACHINE.available(instrument) if _may(access, t.action, instrument)]


@transaction.atomic
def transition(instrument_id: int, action: str, *, access: Access, user, comment: str = "") -> Instrument:
    """Apply one workflow step (audited by the state machine), and tell the people who act next."""
    comment = (comment or "").strip()

    def prepare(instrument: Instrument, step: Transition) -> None:
        if step.action == A.SUBMIT:
            # A record must be complete before it leaves the unit's hands.
            instrument.full_clean()
            validate_acceptance_date(instrument)
        if step.target_for(instrument) == S.PUBLISHED:
            instrument.published_at = timezone.now()
        instrument._change_reason = f"{step.label}{'：' + comment if comment else ''}"

    def permitted(instrument: Instrument, step: Transition) -> bool:
        MACHINE.check(instrument, step)  # a step the state does not allow is refused as such, whoever asks
        return _may(access, step.action, instrument)

    instrument = MACHINE.run(
        Instrument(pk=instrument_id),
        action,
        actor=user,
        comment=comment,
        permitted=permitted,
        prepare=prepare,
    )
    _notify_next(instrument, comment)
    return instrument


def bulk_transition(instrument_ids, action: str, *, access: Access, user, comment: str = "") -> BulkOutcome:
    """One action with one comment on many records (a review queue's approve or return): each record still goes
    through the workflow on its own, with its own checks, audit event and notice; refusals are reported per record."""
    comment = MACHINE.clean_comment(
        MACHINE.step(action), comment
    )  # a return without a reason refuses them all
    instruments = scoping.visible_instruments(access).filter(pk__in=instrument_ids).order_by("pk")
    return run_each(
        instruments.only("pk", "name", "asset_number"),
        lambda instrument: transition(instrument.pk, action, access=access, user=user, comment=comment),
    )


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
    subject = Phrase(
        gettext_lazy("仪器入网：%(name)s（%(asset)s）%(status)s"),
        name=instrument.name,
        asset=instrument.asset_number,
        status=S(status).label,
    )
    notify(recipients, subject, comment, url, kind="registration", context={"instrument": instrument})


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
