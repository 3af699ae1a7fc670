"""Business rules of commissioned testing: submitting an order, its state machine, results files, who sees what.

Views and the API call these functions; nothing else changes an order.

Who sees what (the user's samples and data are their intellectual property):

- the ordering user, the staff assigned to the order, the instrument's manager and the unit's admins (who assign
  staff) see everything: sample description, requirements, answers, results files ("confidential");
- the unit's other technicians see the order in the unit's queue as number, instrument, status and dates only
  and cannot open it;
- platform admins open an oversight view: status, order number, sample count, machine-hours and fees, never the
  sample description, requirements, answers, comments or results;
- everybody else (other units, supervising departments, anonymous) sees nothing.

Completion: the order is completed when the ordering user first downloads a results file or accepts the results
on the order page ("accept"); if the user never does, the unit's staff may close it with a comment ("close").
Either way the order is billed, a usage record is written and the user is asked for a rating.
"""

import codecs
import os
import uuid
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access, access_for
from yiqi.accounts.models import Role, User
from yiqi.accounts.services import organizations_of, users_with_role
from yiqi.core.sequences import next_daily_number
from yiqi.fees import services as fees
from yiqi.fees.models import Charge
from yiqi.notifications.services import notify
from yiqi.registry import scoping
from yiqi.registry.models import Instrument
from yiqi.usage import services as usage

from .models import OrderEvent, OrderFormField, OrderResult, TestOrder
from .models import OrderStatus as S

USER, UNIT = "user", "unit"
OPEN_STATES = (S.SUBMITTED, S.QUOTED, S.CONFIRMED, S.SAMPLES_RECEIVED, S.TESTING, S.RESULTS_READY)
FINAL_STATES = (S.COMPLETED, S.CANCELLED, S.REJECTED)
RESULTS_PUBLISHED_STATES = (S.RESULTS_READY, S.COMPLETED)
MAX_HOURS = Decimal("10000")
MAX_SAMPLES = 10000
MAX_TEXT_ANSWER = 500


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    who: str  # USER: the ordering user; UNIT: staff serving the order
    needs_comment: bool = False


# The whole state machine: (action, sources → target, who may do it).
TRANSITIONS = {
    t.action: t
    for t in (
        Transition("quote", gettext_lazy("报价"), (S.SUBMITTED, S.QUOTED), S.QUOTED, UNIT),
        Transition("reject", gettext_lazy("拒绝受理"), (S.SUBMITTED,), S.REJECTED, UNIT, needs_comment=True),
        Transition("confirm", gettext_lazy("确认报价"), (S.QUOTED,), S.CONFIRMED, USER),
        Transition(
            "cancel", gettext_lazy("取消委托"), (S.SUBMITTED, S.QUOTED, S.CONFIRMED), S.CANCELLED, USER
        ),
        Transition("receive_samples", gettext_lazy("确认收样"), (S.CONFIRMED,), S.SAMPLES_RECEIVED, UNIT),
        Transition("start_testing", gettext_lazy("开始检测"), (S.SAMPLES_RECEIVED,), S.TESTING, UNIT),
        Transition("publish_results", gettext_lazy("发布结果"), (S.TESTING,), S.RESULTS_READY, UNIT),
        Transition("accept", gettext_lazy("确认完成"), (S.RESULTS_READY,), S.COMPLETED, USER),
        Transition(
            "close", gettext_lazy("结束委托"), (S.RESULTS_READY,), S.COMPLETED, UNIT, needs_comment=True
        ),
    )
}


# --- who sees and does what -------------------------------------------------------------------------------------


def _assigned_to(user_id) -> QuerySet:
    return TestOrder.assigned_staff.through.objects.filter(user_id=user_id).values("testorder_id")


def _staff_q(access: Access) -> Q:
    """Orders the user handles as staff: assigned to them, on an instrument they manage, or in a unit they run."""
    staff_units = access.staff_unit_ids
    return (
        Q(instrument__unit_id__in=access.unit_admin_unit_ids)
        | Q(instrument__manager_id=access.user_id, instrument__unit_id__in=staff_units)
        | Q(pk__in=_assigned_to(access.user_id), instrument__unit_id__in=staff_units)
    )


def confidential_orders(access: Access) -> QuerySet[TestOrder]:
    """Orders whose samples, answers and results the user may see."""
    if not access.is_authenticated:
        return TestOrder.objects.none()
    return TestOrder.objects.filter(Q(user_id=access.user_id) | _staff_q(access))


