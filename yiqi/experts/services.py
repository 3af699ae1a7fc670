"""The pool's one rule for every kind of review: an expert never reviews a unit they work for or have declared a
conflict with. ``assign`` is generic over what is reviewed (a unit, in the context of any review object)."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from yiqi.accounts.access import Access
from yiqi.core.models import AuditEvent
from yiqi.organizations.models import Organization

from .models import Assignment, Conflict, Discipline, Expert, discipline_code


def manages_pool(access: Access) -> bool:
    """The platform authority keeps the pool and assigns experts."""
    return access.is_platform_admin


def visible_experts(access: Access) -> QuerySet[Expert]:
    if manages_pool(access):
        return Expert.objects.all()
    if access.is_authenticated:
        return Expert.objects.filter(user_id=access.user_id)
    return Expert.objects.none()


def in_field(experts: QuerySet[Expert], *, category_code: str = "", discipline: str = "") -> QuerySet[Expert]:
    """Active experts of a classification branch (a class code ``AA0000`` also finds its small classes) and/or a
    GB/T 13745 discipline."""
    experts = experts.filter(is_active=True)
    if category_code:
        prefix = category_code.rstrip("0")
        prefix = prefix + "0" * (len(prefix) % 2)  # whole two-digit levels
        experts = experts.filter(categories__code__startswith=prefix)
    if discipline:
        experts = experts.filter(disciplines__code=discipline)
    return experts.distinct()


def set_disciplines(expert: Expert, codes) -> None:
    """Replace the expert's disciplines; each must be a three-digit GB/T 13745 code."""
    codes = sorted({str(c).strip() for c in (codes or []) if str(c).strip()})
    for code in codes:
        try:
            discipline_code(code)
        except ValidationError as error:
            raise ValidationError({"disciplines": error.messages}) from None
    with transaction.atomic():
        expert.disciplines.exclude(code__in=codes).delete()
        Discipline.objects.bulk_create(
            [Discipline(expert=expert, code=c) for c in codes], ignore_conflicts=True
        )


def conflict_reason(expert: Expert, unit: Organization) -> str:
    """Why ``expert`` may not review ``unit``, or an empty string."""
    if expert.affiliations.filter(organization=unit).exists():
        return _("专家 %(expert)s 任职于被评单位 %(unit)s，须回避。") % {"expert": expert, "unit": unit}
    conflict = Conflict.objects.filter(expert=expert, organization=unit).first()
    if conflict:
        return _("专家 %(expert)s 已声明与 %(unit)s 存在利益冲突（%(reason)s），须回避。") % {
            "expert": expert,
            "unit": unit,
            "reason": conflict.reason,
        }
    return ""


def eligible_for(unit: Organization, experts: QuerySet[Expert] | None = None) -> QuerySet[Expert]:
    """Active experts with neither an affiliation to nor a declared conflict with ``unit``."""
    experts = Expert.objects.all() if experts is None else experts
    return experts.filter(is_active=True).exclude(
        Q(affiliations__organization=unit) | Q(conflicts__organization=unit)
    )


@transaction.atomic
def assign(access: Access, *, expert: Expert, unit: Organization, context, actor) -> Assignment:
    """Assign ``expert`` to review ``unit`` in ``context`` (any saved object: a round, a purchase application).
    Refused on the ``expert`` field for an inactive expert, an affiliation or a declared conflict."""
    if not manages_pool(access):
        raise PermissionDenied(_("只有平台管理机构可以指派专家。"))
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    if not expert.is_active:
        raise ValidationError({"expert": [_("专家 %(expert)s 已不在库中。") % {"expert": expert}]})
    reason = conflict_reason(expert, unit)
    if reason:
        raise ValidationError({"expert": [reason]})
    context_type = ContentType.objects.get_for_model(context)
    if Assignment.objects.filter(
        expert=expert, unit=unit, context_type=context_type, context_id=context.pk
    ).exists():
        raise ValidationError({"expert": [_("该专家已被指派评议此单位。")]})
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                expert=expert, unit=unit, context_type=context_type, context_id=context.pk, assigned_by=actor
            )
    except IntegrityError:
        raise ValidationError({"expert": [_("该专家已被指派评议此单位。")]}) from None
    AuditEvent.record(assignment, "create", actor=actor, from_state="", to_state="", data={"unit": unit.pk})
    return assignment


def assignments_in(context) -> QuerySet[Assignment]:
    return Assignment.objects.filter(
        context_type=ContentType.objects.get_for_model(context), context_id=context.pk
    ).select_related("expert", "unit")


def assigned_unit_ids(access: Access, context) -> set[int]:
    """Units the signed-in expert was assigned to in ``context``."""
    if not access.is_authenticated:
        return set()
    return set(
        assignments_in(context).filter(expert__user_id=access.user_id).values_list("unit_id", flat=True)
    )
