"""Submitting an order: the sample, the answers to the instrument's extra questions, the user's organisation."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiqi.accounts.access import access_for
from yiqi.accounts.services import organizations_of
from yiqi.core.sequences import next_daily_number
from yiqi.registry.models import Instrument
from yiqi.servicerecords import services as records
from yiqi.servicerecords.models import ServiceKind

from ..models import OrderFormField, TestOrder
from .notices import notify_order, staff_contacts
from .visibility import order_refusal
from .workflow import ORDER_MACHINE

MAX_SAMPLES = 10000
MAX_TEXT_ANSWER = 500
TRUE_WORDS = {"true", "1", "yes", "on", "是"}
FALSE_WORDS = {"false", "0", "no", "off", "否"}


def _is_missing(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _clean_answer(field: OrderFormField, raw):
    """The stored form of one answer; raises ValidationError with the reason it is refused."""
    kind = OrderFormField.FieldType
    if field.field_type == kind.NUMBER:
        if isinstance(raw, bool) or not isinstance(raw, str | int | float | Decimal):
            raise ValidationError(_("请填写数字。"))
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            raise ValidationError(_("请填写数字。")) from None
        if not value.is_finite() or abs(value) >= Decimal("1e12"):
            raise ValidationError(_("请填写有效的数字。"))
        return format(value.normalize(), "f")
    if field.field_type == kind.BOOLEAN:
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().lower()
        if word in TRUE_WORDS | FALSE_WORDS:
            return word in TRUE_WORDS
        raise ValidationError(_("请选择“是”或“否”。"))
    if not isinstance(raw, str):
        raise ValidationError(_("请填写文字。"))
    value = raw.strip()
    if field.field_type == kind.CHOICE and value not in field.choice_list:
        raise ValidationError(_("请从给定选项中选择。"))
    if len(value) > MAX_TEXT_ANSWER:
        raise ValidationError(_("不能超过 %(n)d 个字。") % {"n": MAX_TEXT_ANSWER})
    return value


def clean_answers(instrument: Instrument, answers) -> dict:
    """Check the answers to the instrument's extra questions; errors are keyed by each question's key."""
    if answers is None:
        answers = {}
    if not isinstance(answers, dict):
        raise ValidationError({"answers": _("补充信息应为“字段标识: 值”的对象。")})
    fields = list(instrument.order_form_fields.all())
    errors: dict[str, list] = {}
    cleaned = {}
    for field in fields:
        raw = answers.get(field.key)
        if _is_missing(raw):
            if field.required:
                errors[field.key] = [_("此项为必填项。")]
            continue
        try:
            cleaned[field.key] = _clean_answer(field, raw)
        except ValidationError as error:
            errors[field.key] = error.messages
    unknown = sorted(set(answers) - {field.key for field in fields})
    if unknown:
        errors["answers"] = [_("没有这些补充信息项：%(keys)s。") % {"keys": "、".join(map(str, unknown))}]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _sample_count(value) -> int:
    if isinstance(value, bool):
        raise ValidationError(_("样品数量须为整数。"))
    try:
        count = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(_("样品数量须为整数。")) from None
    if count < 1:
        raise ValidationError(_("样品数量至少为 1。"))
    if count > MAX_SAMPLES:
        raise ValidationError(_("样品数量不能超过 %(n)d。") % {"n": MAX_SAMPLES})
    return count


@transaction.atomic
def submit_order(
    *,
    user,
    instrument: Instrument,
    sample_name: str,
    sample_count,
    sample_description: str,
    requirements: str,
    answers: dict | None = None,
    return_samples: bool = False,
    user_organization=None,
) -> TestOrder:
    """A user's new order; every field is checked, errors are reported together and keyed by field."""
    access = access_for(user)
    if not access.is_authenticated:
        raise PermissionDenied(_("请先登录。"))
    refusal = order_refusal(access, instrument)
    if refusal:
        raise ValidationError({"instrument": [refusal]})
    errors: dict[str, list] = {}
    try:
        sample_count = _sample_count(sample_count)
    except ValidationError as error:
        errors["sample_count"] = error.messages
    try:
        answers = clean_answers(instrument, answers)
    except ValidationError as error:
        errors.update(error.message_dict)
    organizations = list(organizations_of(user))
    if user_organization is None:
        user_organization = organizations[0] if organizations else None
    elif user_organization.pk not in {org.pk for org in organizations}:
        errors["user_organization"] = [_("您不是该单位的人员。")]
    order = TestOrder(
        instrument=instrument,
        user=user,
        user_organization=user_organization if "user_organization" not in errors else None,
        is_internal=user_organization is not None and user_organization.pk == instrument.unit_id,
        sample_name=(sample_name or "").strip(),
        sample_count=sample_count if "sample_count" not in errors else 1,
        sample_description=(sample_description or "").strip(),
        requirements=(requirements or "").strip(),
        answers=answers if isinstance(answers, dict) else {},
        return_samples=bool(return_samples),
    )
    try:
        order.full_clean(exclude=["number", "record", "answers", *errors])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    order.number = next_daily_number("WT", timezone.localdate(), TestOrder.objects)
    # Priced later, when staff estimate the hours (the quote step).
    order.record = records.open_record(
        ServiceKind.COMMISSIONED_TESTING,
        priced=False,
        instrument=instrument,
        user=user,
        user_organization=order.user_organization,
        is_internal=order.is_internal,
        reference=order.number,
        content=f"{order.sample_name}：{order.requirements}",
        sample_count=order.sample_count,
    )
    order.save(force_insert=True)
    ORDER_MACHINE.record_created(order, actor=user)
    notify_order(order, staff_contacts(order))
    return order
