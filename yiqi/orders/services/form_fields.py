"""The instrument's extra questions, asked on every order of it. Every change (added, changed, moved, deleted)
leaves one audit row with who, when and the old and new values; ``form_history`` lists them."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from yiqi.accounts.access import access_for
from yiqi.core import changelog
from yiqi.registry import scoping
from yiqi.registry.models import Instrument

from ..models import OrderFormField

# An order's own fields: a manager's extra question may not take these keys (errors are keyed by field).
RESERVED_KEYS = frozenset(
    {
        "instrument", "user", "user_organization", "sample_name", "sample_count", "sample_description",
        "requirements", "answers", "return_samples", "number", "status", "action", "comment", "files", "staff",
    }
)  # fmt: skip


LOGGED_FIELDS = ("key", "label", "help_text", "field_type", "choices", "required")  # position: see ``move``
HISTORY_LIMIT = 100


def _log(field: OrderFormField, action: str, actor, changes: dict) -> None:
    changelog.record_change(
        field, action, actor=actor, changes=changes, instrument=field.instrument_id, about=field.label
    )


def form_history(instrument: Instrument) -> list[dict]:
    """The latest changes to the instrument's order questions (deleted ones included), newest first."""
    events = changelog.history_of([OrderFormField], instrument=instrument.pk)
    return changelog.change_rows(events[:HISTORY_LIMIT])


def _check_manages(actor, instrument: Instrument) -> None:
    if not scoping.can_manage_service(access_for(actor), instrument):
        raise PermissionDenied(_("您无权设置该仪器的委托单。"))


@transaction.atomic
def save_form_field(field: OrderFormField, *, actor) -> OrderFormField:
    """Add or change one of the questions asked on every order of the instrument."""
    _check_manages(actor, field.instrument)
    stored = OrderFormField.objects.select_for_update().filter(pk=field.pk).first() if field.pk else None
    before = changelog.snapshot(stored, LOGGED_FIELDS) if stored is not None else {}
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
    changes = changelog.diff(before, changelog.snapshot(field, LOGGED_FIELDS))
    if changes:
        _log(field, "create" if stored is None else "update", actor, changes)
    return field


@transaction.atomic
def delete_form_field(field: OrderFormField, *, actor) -> None:
    """Stop asking a question; answers already given stay on their orders."""
    _check_manages(actor, field.instrument)
    _log(field, "delete", actor, changelog.diff(changelog.snapshot(field, LOGGED_FIELDS), {}))
    field.delete()


@transaction.atomic
def move_form_field(field: OrderFormField, offset: int, *, actor) -> None:
    """Move a question up (offset -1) or down (+1) the form."""
    _check_manages(actor, field.instrument)
    fields = list(OrderFormField.objects.select_for_update().filter(instrument_id=field.instrument_id))
    index = next(i for i, f in enumerate(fields) if f.pk == field.pk)
    target = min(max(index + offset, 0), len(fields) - 1)
    fields.insert(target, fields.pop(index))
    moved = {f.pk: f.position for f in fields}
    for position, f in enumerate(fields):
        f.position = position
    OrderFormField.objects.bulk_update(fields, ["position"])
    mine = fields[target]
    if moved[mine.pk] != mine.position:
        _log(mine, "move", actor, {"position": [str(moved[mine.pk] + 1), str(mine.position + 1)]})
