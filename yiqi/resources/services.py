"""Business rules of the other S&T resources: who sees and edits them, the fields each kind needs, the
registration workflow (draft → submitted → published) and the requests to use them, each with its service record.

Views, forms and the API call these, so the rules hold whichever way data arrives.
"""

import secrets
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access
from yiqi.accounts.models import Role
from yiqi.accounts.services import organizations_of, users_with_role
from yiqi.core.workflow import StateMachine, Transition
from yiqi.notifications.services import Phrase, notify
from yiqi.servicerecords import services as records
from yiqi.servicerecords.models import ServiceKind

from .models import (
    AccessLevel,
    Licence,
    NaturalKind,
    RequestStatus,
    Resource,
    ResourceKind,
    ResourceRequest,
    ResourceStatus,
)

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


def unit_resources(unit) -> QuerySet[Resource]:
    """The unit's resources that count as its holdings (what the yearly census lists): all but drafts and
    withdrawn records."""
    return Resource.objects.filter(unit=unit).exclude(status__in=[ResourceStatus.DRAFT, "withdrawn"])


def sees_unit_resources(access: Access) -> bool:
    """Who has a list of their unit's records: unit staff (and the platform admin, all units)."""
    return access.is_platform_admin or bool(access.staff_unit_ids)


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
    if resource.kind == ResourceKind.DATASET and not (resource.doi or resource.landing_url):
        errors["landing_url"] = [_("科学数据须填写 DOI 或访问地址。")]
    year = resource.year
    if year is not None and not 1900 <= year <= timezone.localdate().year:
        errors["year"] = [_("年份须在 1900 年至今年之间。")]
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
    resource.full_clean()
    resource.save()
    return resource


def _published(resource: Resource, step) -> None:
    resource.published_at = resource.published_at or timezone.now()


MACHINE = StateMachine(
    Resource,
    [
        Transition(
            "submit",
            gettext_lazy("提交"),
            (ResourceStatus.DRAFT, ResourceStatus.RETURNED),
            ResourceStatus.SUBMITTED,
            who="editor",
        ),
        Transition(
            "publish",
            gettext_lazy("确认并发布"),
            (ResourceStatus.SUBMITTED,),
            ResourceStatus.PUBLISHED,
            "admin",
        ),
        Transition(
            "return",
            gettext_lazy("退回"),
            (ResourceStatus.SUBMITTED,),
            ResourceStatus.RETURNED,
            "admin",
            needs_comment=True,
        ),
        Transition(
            "withdraw",
            gettext_lazy("撤回发布"),
            (ResourceStatus.PUBLISHED,),
            ResourceStatus.DRAFT,
            "admin",
            needs_comment=True,
        ),
    ],
)


def allowed_actions(access: Access, resource: Resource) -> list:
    return [step for step in MACHINE.available(resource) if _may(access, resource, step)]


def _may(access: Access, resource: Resource, step) -> bool:
    if step.who == "admin":
        return can_decide(access, resource.unit_id)
    return resource.unit_id in access.editor_unit_ids


def act(resource: Resource, action: str, *, access: Access, actor, comment: str = "") -> Resource:
    """Take a workflow step (submit, publish, return, withdraw)."""
    return MACHINE.run(
        resource,
        action,
        actor=actor,
        comment=comment,
        permitted=lambda locked, step: _may(access, locked, step),
        prepare=_published if action == "publish" else None,
    )


# --- requests -----------------------------------------------------------------------------------------------------

# What a request is called for each kind of resource.
REQUEST_LABELS = {
    ResourceKind.DATASET: gettext_lazy("数据访问申请"),
    ResourceKind.LITERATURE: gettext_lazy("复制或借阅申请"),
    ResourceKind.REPORT: gettext_lazy("复制或借阅申请"),
    ResourceKind.NATURAL: gettext_lazy("样品供应申请"),
}
REQUESTABLE = (AccessLevel.OPEN, AccessLevel.ON_APPLICATION)
PURPOSE_MAX_LENGTH = 1000


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
    resource: Resource, *, access: Access, user, purpose: str, quantity: int = 1
) -> ResourceRequest:
    """A signed-in user asks to use a published resource; the request opens its service record."""
    refusal = request_refusal(access, resource)
    if refusal:
        raise ValidationError({"resource": [refusal]})
    errors = {}
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
        number=number, resource=resource, record=record, user=user, purpose=purpose, quantity=quantity
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


