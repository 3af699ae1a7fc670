"""Business rules of the other S&T resources: who sees and edits them, the fields each kind needs, the
registration workflow (the registry's, draft → … → published → withdrawn) and the requests to use them, each with its service record.

Views, forms and the API call these, so the rules hold whichever way data arrives.
"""

import secrets
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access
from yiqi.accounts.models import Role
from yiqi.accounts.services import organizations_of, users_with_role
from yiqi.core.transactions import after_commit_once
from yiqi.core.workflow import StateMachine, Transition
from yiqi.notifications.services import Phrase, notify
from yiqi.registry import services as registration
from yiqi.registry.models import RegistrationAction
from yiqi.servicerecords import services as records
from yiqi.servicerecords.models import ServiceKind

from .models import (
    AccessLevel,
    Licence,
    RequestShape,
    RequestStatus,
    Resource,
    ResourceKind,
    ResourceRequest,
    ResourceStatus,
)
from .signals import resources_published_changed

# --- who sees what ------------------------------------------------------------------------------------------------


def visible_resources(access: Access) -> QuerySet[Resource]:
    """Published resources for everyone; a unit's own records for its staff; supervised units' for departments."""
    queryset = Resource.objects.select_related("unit")
    if access.is_platform_admin:
        return queryset
    scope = Q(status=ResourceStatus.PUBLISHED)
    if access.staff_unit_ids:
        scope |= Q(unit_id__in=access.staff_unit_ids)
    if access.department_ids:
        scope |= Q(unit__supervising_department_id__in=access.department_ids)
    return queryset.filter(scope)


def published_resources() -> QuerySet[Resource]:
    return (
        Resource.objects.filter(status=ResourceStatus.PUBLISHED)
        .select_related("unit")
        .order_by("-published_at", "-id")
    )


def sees_unit_resources(access: Access) -> bool:
    """Who has a list of records in every state: unit staff (their units'), supervising departments (their units',
    to review) and the platform admin (all)."""
    return access.is_platform_admin or bool(access.staff_unit_ids) or bool(access.department_ids)


def unit_side_resources(access: Access, status: str = "") -> QuerySet[Resource]:
    """The records of the units the user works in or supervises (all for the platform admin), in one state if
    ``status`` names one."""
    rows = Resource.objects.select_related("unit")
    if not access.is_platform_admin:
        rows = rows.filter(
            Q(unit_id__in=access.staff_unit_ids)
            | Q(unit__supervising_department_id__in=access.department_ids)
        )
    return rows.filter(status=status) if status in ResourceStatus.values else rows


def can_edit(access: Access, resource: Resource) -> bool:
    return resource.is_editable and resource.unit_id in access.editor_unit_ids


def can_decide(access: Access, unit_id: int) -> bool:
    """The unit's admins publish its resources and decide requests for them."""
    return unit_id in access.unit_admin_unit_ids


def visible_requests(access: Access) -> QuerySet[ResourceRequest]:
    """The parties only: the requester, and the staff of the unit holding the resource (and the platform admin)."""
    queryset = ResourceRequest.objects.select_related("resource__unit", "user", "record")
    if access.is_platform_admin:
        return queryset
    if not access.is_authenticated:
        return queryset.none()
    scope = Q(user_id=access.user_id)
    if access.staff_unit_ids:
        scope |= Q(resource__unit_id__in=access.staff_unit_ids)
    return queryset.filter(scope)


# --- the record ---------------------------------------------------------------------------------------------------

# The fields a kind cannot go without, and the kind-specific fields cleared for other kinds.
REQUIRED = {
    ResourceKind.DATASET: ("subject", "data_format", "licence"),
    ResourceKind.LITERATURE: ("authors", "year", "source_title"),
    ResourceKind.REPORT: ("authors", "year", "publisher"),
    ResourceKind.NATURAL: ("natural_kind", "collection", "species", "supply_conditions"),
}
KIND_FIELDS = {
    ResourceKind.DATASET: (
        "time_coverage",
        "space_coverage",
        "data_format",
        "data_size",
        "licence",
        "doi",
        "landing_url",
    ),
    ResourceKind.LITERATURE: ("authors", "publisher", "year", "identifier", "source_title"),
    ResourceKind.REPORT: ("authors", "publisher", "year", "identifier", "source_title"),
    ResourceKind.NATURAL: ("natural_kind", "collection", "species", "item_count", "supply_conditions"),
}
ALL_KIND_FIELDS = {name for names in KIND_FIELDS.values() for name in names}


def fields_for(kind: str) -> tuple[str, ...]:
    return KIND_FIELDS.get(kind, ())


