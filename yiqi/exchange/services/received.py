"""What a city (or county) platform reports becomes this platform's own data, for the owning unit (by the unit code
this platform issued): single instruments (type 4) and their customs details (type 5) through the migration's
checks and the registry's import rules (new ones as drafts, known ones corrected, by the unit's own number), service
records (type 6) through the service upserts of units' systems (completed, with the applicant as a person of the
unit's records, its usage record at the amount charged). The same record again changes nothing. A record that
cannot be taken is answered with the reason and not kept (``receiving``); types 1, 2 and 7 are kept as received.
"""

import datetime as dt
import hashlib
import json
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from .. import mappings
from ..models import UnitCode
from ..records import CUSTOMS, INSTRUMENT, SERVICE
from . import migration, service_upserts
from .upserts import BatchRefused

# The national format writes times to the hour ("Y-m-d H").
HOUR = dt.timedelta(hours=1)


def take_in(ins_code: str, record_type: int, payload: dict) -> str:
    """Write one received record into this platform's data; the reason it cannot be taken, or "" when taken."""
    if record_type in (INSTRUMENT, CUSTOMS):
        text = json.dumps([{"instruType": record_type, **payload}], ensure_ascii=False)
        plan = migration.plan_json(text.encode(), None, f"{ins_code}-{record_type}")
        if plan.error_count:
            return "; ".join(f"{e['column']}: {e['message']}".strip(": ") for e in plan.errors)
        migration.apply(plan)
        return ""
    if record_type != SERVICE:
        return ""
    unit_id = UnitCode.objects.filter(code=ins_code).values_list("unit_id", flat=True).first()
    try:
        service_upserts.upsert_unit_services(unit_id, [service_item(payload)], actor=None)
    except BatchRefused as refused:
        return "; ".join(f"{e['field']}: {e['message']}" for e in refused.outcome.errors)
    except ValidationError as error:
        return "; ".join(error.messages)
    return ""


def _moment(text) -> dt.datetime | None:
    try:
        naive = dt.datetime.strptime(str(text or ""), "%Y-%m-%d %H")
    except ValueError:
        return None
    return naive.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))


def _decimal(text) -> Decimal | None:
    try:
        number = Decimal(str(text))
    except InvalidOperation:
        return None
    return number if number.is_finite() and number >= 0 else None


def service_item(payload: dict) -> dict:
    """A type 6 record as a service upsert's item. The applicant is a person of the unit's records named by name,
    phone and email (the national record carries no id of theirs); the end is the end of the hour the record names,
    so a service within one hour keeps its length."""
    kind = {text: kind for kind, text in mappings.SERVICE_WAY.items()}.get(
        payload.get("serviceWay"), "self_operation"
    )
    commissioned = kind == "commissioned_testing"
    amount = _decimal(payload.get("serviceAmount")) or Decimal("0")
    start, end = _moment(payload.get("serviceTime")), _moment(payload.get("endTime"))
    if end is not None:
        end = min(end + HOUR, timezone.now())
    person = "|".join(str(payload.get(f, "")) for f in ("applicant", "applicantPhone", "applicantEmail"))
    return {
        "id": f"received-{payload.get('recordInnerId', '')}"[:64],
        "instrument": str(payload.get("innerId", "")),
        "kind": kind,
        "status": "completed",
        "user_id": "received-" + hashlib.sha256(person.encode()).hexdigest()[:40],
        "user_name": str(payload.get("applicant") or "")[:50],
        "user_phone": str(payload.get("applicantPhone") or "")[:20],
        "user_email": str(payload.get("applicantEmail") or "")[:254],
        "is_internal": payload.get("serviceType") == mappings.SERVICE_TYPE_INTERNAL,
        "reference": str(payload.get("serviceCode") or "")[:40],
        "content": str(payload.get("serviceContent") or "")[:300],
        "sample_count": int(amount) if commissioned else 0,
        "started_at": start,
        "ended_at": end,
        "hours": None if commissioned else amount.quantize(Decimal("0.01")),
        "fee": _decimal(payload.get("amounts")) or Decimal("0"),
        "purpose": {code: p for p, code in mappings.SERVICE_DIRECTION.items()}.get(
            payload.get("serviceDirection")
        ),
    }