def _decided(request: ResourceRequest, step) -> None:
    request.decided_at = timezone.now()


def _delivered(request: ResourceRequest, step) -> None:
    request.delivered_at = timezone.now()


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
        Transition(
            "withdraw", gettext_lazy("撤回申请"), (RequestStatus.REQUESTED,), RequestStatus.WITHDRAWN, "user"
        ),
    ],
    lock_related=("resource", "record"),
)


def _may_take(access: Access, request: ResourceRequest, step) -> bool:
    if step.who == "user":
        return request.user_id == access.user_id
    return can_decide(access, request.resource.unit_id)


def request_actions(access: Access, request: ResourceRequest) -> list:
    return [step for step in REQUESTS.available(request) if _may_take(access, request, step)]


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
) -> ResourceRequest:
    """The unit approves, declines or delivers; the requester may withdraw while it waits. The service record
    follows: closed when declined or withdrawn, completed (and offered for rating) when delivered."""
    comment = (comment or "").strip()

    def prepare(locked: ResourceRequest, step) -> None:
        if action in ("approve", "decline"):
            _decided(locked, step)
            locked.decision_comment = comment[:500]
        if action == "deliver":
            note, link = (delivery_note or "").strip(), (delivery_link or "").strip()
            if not note and not link:
                raise ValidationError({"delivery_note": [_("请填写交付说明或获取地址。")]})
            locked.delivery_note, locked.delivery_link = note, link
            locked.full_clean(exclude=["resource", "record", "user", "number"])
            _delivered(locked, step)

    request = REQUESTS.run(
        request,
        action,
        actor=actor,
        comment=comment,
        permitted=lambda locked, step: _may_take(access, locked, step),
        prepare=prepare,
    )
    if action in ("decline", "withdraw"):
        records.close(request.record, actor=actor)
    elif action == "deliver":
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


# --- the public list ----------------------------------------------------------------------------------------------

# Facets of the resource list: the field and its choices' labels (None: the stored values are the labels).
FACETS = {
    "kind": dict(ResourceKind.choices),
    "access_level": dict(AccessLevel.choices),
    "licence": dict(Licence.choices),
    "natural_kind": dict(NaturalKind.choices),
    "subject": None,
}


def matching(words: str) -> QuerySet[Resource]:
    """Published resources whose name, keywords, subject, species or authors hold every word."""
    rows = Resource.objects.filter(status=ResourceStatus.PUBLISHED)
    for word in words.strip()[:100].split():
        rows = rows.filter(
            Q(name__icontains=word)
            | Q(keywords__icontains=word)
            | Q(subject__icontains=word)
            | Q(species__icontains=word)
            | Q(authors__icontains=word)
        )
    return rows


def kind_counts(words: str) -> list[dict]:
    """How many published resources of each kind match ``words`` (one query), for the instrument catalogue."""
    counts = dict(matching(words).values_list("kind").annotate(n=Count("id")).order_by())
    return [
        {"kind": kind, "label": label, "count": counts[kind]}
        for kind, label in ResourceKind.choices
        if counts.get(kind)
    ]


def search(params) -> tuple[QuerySet[Resource], list[dict]]:
    """Published resources matching the words ``q`` and the chosen facet values, with each facet's counts under
    the other choices (a fixed number of queries, whatever the rows)."""
    base = matching(params.get("q") or "").select_related("unit")
    chosen = {name: params.getlist(name)[:20] for name in FACETS if params.getlist(name)}
    facets = []
    for name, labels in FACETS.items():
        others = base.filter(**{f"{key}__in": values for key, values in chosen.items() if key != name})
        counts = (
            others.exclude(**{name: ""}).values_list(name).annotate(n=Count("id")).order_by("-n", name)[:20]
        )
        facets.append(
            {
                "name": name,
                "label": Resource._meta.get_field(name).verbose_name,
                "values": [
                    {
                        "value": value,
                        "label": (labels or {}).get(value, value),
                        "count": n,
                        "chosen": value in chosen.get(name, ()),
                    }
                    for value, n in counts
                ],
            }
        )
    return base.filter(**{f"{key}__in": values for key, values in chosen.items()}), facets
