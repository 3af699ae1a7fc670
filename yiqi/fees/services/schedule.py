"""Fee schedules: the lines managers set per instrument, who sees them, and the published schedule.

Every change to a line (added, any field changed, withdrawn or restored) leaves one audit row with who, when and
the old and new values; ``schedule_history`` shows them on the schedule page.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from yiqi.accounts.access import Access, access_for
from yiqi.core import changelog
from yiqi.registry import scoping
from yiqi.registry.models import Instrument, RegistrationStatus

from ..models import FeeItem
from .amounts import MAX_RATE, parse_money
from .pricing import COMMISSIONED_TESTING, SELF_OPERATION, SERVICE_LABELS

RATE_FIELDS = ("rate_internal", "rate_academic", "rate_external")
HISTORY_LIMIT = 100
# What a change log row compares (as shown to people).
LOGGED_FIELDS = (
    "name", "component", "basis", "applies_to", *RATE_FIELDS, "note", "position", "is_active",
)  # fmt: skip


def managed_instruments(access: Access) -> QuerySet[Instrument]:
    """Instruments whose fee schedule the user sets (``scoping.can_manage_service`` as a query)."""
    if not access.is_authenticated:
        return Instrument.objects.none()
    return Instrument.objects.filter(
        Q(unit_id__in=access.unit_admin_unit_ids)
        | Q(manager_id=access.user_id, unit_id__in=access.staff_unit_ids)
    )


def visible_fee_items(access: Access) -> QuerySet[FeeItem]:
    """Everyone sees the active schedule of published instruments; managers also see their own drafts and
    deactivated items."""
    scope = Q(is_active=True, instrument__registration_status=RegistrationStatus.PUBLISHED)
    if access.is_authenticated:
        scope |= Q(instrument__in=managed_instruments(access))
    return FeeItem.objects.filter(scope)


@transaction.atomic
def save_fee_item(item: FeeItem, *, actor) -> FeeItem:
    """Add or change one schedule line. Charges already quoted or billed keep their own copies of the price."""
    instrument = Instrument.objects.get(pk=item.instrument_id)
    if not scoping.can_manage_service(access_for(actor), instrument):
        raise PermissionDenied(_("只有仪器的机组负责人和单位管理员可以设置收费标准。"))
    stored = FeeItem.objects.select_for_update().filter(pk=item.pk).first() if item.pk else None
    if stored is not None and stored.instrument_id != item.instrument_id:
        raise ValidationError({"instrument": [_("不能更改收费项目所属的仪器。")]})
    before = changelog.snapshot(stored, LOGGED_FIELDS) if stored is not None else {}
    errors = {}
    item.name = (item.name or "").strip()
    if not item.name:
        errors["name"] = [_("请填写收费项目名称。")]
    for field in RATE_FIELDS:
        try:
            setattr(item, field, parse_money(getattr(item, field), maximum=MAX_RATE))
        except ValidationError as error:
            errors[field] = error.messages
    try:
        item.full_clean(exclude=["instrument", *errors])
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    item.save()
    changes = changelog.diff(before, changelog.snapshot(item, LOGGED_FIELDS))
    if stored is None:
        action = "create"
    elif set(changes) == {"is_active"}:
        action = "activate" if item.is_active else "deactivate"
    else:
        action = "update"
    if changes:
        changelog.record_change(
            item, action, actor=actor, changes=changes, instrument=item.instrument_id, about=item.name
        )
    return item


def schedule_history(instrument) -> list[dict]:
    """Every change to the instrument's fee lines, newest first, as plain rows."""
    return changelog.change_rows(changelog.history_of([FeeItem], instrument=instrument.pk)[:HISTORY_LIMIT])


def set_fee_item_active(item: FeeItem, *, active: bool, actor) -> FeeItem:
    """Withdraw a line from the schedule (or restore it); it stays on the charges that used it."""
    item.is_active = active
    return save_fee_item(item, actor=actor)


def published_schedule(instrument) -> list[tuple[str, list[FeeItem]]]:
    """(service label, active items) for each service the instrument offers that has a price."""
    offered = [
        (SELF_OPERATION, instrument.offers_self_operation),
        (COMMISSIONED_TESTING, instrument.offers_commissioned_testing),
    ]
    items = list(FeeItem.objects.filter(instrument=instrument, is_active=True))
    groups = []
    for service, offers in offered:
        applicable = [i for i in items if i.applies_to in (FeeItem.AppliesTo.BOTH, service)]
        if offers and applicable:
            groups.append((SERVICE_LABELS[service], applicable))
    return groups