def can_see_confidential(access: Access, order: TestOrder) -> bool:
    return confidential_orders(access).filter(pk=order.pk).exists()


def handled_orders(access: Access) -> QuerySet[TestOrder]:
    """Orders the user serves as staff (not their own as a customer)."""
    if not access.is_authenticated:
        return TestOrder.objects.none()
    return TestOrder.objects.filter(_staff_q(access))


def _unit_q(access: Access) -> Q:
    service_units = access.organizations_with(Role.UNIT_ADMIN, Role.TECHNICIAN)
    return _staff_q(access) | Q(instrument__unit_id__in=service_units)


def unit_orders(access: Access) -> QuerySet[TestOrder]:
    """The queue of the units the user serves in: handled orders plus, for technicians, the rest of the unit's
    (shown as number, instrument, status and dates only)."""
    if not access.is_authenticated:
        return TestOrder.objects.none()
    return TestOrder.objects.filter(_unit_q(access))


def visible_orders(access: Access) -> QuerySet[TestOrder]:
    """Orders listed for the user: their own and their units' queue; every order for platform admins."""
    if access.is_platform_admin:
        return TestOrder.objects.all()
    if not access.is_authenticated:
        return TestOrder.objects.none()
    return TestOrder.objects.filter(Q(user_id=access.user_id) | _unit_q(access))


def openable_orders(access: Access) -> QuerySet[TestOrder]:
    """Orders whose page opens: the confidential ones, and every order's oversight view for platform admins."""
    if access.is_platform_admin:
        return TestOrder.objects.all()
    return confidential_orders(access)


def serves(access: Access, order: TestOrder) -> bool:
    """Acts for the unit on this order: can serve the instrument and handles the order (see ``_staff_q``)."""
    return (
        access.is_authenticated
        and scoping.can_serve(access, order.instrument)
        and handled_orders(access).filter(pk=order.pk).exists()
    )


def can_assign(access: Access, order: TestOrder) -> bool:
    return order.status not in FINAL_STATES and serves(access, order)


def can_upload_results(access: Access, order: TestOrder) -> bool:
    return order.status == S.TESTING and serves(access, order)


def can_download_results(access: Access, order: TestOrder) -> bool:
    """Staff serving the order always; the ordering user once results are published."""
    if serves(access, order):
        return True
    return order.user_id == access.user_id and order.status in RESULTS_PUBLISHED_STATES


def assignable_staff(order: TestOrder):
    """Technicians of the instrument's unit."""
    return users_with_role(Role.TECHNICIAN, organization_id=order.instrument.unit_id).order_by(
        "full_name", "pk"
    )


def _may(access: Access, step: Transition, order: TestOrder, *, serving: bool | None = None) -> bool:
    if step.who == USER:
        return access.is_authenticated and order.user_id == access.user_id
    return serves(access, order) if serving is None else serving


def available_actions(order: TestOrder, access: Access) -> list[str]:
    """The actions this user may take on the order now, in the order of the state machine."""
    serving = serves(access, order)
    return [
        step.action
        for step in TRANSITIONS.values()
        if order.status in step.sources and _may(access, step, order, serving=serving)
    ]


def order_refusal(access: Access, instrument: Instrument, *, require_login: bool = True) -> str | None:
    """Why this user cannot order a test on this instrument, or None if they can (or could, once logged in)."""
    if not scoping.is_open_for_service(instrument):
        return _("该仪器当前不对外服务（未发布、停用或不共享）。")
    if not instrument.offers_commissioned_testing:
        return _("该仪器不提供委托测试。")
    if not scoping.sharing_admits(access, instrument):
        return _("该仪器仅供本单位内部使用。")
    if require_login and not access.is_authenticated:
        return _("请先登录。")
    return None


# --- submitting an order ----------------------------------------------------------------------------------------

TRUE_WORDS = {"true", "1", "yes", "on", "是"}
FALSE_WORDS = {"false", "0", "no", "off", "否"}
# An order's own fields: a manager's extra question may not take these keys (errors are keyed by field).
RESERVED_KEYS = frozenset(
    {
        "instrument", "user", "user_organization", "sample_name", "sample_count", "sample_description",
        "requirements", "answers", "return_samples", "number", "status", "action", "comment", "files", "staff",
    }
)  # fmt: skip


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
        order.full_clean(exclude=["number", "answers", *errors])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    order.number = next_daily_number("WT", timezone.localdate(), TestOrder.objects)
    order.save(force_insert=True)
    OrderEvent.objects.create(order=order, from_status="", to_status=order.status, actor=user)
    _notify(order, _staff_contacts(order))
    return order