def _check_kind_fields(resource: Resource) -> None:
    errors = {}
    for name in REQUIRED.get(resource.kind, ()):
        value = getattr(resource, name)
        if value in (None, ""):
            errors[name] = [
                _("%(kind)s须填写“%(field)s”。")
                % {
                    "kind": resource.get_kind_display(),
                    "field": Resource._meta.get_field(name).verbose_name,
                }
            ]
    if resource.licence and resource.licence not in Licence.values:
        errors["licence"] = [_("许可协议须从列表中选择。")]
    year = resource.year
    if year is not None and not 1900 <= year <= timezone.localdate().year:
        errors["year"] = [_("年份须在 1900 年至今年之间。")]
    try:  # the field validators and the model's own checks (a data set's DOI or landing URL), reported together
        resource.full_clean()
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(m for m in messages if m not in errors.get(name, []))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_resource(resource: Resource, *, access: Access, user=None) -> Resource:
    """Create or update a record after checking the actor's rights and every field; the workflow fields change
    only through ``act``."""
    if resource.pk is None:
        if resource.unit_id not in access.editor_unit_ids:
            raise PermissionDenied(_("您无权为该单位登记科技资源。"))
        resource.created_by = user
        resource.status = ResourceStatus.DRAFT
        resource.published_at = None
    else:
        stored = Resource.objects.select_for_update().get(pk=resource.pk)
        if not can_edit(access, stored):
            raise PermissionDenied(_("该记录当前不可由您修改。"))
        if stored.unit_id != resource.unit_id or stored.kind != resource.kind:
            raise ValidationError({"kind": [_("不能更改资源的单位或类别。")]})
        resource.status, resource.published_at = stored.status, stored.published_at
    for name in ALL_KIND_FIELDS - set(fields_for(resource.kind)):
        field = Resource._meta.get_field(name)
        setattr(resource, name, None if field.null else "")
    _check_kind_fields(resource)
    resource.save()
    if resource.status == ResourceStatus.PUBLISHED:
        _tell_catalogue(resource)
    return resource


# --- the registration workflow -----------------------------------------------------------------------------------
# The registry's steps and who may take them, on the resource's own status: submit (unit editors) → unit
# confirmation → the supervising department → the platform authority, who publishes; returns and declines with a
# reason. Resources add one step of their own: the unit withdraws a published record from the catalogue.

A = RegistrationAction
S = ResourceStatus


def _for_resources(step: Transition) -> Transition:
    if (
        step.action == A.CONFIRM
    ):  # no value threshold for resources: every one goes by its supervising department
        return replace(step, target=S.AWAITING_DEPARTMENT)
    if step.action == A.SUBMIT:  # a withdrawn record goes round again
        return replace(step, sources=(*step.sources, S.WITHDRAWN))
    return step


MACHINE = StateMachine(
    Resource,
    [
        *(_for_resources(step) for step in registration.MACHINE.transitions.values()),
        Transition(A.WITHDRAW, gettext_lazy("撤回发布"), (S.PUBLISHED,), S.WITHDRAWN, needs_comment=True),
    ],
    missing_comment=registration.MACHINE.missing_comment,
    lock_related=("unit",),
)


def _may(access: Access, resource: Resource, step: Transition) -> bool:
    """The registry's rule for its steps (read through the resource's unit and state); the unit's admins withdraw."""
    if step.action == A.WITHDRAW:
        return can_decide(access, resource.unit_id) or access.is_platform_admin
    state = S.DRAFT if resource.status == S.WITHDRAWN else resource.status
    as_registered = SimpleNamespace(unit_id=resource.unit_id, unit=resource.unit, registration_status=state)
    return step.action in {t.action for t in registration.available_actions(access, as_registered)}


def allowed_actions(access: Access, resource: Resource) -> list:
    return [step for step in MACHINE.available(resource) if _may(access, resource, step)]


def act(resource: Resource, action: str, *, access: Access, actor, comment: str = "") -> Resource:
    """Take a registration step; one audit event each. The catalogue hears when the public state changed."""

    def prepare(locked: Resource, step: Transition) -> None:
        if step.action == A.SUBMIT:
            _check_kind_fields(locked)  # complete before it leaves the unit's hands
        if step.target_for(locked) == S.PUBLISHED:
            locked.published_at = timezone.now()

    def permitted(locked: Resource, step: Transition) -> bool:
        MACHINE.check(locked, step)  # a step the state does not allow is refused as such, whoever asks
        return _may(access, locked, step)

    resource = MACHINE.run(
        resource, action, actor=actor, comment=comment, permitted=permitted, prepare=prepare
    )
    if action in (A.APPROVE, A.WITHDRAW):
        _tell_catalogue(resource)
    return resource


