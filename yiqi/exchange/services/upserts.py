"""Upserts from units' own systems, by the system's own ids: a batch is applied whole or not at all.

Each pushed record carries the system's id; ``ExternalId`` maps it to the Yiqi record and keeps a digest of what was
last applied, so the same batch sent again changes nothing (and writes nothing). Every record of a batch is checked
with the rules people meet in the forms; one refused record refuses the batch, with every problem listed by the
record's index, id and field.
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiqi.organizations.models import Organization
from yiqi.registry.models import Instrument
from yiqi.usage import system as system_usage
from yiqi.usage.models import UsageRecord

from ..models import ExternalId, UnitKey
from .keys import key_access

MAX_BATCH = 1000


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)

    def refuse(self, index: int, external_id: str, field_name: str, message: str) -> None:
        self.errors.append({"index": index, "id": external_id, "field": field_name, "message": str(message)})


class BatchRefused(Exception):
    def __init__(self, outcome: Outcome):
        super().__init__(_("批次中有记录未通过校验，整批未写入。"))
        self.outcome = outcome


def digest(values: dict) -> str:
    text = json.dumps(values, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def upsert_usage(key: UnitKey, items: list[dict]) -> Outcome:
    """Create or correct the unit's usage records from ``items`` (typed by the API: ``id``, ``instrument`` (the
    unit's own instrument number), ``user_organization`` (credit code) and the usage fields). Raises
    ``BatchRefused`` with every problem when any record is refused; then nothing is written. What the batch refers
    to is read in one query each and its writes are a fixed number of bulk statements, whatever its size."""
    if len(items) > MAX_BATCH:
        raise ValidationError({"records": [_("一批最多 %(n)s 条记录。") % {"n": MAX_BATCH}]})
    access, unit_id = key_access(key), key.unit_id
    outcome, seen, pushed, pending = Outcome(), set(), [], []
    with transaction.atomic():
        numbers = {item["instrument"] for item in items}
        instruments = {
            i.asset_number: i for i in Instrument.objects.filter(unit_id=unit_id, asset_number__in=numbers)
        }
        codes = {item["user_organization"] for item in items if item.get("user_organization")}
        organizations = {o.credit_code: o for o in Organization.objects.filter(credit_code__in=codes)}
        mappings = {
            m.external_id: m
            for m in ExternalId.objects.filter(
                unit_id=unit_id, kind=ExternalId.Kind.USAGE, external_id__in=[item["id"] for item in items]
            )
        }
        for index, item in enumerate(items):
            external_id = item["id"]
            if external_id in seen:
                outcome.refuse(index, external_id, "id", _("同一批次中该 id 重复。"))
                continue
            seen.add(external_id)
            value = digest(item)
            mapping = mappings.get(external_id)
            if mapping is not None and mapping.digest == value:
                outcome.unchanged += 1
                continue
            instrument = instruments.get(item["instrument"])
            if instrument is None:
                outcome.refuse(index, external_id, "instrument", _("本单位没有该内部编号的仪器。"))
                continue
            organization = organizations.get(item.get("user_organization") or "")
            if item.get("user_organization") and organization is None:
                outcome.refuse(
                    index, external_id, "user_organization", _("平台上没有该统一社会信用代码的单位。")
                )
                continue
            values = {k: v for k, v in item.items() if k not in ("id", "instrument", "user_organization")}
            values |= {"instrument": instrument, "user_organization": organization}
            pushed.append((values, mapping.object_id if mapping is not None else None))
            pending.append((index, external_id, value, mapping))
        checked, problems = system_usage.check_system_usage(access, pushed, actor=key.created_by)
        for position, problem in problems.items():
            index, external_id, _value, _mapping = pending[position]
            if isinstance(problem, UsageRecord.DoesNotExist):
                outcome.refuse(index, external_id, "id", _("该 id 对应的使用记录已被删除。"))
            else:
                refuse_all(outcome, index, external_id, problem)
        if outcome.errors:
            outcome.errors.sort(key=lambda error: error["index"])
            raise BatchRefused(outcome)
        system_usage.save_system_usage(checked, actor=key.created_by)
        _remember(
            unit_id,
            [
                (external_id, usage.record.pk, value, mapping)
                for (_index, external_id, value, mapping), usage in zip(pending, checked, strict=True)
            ],
        )
    outcome.created = sum(usage.before is None for usage in checked)
    outcome.updated = len(checked) - outcome.created
    return outcome


def refuse_all(outcome: Outcome, index: int, external_id: str, error: Exception) -> None:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            for message in messages:
                outcome.refuse(index, external_id, name, message)
    else:
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        for message in messages:
            outcome.refuse(index, external_id, "non_field_errors", message)


def _remember(unit_id: int, written: list) -> None:
    new = [
        ExternalId(unit_id=unit_id, kind=ExternalId.Kind.USAGE, external_id=eid, object_id=pk, digest=value)
        for eid, pk, value, mapping in written
        if mapping is None
    ]
    ExternalId.objects.bulk_create(new, batch_size=500)
    changed, now = [], timezone.now()
    for _eid, _pk, value, mapping in written:
        if mapping is not None:
            mapping.digest, mapping.updated_at = value, now
            changed.append(mapping)
    ExternalId.objects.bulk_update(changed, ["digest", "updated_at"], batch_size=500)