# --- the state machine ------------------------------------------------------------------------------------------


def _locked(order: TestOrder) -> TestOrder:
    locked = TestOrder.objects.select_for_update().get(pk=order.pk)
    locked.instrument = Instrument.objects.select_related("unit").get(pk=locked.instrument_id)
    return locked


def _hours(value, field: str) -> Decimal:
    if value is None or value == "":
        raise ValidationError({field: [_("请填写机时。")]})
    try:
        hours = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({field: [_("机时须为数字。")]}) from None
    if not hours.is_finite() or hours < 0:
        raise ValidationError({field: [_("机时不能为负数。")]})
    if hours > MAX_HOURS:
        raise ValidationError({field: [_("机时不能超过 %(n)s 小时。") % {"n": MAX_HOURS}]})
    return fees.to_fen(hours)


def _record_test_time(order: TestOrder, machine_hours, tested_from, tested_until) -> None:
    """Staff record how long the test ran before results go out; the bill is computed from these hours."""
    if not order.results.exists():
        raise ValidationError({"files": [_("请先上传至少一个结果文件。")]})
    hours = _hours(machine_hours, "machine_hours")
    now = timezone.now()
    tested_from = tested_from or order.tested_from
    tested_until = tested_until or now
    if tested_from is None:
        raise ValidationError({"tested_from": [_("请填写检测开始时间。")]})
    # Naive times are Beijing time, whatever the server's zone.
    tested_from, tested_until = (
        timezone.make_aware(t, timezone.get_default_timezone()) if timezone.is_naive(t) else t
        for t in (tested_from, tested_until)
    )
    if tested_until > now + timedelta(minutes=5):
        raise ValidationError({"tested_until": [_("检测结束时间不能晚于现在。")]})
    if tested_from >= tested_until:
        raise ValidationError({"tested_until": [_("检测结束时间须晚于开始时间。")]})
    span = Decimal((tested_until - tested_from).total_seconds()) / Decimal(3600)
    if hours > fees.to_fen(span):
        raise ValidationError({"machine_hours": [_("机时不能超过检测起止时间之差。")]})
    order.machine_hours = hours
    order.tested_from = tested_from
    order.tested_until = tested_until


def _void_charge(order: TestOrder) -> None:
    charge = Charge.objects.filter(order=order).first()
    if charge is not None:
        fees.void(charge)


def _apply(order: TestOrder, step: Transition, *, actor, comment: str, params: dict) -> TestOrder:
    """Move a locked order along ``step`` (rights and state already checked), with its side effects."""
    if step.action == "quote":
        hours = _hours(params.get("hours"), "hours")
        order.estimated_hours = hours
    elif step.action == "start_testing":
        order.tested_from = timezone.now()
    elif step.action == "publish_results":
        _record_test_time(
            order, params.get("machine_hours"), params.get("tested_from"), params.get("tested_until")
        )
    source = order.status
    order.status = step.target
    order.save()
    OrderEvent.objects.create(
        order=order, from_status=source, to_status=order.status, actor=actor, comment=comment
    )
    if step.action == "quote":
        fees.quote_order(order, hours=order.estimated_hours)
    elif step.target in (S.CANCELLED, S.REJECTED):
        _void_charge(order)
    elif step.target == S.COMPLETED:
        fees.bill_order(order)
        usage.record_for_order(order, actor=actor)
    _notify(order, [order.user] if step.who == UNIT else _staff_contacts(order), comment)
    if step.target == S.COMPLETED:
        notify(
            [order.user],
            _("请评价委托测试服务：%(number)s") % {"number": order.number},
            _("您的委托测试已完成，欢迎对服务的及时性、态度和结果质量作出评价。"),
            reverse("feedback:rate_order", args=[order.pk]),
        )
    return order