def _tell_catalogue(resource: Resource) -> None:
    """Once the transaction commits, tell the layers above that a record entered, changed in or left the public view."""
    after_commit_once(
        "resources_published",
        [resource.pk],
        lambda ids: resources_published_changed.send(Resource, ids=sorted(ids)),
    )


def unit_resources(unit) -> QuerySet[Resource]:
    """The unit's registered resources in any state but draft and withdrawn (read by the yearly census)."""
    return (
        Resource.objects.filter(unit=unit).exclude(status__in=(S.DRAFT, S.WITHDRAWN)).order_by("kind", "name")
    )


# --- requests -----------------------------------------------------------------------------------------------------

# What a request is called for each kind of resource.
REQUEST_LABELS = {
    ResourceKind.DATASET: gettext_lazy("数据访问申请"),
    ResourceKind.LITERATURE: gettext_lazy("复制或借阅申请"),
    ResourceKind.REPORT: gettext_lazy("复制或借阅申请"),
    ResourceKind.NATURAL: gettext_lazy("样品供应申请"),
}
# The shapes a request for each kind may take, the first the default: a copy is delivered once, a loan comes back.
SHAPES = {
    ResourceKind.DATASET: (RequestShape.ACCESS,),
    ResourceKind.LITERATURE: (RequestShape.COPY, RequestShape.LOAN),
    ResourceKind.REPORT: (RequestShape.COPY, RequestShape.LOAN),
    ResourceKind.NATURAL: (RequestShape.SAMPLE,),
}
REQUESTABLE = (AccessLevel.OPEN, AccessLevel.ON_APPLICATION)
PURPOSE_MAX_LENGTH = 1000
MAX_LOAN_DAYS = 180


def request_refusal(access: Access, resource: Resource) -> str | None:
    """Why the user cannot request the resource (None when they can)."""
    if not access.is_authenticated:
        return _("请先登录。")
    if resource.status != ResourceStatus.PUBLISHED:
        return _("该资源尚未发布，不能申请。")
    if resource.access_level not in REQUESTABLE:
        return _("该资源受限使用，请联系管理单位。")
    return None


def _number() -> str:
    return f"ZY{timezone.localdate():%Y%m%d}{secrets.token_hex(3).upper()}"


def _unit_admins(unit_id: int) -> list:
    return list(users_with_role(Role.UNIT_ADMIN, organization_id=unit_id))


@transaction.atomic
def request_resource(
    resource: Resource, *, access: Access, user, purpose: str, quantity: int = 1, shape: str = ""
) -> ResourceRequest:
    """A signed-in user asks to use a published resource (in one of the shapes its kind allows); the request opens
    its service record."""
    refusal = request_refusal(access, resource)
    if refusal:
        raise ValidationError({"resource": [refusal]})
    errors = {}
    shapes = SHAPES[resource.kind]
    shape = shape or shapes[0]
    if shape not in shapes:
        errors["shape"] = [
            _("该资源的申请方式只能是：%(shapes)s。") % {"shapes": "、".join(str(s.label) for s in shapes)}
        ]
    purpose = (purpose or "").strip()
    if not purpose:
        errors["purpose"] = [_("请说明用途。")]
    elif len(purpose) > PURPOSE_MAX_LENGTH:
        errors["purpose"] = [_("用途说明不能超过 %(n)s 个字。") % {"n": PURPOSE_MAX_LENGTH}]
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= 10000:
        errors["quantity"] = [_("申请数量须为 1 至 10000 的整数。")]
    if errors:
        raise ValidationError(errors)
    organization = organizations_of(user).first()
    number = _number()
    record = records.open_record(
        ServiceKind.RESOURCE_SUPPLY,
        priced=False,
        instrument=None,
        unit=resource.unit,
        user=user,
        user_organization=organization,
        is_internal=organization is not None and organization.pk == resource.unit_id,
        reference=number,
        content=resource.name,
        sample_count=quantity if resource.kind == ResourceKind.NATURAL else 0,
    )
    request = ResourceRequest.objects.create(
        number=number,
        resource=resource,
        record=record,
        user=user,
        purpose=purpose,
        quantity=quantity,
        shape=shape,
    )
    REQUESTS.record_created(request, actor=user)
    notify(
        _unit_admins(resource.unit_id),
        Phrase(
            gettext_lazy("新的%(label)s：%(resource)s"),
            label=REQUEST_LABELS[resource.kind],
            resource=resource.name,
        ),
        purpose,
        reverse("resources:request_detail", args=[request.pk]),
        kind="resource_request",
    )
    return request


