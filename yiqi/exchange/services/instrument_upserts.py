"""Instruments pushed by a unit's own system (asset register, LIMS), keyed by the unit's own number
(``asset_number``, the national ``innerId``): new numbers are registered as drafts, known ones corrected, all through
the registry's ``save_instrument`` so the rules of the form hold. A batch is applied whole or not at all; a record
whose values already stand is left alone, so the same batch sent again writes nothing."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from yiqi.registry import services as registry_services
from yiqi.registry.models import Instrument

from ..models import UnitKey
from .keys import key_access
from .upserts import MAX_BATCH, BatchRefused, Outcome, refuse_all


def _unchanged(instrument: Instrument, values: dict) -> bool:
    # Related rows are compared by key: loading each instrument's category to compare would cost a query a row.
    return all(
        getattr(instrument, f"{name}_id") == value.pk
        if isinstance(value, Model)
        else getattr(instrument, name) == value
        for name, value in values.items()
    )


def upsert_instruments(key: UnitKey, items: list[dict]) -> Outcome:
    """Create or correct the unit's instruments from ``items`` (typed by the API, ``asset_number`` required).
    Raises ``BatchRefused`` with every problem by index, number and field when any record is refused."""
    if len(items) > MAX_BATCH:
        raise ValidationError({"records": [_("一批最多 %(n)s 条记录。") % {"n": MAX_BATCH}]})
    access, unit_id = key_access(key), key.unit_id
    numbers = [item["asset_number"].strip() for item in items]
    existing = {
        i.asset_number: i for i in Instrument.objects.filter(unit_id=unit_id, asset_number__in=numbers)
    }
    outcome, seen = Outcome(), set()
    with transaction.atomic():
        for index, (number, item) in enumerate(zip(numbers, items, strict=True)):
            if number in seen:
                outcome.refuse(index, number, "asset_number", _("同一批次中该编号重复。"))
                continue
            seen.add(number)
            values = {name: value for name, value in item.items() if name != "asset_number"}
            instrument = existing.get(number)
            if instrument is not None and _unchanged(instrument, values):
                outcome.unchanged += 1
                continue
            if instrument is None:
                instrument = Instrument(unit_id=unit_id, asset_number=number)
            for name, value in values.items():
                setattr(instrument, name, value)
            created = instrument.pk is None
            # The history names the person who issued the key; the request's "user" is the system, not a person.
            instrument._history_user = key.created_by
            try:
                registry_services.save_instrument(instrument, access=access, user=key.created_by)
            except (ValidationError, PermissionDenied) as error:
                refuse_all(outcome, index, number, error)
                continue
            outcome.created += created
            outcome.updated += not created
        if outcome.errors:
            transaction.set_rollback(True)
            raise BatchRefused(outcome)
    return outcome