@transaction.atomic
def transition(order: TestOrder, action: str, *, actor, comment: str = "", **params) -> TestOrder:
    """Apply one step of the state machine. ``params``: ``hours`` (quote); ``machine_hours``, ``tested_from``,
    ``tested_until`` (publish_results)."""
    step = TRANSITIONS.get(action)
    if step is None:
        raise ValidationError({"action": [_("未知操作：%(action)s") % {"action": action}]})
    order = _locked(order)
    access = access_for(actor)
    if not _may(access, step, order):
        raise PermissionDenied(_("您无权对该委托单执行此操作。"))
    if order.status not in step.sources:
        raise ValidationError(
            {
                "action": [
                    _("委托单当前状态为“%(status)s”，不能%(action)s。")
                    % {"status": order.get_status_display(), "action": step.label}
                ]
            }
        )
    comment = (comment or "").strip()
    if step.needs_comment and not comment:
        raise ValidationError({"comment": [_("请填写理由。")]})
    if len(comment) > 1000:
        raise ValidationError({"comment": [_("说明不能超过 1000 个字。")]})
    return _apply(order, step, actor=actor, comment=comment, params=params)


def quote(order, *, actor, hours, comment="") -> TestOrder:
    return transition(order, "quote", actor=actor, comment=comment, hours=hours)


def reject(order, *, actor, comment) -> TestOrder:
    return transition(order, "reject", actor=actor, comment=comment)


def confirm(order, *, actor, comment="") -> TestOrder:
    return transition(order, "confirm", actor=actor, comment=comment)


def cancel(order, *, actor, reason="") -> TestOrder:
    return transition(order, "cancel", actor=actor, comment=reason)


def receive_samples(order, *, actor, comment="") -> TestOrder:
    return transition(order, "receive_samples", actor=actor, comment=comment)


def start_testing(order, *, actor, comment="") -> TestOrder:
    return transition(order, "start_testing", actor=actor, comment=comment)


def publish_results(
    order, *, actor, machine_hours, tested_from=None, tested_until=None, comment=""
) -> TestOrder:
    return transition(
        order,
        "publish_results",
        actor=actor,
        comment=comment,
        machine_hours=machine_hours,
        tested_from=tested_from,
        tested_until=tested_until,
    )


def accept(order, *, actor, comment="") -> TestOrder:
    return transition(order, "accept", actor=actor, comment=comment)


def close(order, *, actor, comment) -> TestOrder:
    return transition(order, "close", actor=actor, comment=comment)


# --- notifications ----------------------------------------------------------------------------------------------


def _staff_contacts(order: TestOrder) -> list:
    """The unit's side of an order: its assigned staff and the instrument's manager, else the unit's admins."""
    staff_ids = set(
        users_with_role(Role.TECHNICIAN, organization_id=order.instrument.unit_id)
        .filter(assigned_test_orders=order)
        .values_list("pk", flat=True)
    )
    manager = order.instrument.manager
    if manager is not None and order.instrument.unit_id in access_for(manager).staff_unit_ids:
        staff_ids.add(manager.pk)
    if not staff_ids:
        return list(users_with_role(Role.UNIT_ADMIN, organization_id=order.instrument.unit_id))
    return list(User.objects.filter(pk__in=staff_ids))


def _notify(order: TestOrder, recipients, comment: str = "") -> None:
    subject = _("委托测试 %(number)s（%(instrument)s）：%(status)s") % {
        "number": order.number,
        "instrument": order.instrument.name,
        "status": order.get_status_display(),
    }
    notify(recipients, subject, comment, reverse("orders:detail", args=[order.pk]))


# --- staff ------------------------------------------------------------------------------------------------------


@transaction.atomic
def assign_staff(order: TestOrder, staff, *, actor) -> TestOrder:
    """Set the technicians responsible for the order (they then see its samples and results)."""
    order = _locked(order)
    if not serves(access_for(actor), order):
        raise PermissionDenied(_("您无权为该委托单指派人员。"))
    if order.status in FINAL_STATES:
        raise ValidationError({"staff": [_("已结束的委托单不能再指派人员。")]})
    staff = list(staff)
    allowed = set(assignable_staff(order).values_list("pk", flat=True))
    strangers = [str(user) for user in staff if user.pk not in allowed]
    if strangers:
        raise ValidationError(
            {"staff": [_("以下人员不是本单位的实验技术人员：%(names)s。") % {"names": "、".join(strangers)}]}
        )
    before = set(order.assigned_staff.values_list("pk", flat=True))
    order.assigned_staff.set(staff)
    OrderEvent.objects.create(
        order=order,
        from_status=order.status,
        to_status=order.status,
        actor=actor,
        comment=_("负责人员：%(names)s") % {"names": "、".join(str(user) for user in staff) or "—"},
    )
    added = [user for user in staff if user.pk not in before]
    notify(
        added,
        _("您被指派负责委托测试 %(number)s（%(instrument)s）")
        % {"number": order.number, "instrument": order.instrument.name},
        "",
        reverse("orders:detail", args=[order.pk]),
    )
    return order