REQUESTS = StateMachine(
    ResourceRequest,
    [
        Transition(
            "approve", gettext_lazy("同意"), (RequestStatus.REQUESTED,), RequestStatus.APPROVED, "unit"
        ),
        Transition(
            "decline",
            gettext_lazy("不同意"),
            (RequestStatus.REQUESTED,),
            RequestStatus.DECLINED,
            "unit",
            needs_comment=True,
        ),
        Transition(
            "deliver", gettext_lazy("确认交付"), (RequestStatus.APPROVED,), RequestStatus.DELIVERED, "unit"
        ),
        Transition("lend", gettext_lazy("借出"), (RequestStatus.APPROVED,), RequestStatus.LENT, "unit"),
        Transition(
            "take_back", gettext_lazy("确认归还"), (RequestStatus.LENT,), RequestStatus.RETURNED, "unit"
        ),
        Transition(
            "withdraw", gettext_lazy("撤回申请"), (RequestStatus.REQUESTED,), RequestStatus.WITHDRAWN, "user"
        ),
    ],
    lock_related=("resource", "record"),
)
DECISIONS = tuple(REQUESTS.transitions)


def _fits_shape(request: ResourceRequest, step) -> bool:
    """A loan is lent (and taken back); every other shape is delivered once."""
    if step.action == "deliver":
        return request.shape != RequestShape.LOAN
    if step.action == "lend":
        return request.shape == RequestShape.LOAN
    return True


def _may_take(access: Access, request: ResourceRequest, step) -> bool:
    if step.who == "user":
        return request.user_id == access.user_id
    return can_decide(access, request.resource.unit_id)


def request_actions(access: Access, request: ResourceRequest) -> list:
    return [
        step
        for step in REQUESTS.available(request)
        if _fits_shape(request, step) and _may_take(access, request, step)
    ]


def _delivery(locked: ResourceRequest, note: str, link: str, due_back) -> None:
    """What is handed over (a note or a link), and for a loan the day it comes back."""
    note, link = (note or "").strip(), (link or "").strip()
    if not note and not link:
        raise ValidationError({"delivery_note": [_("请填写交付说明或获取地址。")]})
    locked.delivery_note, locked.delivery_link = note, link
    if locked.shape == RequestShape.LOAN:
        today = timezone.localdate()
        if due_back is None or not today < due_back <= today + timedelta(days=MAX_LOAN_DAYS):
            raise ValidationError(
                {"due_back": [_("应还日期须在今天之后、%(n)s 天之内。") % {"n": MAX_LOAN_DAYS}]}
            )
        locked.due_back = due_back
    locked.full_clean(exclude=["resource", "record", "user", "number"])
    locked.delivered_at = timezone.now()


@transaction.atomic
def decide(
    request: ResourceRequest,
    action: str,
    *,
    access: Access,
    actor,
    comment: str = "",
    delivery_note: str = "",
    delivery_link: str = "",
    due_back=None,
) -> ResourceRequest:
    """The unit approves, declines, delivers a copy (or access, or samples) once, or lends an item and later takes
    it back; the requester may withdraw while it waits. The service record follows: closed when declined or
    withdrawn, completed (and offered for rating) when delivered or lent."""
    comment = (comment or "").strip()

    def prepare(locked: ResourceRequest, step) -> None:
        if action in ("approve", "decline"):
            locked.decided_at = timezone.now()
            locked.decision_comment = comment[:500]
        if action in ("deliver", "lend"):
            _delivery(locked, delivery_note, delivery_link, due_back)
        if action == "take_back":
            locked.returned_at = timezone.now()

    def permitted(locked: ResourceRequest, step) -> bool:
        REQUESTS.check(locked, step)
        if not _fits_shape(locked, step):
            raise ValidationError(
                {"action": [_("借阅申请须“借出”并在归还后确认；其他申请“确认交付”一次即可。")]}
            )
        return _may_take(access, locked, step)

    request = REQUESTS.run(
        request, action, actor=actor, comment=comment, permitted=permitted, prepare=prepare
    )
    if action in ("decline", "withdraw"):
        records.close(request.record, actor=actor)
    elif action in ("deliver", "lend"):
        now = timezone.now()
        records.complete(
            request.record,
            actor=actor,
            started_at=request.decided_at or now,
            ended_at=now,
            hours=Decimal("0"),
        )
    if action != "withdraw":
        notify(
            [request.user],
            Phrase(
                gettext_lazy("您的申请 %(number)s：%(step)s"),
                number=request.number,
                step=REQUESTS.label(action),
            ),
            comment or request.delivery_note,
            reverse("resources:request_detail", args=[request.pk]),
            kind="resource_request",
        )
    return request


def overdue_loans(access: Access) -> QuerySet[ResourceRequest]:
    """Loans the user's units lent that are past their due date."""
    return visible_requests(access).filter(
        status=RequestStatus.LENT,
        due_back__lt=timezone.localdate(),
        resource__unit_id__in=access.staff_unit_ids,
    )
