"""Receiving records the way the national platform does: the built-in fake national endpoint, and on a province's
(or a city's) platform the real receiving side for the platforms below it, which report through the same SOAP
interface (``YIQI_PLATFORM_LEVEL``). One path checks, answers and keeps what was sent.

Ownership (``ReceivedRecord``): the level that reported a record owns it and wins conflicts; the receiving level's
objections to it go back as a return the next time it is sent (``return_to_sender``); a record the receiving level
took over (``take_over``) is kept as it stands here, and the sender's later versions come back returned.
"""

import json
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from .. import validation
from ..models import ReceivedRecord, UnitCode
from . import received

INS_CODE = re.compile(r"\A([0-9a-f]{32}|[a-z]+ins[0-9]+)\Z")
INSTRUMENT_TYPE = 4
NEEDS_INSTRUMENT = (5, 6)
RECEIVING_LEVELS = ("province", "city")  # a county reports upward and receives from no one
MESSAGES = {
    "100": "成功",
    "200": "单位代码错误",
    "201": "JSON格式错误",
    "202": "数据校验错误",
    "203": "其他错误",
    "301": "数据库错误",
}


def receives_from_below() -> bool:
    return settings.YIQI_PLATFORM_LEVEL in RECEIVING_LEVELS


def inner_id(record_type: int, payload: dict) -> str:
    if record_type == 6:
        return str(payload.get("recordInnerId", ""))
    if record_type == 7:
        return str(payload.get("year", ""))
    return str(payload.get("innerId", ""))


def receive(
    ins_code: str, record_type: int | None, payload_text: str, *, issued_codes_only: bool
) -> tuple[str, str]:
    """The return code and message for one record. ``issued_codes_only``: the unit code must be one this platform
    issued (a province receiving from its cities); the fake national endpoint takes any well-formed code."""
    if not INS_CODE.match(ins_code) or (
        issued_codes_only and not UnitCode.objects.filter(code=ins_code).exists()
    ):
        return "200", MESSAGES["200"]
    if record_type not in validation.RECORD_TYPES:
        return "203", "未知的记录类型"
    try:
        payload = json.loads(payload_text)
    except ValueError:
        return "201", MESSAGES["201"]
    if not isinstance(payload, dict):
        return "201", "instruList 须为一条 JSON 记录"
    if payload.get("insCode") != ins_code:
        return "200", "记录中的单位代码与调用参数不一致"
    problems = validation.problems(record_type, payload)
    if problems:
        return "202", "; ".join(f"{p['field']}: {p['reason']}" for p in problems)[:480]
    if (
        record_type in NEEDS_INSTRUMENT
        and not ReceivedRecord.objects.filter(
            ins_code=ins_code, record_type=INSTRUMENT_TYPE, inner_id=payload.get("innerId", "")
        ).exists()
    ):
        return "202", "innerId: 仪器尚未上报"
    try:
        with transaction.atomic():
            return _keep(ins_code, record_type, payload, take_in=issued_codes_only)
    except _NotTaken as refused:
        return "202", f"退回：{refused}"[:480]
    except DatabaseError:
        return "301", MESSAGES["301"]


class _NotTaken(Exception):
    """The record cannot become this platform's data: nothing of it is kept."""


def _take_in(ins_code: str, record_type: int, payload: dict) -> None:
    reason = received.take_in(ins_code, record_type, payload)
    if reason:
        raise _NotTaken(reason)


def _keep(ins_code: str, record_type: int, payload: dict, *, take_in: bool) -> tuple[str, str]:
    """Keep the record; ``take_in``: a platform receiving from the levels below also writes a new or changed
    record into its own data (``received``)."""
    key = {"ins_code": ins_code, "record_type": record_type, "inner_id": inner_id(record_type, payload)}
    kept = ReceivedRecord.objects.select_for_update().filter(**key).first()
    if kept is None:
        ReceivedRecord.objects.create(**key, payload=payload)
        if take_in:
            _take_in(ins_code, record_type, payload)
        return "100", MESSAGES["100"]
    if kept.owner == ReceivedRecord.Owner.RECEIVER:
        if kept.payload == payload:
            return "100", MESSAGES["100"]
        return "202", f"退回：该记录由上级平台维护。{kept.correction}"[:480]
    if kept.correction:  # the receiving level's objection goes back once; the owner's next version stands
        reason, kept.correction = kept.correction, ""
        kept.save(update_fields=["correction"])
        return "202", f"退回：{reason}"[:480]
    if take_in and kept.payload != payload:
        _take_in(ins_code, record_type, payload)
    kept.payload = payload
    kept.save(update_fields=["payload", "received_at"])
    return "100", MESSAGES["100"]


@transaction.atomic
def return_to_sender(record: ReceivedRecord, reason: str) -> ReceivedRecord:
    """The receiving level objects to a record the sender owns: it stays as sent, and ``reason`` goes back with the
    sender's next sending of it (marked 被退回 there)."""
    if not reason.strip():
        raise ValidationError({"correction": [_("请填写退回原因。")]})
    record.correction = reason.strip()[:400]
    record.save(update_fields=["correction"])
    return record


@transaction.atomic
def take_over(record: ReceivedRecord, payload: dict, reason: str = "") -> ReceivedRecord:
    """The receiving level maintains this record from now on, as ``payload``; the sender's versions come back
    returned with ``reason``."""
    record.owner = ReceivedRecord.Owner.RECEIVER
    record.payload = payload
    record.correction = reason.strip()[:400]
    record.save(update_fields=["owner", "payload", "correction", "received_at"])
    return record