# --- results files ----------------------------------------------------------------------------------------------

ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
# Extension → leading bytes the content must start with (None: plain text, checked by decoding).
RESULT_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "xlsx": ZIP_SIGNATURES,
    "docx": ZIP_SIGNATURES,
    "zip": ZIP_SIGNATURES,
    "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),  # OLE2 compound document
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "tif": (b"II*\x00", b"MM\x00*"),
    "tiff": (b"II*\x00", b"MM\x00*"),
    "csv": None,
    "txt": None,
}
# An Office Open XML file is a zip holding [Content_Types].xml and its own part folder.
OFFICE_PARTS = {"xlsx": "xl/", "docx": "word/"}
TEXT_BYTES = bytes({7, 8, 9, 10, 12, 13, 27} | set(range(0x20, 0x100)) - {0x7F})
DEFAULT_RESULT_MAX_BYTES = 50 * 1024 * 1024


def result_max_bytes() -> int:
    return getattr(settings, "ORDER_RESULT_MAX_BYTES", DEFAULT_RESULT_MAX_BYTES)


def _extension(name: str) -> str:
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def _display_name(name: str) -> str:
    """The file's own name without any path a client sent, cut to fit while keeping the extension."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip() or "result"
    stem, ext = os.path.splitext(name)
    return stem[: 200 - len(ext)] + ext


def _looks_like_text(upload) -> bool:
    head = upload.read(64 * 1024)
    upload.seek(0)
    if head.translate(None, TEXT_BYTES):
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _is_office_file(upload, part: str) -> bool:
    try:
        with zipfile.ZipFile(upload.file) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, EOFError):
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and any(name.startswith(part) for name in names)


def validate_result_file(upload) -> str:
    """Refuse a results file of the wrong type (by extension and by content) or over the size limit."""
    name = _display_name(upload.name)
    ext = _extension(name)
    if ext not in RESULT_SIGNATURES:
        raise ValidationError(
            _("“%(name)s”的类型不被接受，仅接受：%(types)s。")
            % {"name": name, "types": "、".join(t for t in RESULT_SIGNATURES if t not in ("jpeg", "tiff"))}
        )
    limit = result_max_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s”过大（%(size)s），单个文件上限 %(limit)s。")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s”是空文件。") % {"name": name})
    upload.seek(0)
    signatures = RESULT_SIGNATURES[ext]
    if signatures is None:
        genuine = _looks_like_text(upload)
    else:
        genuine = upload.read(16).startswith(signatures)
        upload.seek(0)
        if genuine and ext in OFFICE_PARTS:
            genuine = _is_office_file(upload, OFFICE_PARTS[ext])
    if not genuine:
        raise ValidationError(
            _("“%(name)s”的内容与扩展名 .%(ext)s 不符，请上传真实的文件。") % {"name": name, "ext": ext}
        )
    return ext


@transaction.atomic
def add_results(order: TestOrder, uploads, *, actor) -> list[OrderResult]:
    """Store results files (all or none) while the order is being tested."""
    order = _locked(order)
    if not serves(access_for(actor), order):
        raise PermissionDenied(_("您无权为该委托单上传结果。"))
    if order.status != S.TESTING:
        raise ValidationError({"files": [_("只有检测中的委托单可以上传结果文件。")]})
    uploads = [upload for upload in uploads if upload]
    if not uploads:
        raise ValidationError({"files": [_("请选择要上传的结果文件。")]})
    problems = []
    for upload in uploads:
        try:
            validate_result_file(upload)
        except ValidationError as error:
            problems.extend(error.messages)
    if problems:
        raise ValidationError({"files": problems})
    saved: list[OrderResult] = []
    try:
        for upload in uploads:
            result = OrderResult(
                order=order, original_name=_display_name(upload.name), size=upload.size, uploaded_by=actor
            )
            result.file.save(f"{uuid.uuid4().hex}.{_extension(upload.name)}", upload, save=False)
            saved.append(result)
            result.save()
    except Exception:
        for result in saved:  # nothing half-saved: no orphaned files either
            result.file.delete(save=False)
        raise
    OrderEvent.objects.create(
        order=order,
        from_status=order.status,
        to_status=order.status,
        actor=actor,
        comment=_("上传结果文件：%(names)s") % {"names": "、".join(r.original_name for r in saved)},
    )
    return saved


@transaction.atomic
def remove_result(result: OrderResult, *, actor) -> None:
    """Take back a file uploaded by mistake, before results are published."""
    order = _locked(result.order)
    if not serves(access_for(actor), order):
        raise PermissionDenied(_("您无权删除该结果文件。"))
    if order.status != S.TESTING:
        raise ValidationError({"files": [_("结果发布后不能再删除文件。")]})
    OrderEvent.objects.create(
        order=order,
        from_status=order.status,
        to_status=order.status,
        actor=actor,
        comment=_("删除结果文件：%(name)s") % {"name": result.original_name},
    )
    result.file.delete(save=False)
    result.delete()


def visible_results(access: Access, order: TestOrder) -> QuerySet[OrderResult]:
    if can_download_results(access, order):
        return order.results.select_related("uploaded_by")
    return order.results.none()


@transaction.atomic
def open_result(result: OrderResult, *, actor) -> OrderResult:
    """Hand a results file to someone allowed to have it. The ordering user's first download is recorded, and
    downloading published results completes the order (billing it)."""
    order = _locked(result.order)
    access = access_for(actor)
    if not can_download_results(access, order):
        raise PermissionDenied(_("您无权下载该结果文件。"))
    if order.user_id == access.user_id:
        if result.downloaded_at is None:
            result.downloaded_at = timezone.now()
            result.save(update_fields=["downloaded_at"])
        if order.status == S.RESULTS_READY:
            _apply(order, TRANSITIONS["accept"], actor=actor, comment=_("用户下载了检测结果。"), params={})
    return result


# --- the instrument's extra questions ---------------------------------------------------------------------------


def _check_manages(actor, instrument: Instrument) -> None:
    if not scoping.can_manage_service(access_for(actor), instrument):
        raise PermissionDenied(_("您无权设置该仪器的委托单。"))


@transaction.atomic
def save_form_field(field: OrderFormField, *, actor) -> OrderFormField:
    """Add or change one of the questions asked on every order of the instrument."""
    _check_manages(actor, field.instrument)
    field.key = (field.key or "").strip()
    field.label = (field.label or "").strip()
    field.help_text = (field.help_text or "").strip()
    errors: dict[str, list] = {}
    if field.key in RESERVED_KEYS:
        errors["key"] = [_("“%(key)s”是系统保留的标识，请换一个。") % {"key": field.key}]
    elif (
        OrderFormField.objects.filter(instrument=field.instrument, key=field.key)
        .exclude(pk=field.pk)
        .exists()
    ):
        errors["key"] = [_("该仪器已有标识为“%(key)s”的字段。") % {"key": field.key}]
    if field.field_type == OrderFormField.FieldType.CHOICE:
        if not field.choice_list:
            errors["choices"] = [_("单选题至少要有一个选项。")]
        field.choices = "\n".join(dict.fromkeys(field.choice_list))
    else:
        field.choices = ""
    if field.pk is None:
        last = OrderFormField.objects.filter(instrument=field.instrument).aggregate(m=Max("position"))["m"]
        field.position = 0 if last is None else last + 1
    try:
        field.full_clean(exclude=list(errors))
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    field.save()
    return field


@transaction.atomic
def delete_form_field(field: OrderFormField, *, actor) -> None:
    """Stop asking a question; answers already given stay on their orders."""
    _check_manages(actor, field.instrument)
    field.delete()


@transaction.atomic
def move_form_field(field: OrderFormField, offset: int, *, actor) -> None:
    """Move a question up (offset -1) or down (+1) the form."""
    _check_manages(actor, field.instrument)
    fields = list(OrderFormField.objects.select_for_update().filter(instrument_id=field.instrument_id))
    index = next(i for i, f in enumerate(fields) if f.pk == field.pk)
    target = min(max(index + offset, 0), len(fields) - 1)
    fields.insert(target, fields.pop(index))
    for position, f in enumerate(fields):
        f.position = position
    OrderFormField.objects.bulk_update(fields, ["position"])
