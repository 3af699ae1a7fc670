"""The built-in fake national endpoint: the national platform's checks and return codes (``national-interface.md``)
on one SOAP request, so tests and demos exercise the whole path without the real platform.

100 success · 200 unit-code error · 201 JSON format error · 202 data validation error · 203 other error ·
301 database error. The answer is the ``return`` string: ``{"code": "202", "msg": "worth: 格式不符合…"}``.
"""

import json
import re
import time
from dataclasses import dataclass

from django.db import DatabaseError, transaction
from lxml import etree

from .. import validation
from ..models import FakeEndpointMode, FakeReceivedRecord

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
INS_CODE = re.compile(r"\A([0-9a-f]{32}|[a-z]+ins[0-9]+)\Z")
MAX_BODY = 1024 * 1024
INSTRUMENT_TYPE = 4
NEEDS_INSTRUMENT = (5, 6)
MESSAGES = {
    "100": "成功",
    "200": "单位代码错误",
    "201": "JSON格式错误",
    "202": "数据校验错误",
    "203": "其他错误",
    "301": "数据库错误",
}


class Unavailable(Exception):
    """The switch says the endpoint is down: the view answers 503 without a SOAP body."""


@dataclass
class Call:
    operation: str
    ins_code: str
    record_type: int | None
    payload_text: str


def parse(body: bytes) -> Call | None:
    """The operation and its arguments, or None when the body is not a SOAP call of ours."""
    if len(body) > MAX_BODY:
        return None
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return None
    soap_body = root.find(f"{{{SOAP_ENV}}}Body")
    if soap_body is None or not len(soap_body):
        return None
    call = soap_body[0]
    args = {etree.QName(child).localname: child.text or "" for child in call}
    operation = etree.QName(call).localname
    if operation == "instruInfo":
        try:
            record_type = int(args.get("instruType", ""))
        except ValueError:
            record_type = None
        return Call(operation, args.get("insCode", ""), record_type, args.get("instruList", ""))
    if operation == "effectInfo":
        return Call(operation, args.get("insCode", ""), 7, args.get("effectList", ""))
    return None


def inner_id(record_type: int, payload: dict) -> str:
    if record_type == 6:
        return str(payload.get("recordInnerId", ""))
    if record_type == 7:
        return str(payload.get("year", ""))
    return str(payload.get("innerId", ""))


def answer(call: Call | None) -> tuple[str, str]:
    """The return code and message for one call, after the switch has had its say."""
    switch = FakeEndpointMode.current()
    if switch.mode == FakeEndpointMode.Mode.DOWN:
        raise Unavailable
    if switch.mode == FakeEndpointMode.Mode.SLOW:
        time.sleep(float(switch.delay_seconds))
    elif switch.mode != FakeEndpointMode.Mode.NORMAL:
        return switch.mode, MESSAGES[switch.mode]
    if call is None:
        return "201", MESSAGES["201"]
    if not INS_CODE.match(call.ins_code):
        return "200", MESSAGES["200"]
    if call.record_type not in validation.RECORD_TYPES:
        return "203", "未知的记录类型"
    try:
        payload = json.loads(call.payload_text)
    except ValueError:
        return "201", MESSAGES["201"]
    if not isinstance(payload, dict):
        return "201", "instruList 须为一条 JSON 记录"
    if payload.get("insCode") != call.ins_code:
        return "200", "记录中的单位代码与调用参数不一致"
    problems = validation.problems(call.record_type, payload)
    if problems:
        return "202", "; ".join(f"{p['field']}: {p['reason']}" for p in problems)[:480]
    key = inner_id(call.record_type, payload)
    if (
        call.record_type in NEEDS_INSTRUMENT
        and not FakeReceivedRecord.objects.filter(
            ins_code=call.ins_code, record_type=INSTRUMENT_TYPE, inner_id=payload.get("innerId", "")
        ).exists()
    ):
        return "202", "innerId: 仪器尚未上报"
    try:
        with transaction.atomic():
            FakeReceivedRecord.objects.update_or_create(
                ins_code=call.ins_code,
                record_type=call.record_type,
                inner_id=key,
                defaults={"payload": payload},
            )
    except DatabaseError:
        return "301", MESSAGES["301"]
    return "100", MESSAGES["100"]


def envelope(operation: str, code: str, message: str) -> bytes:
    root = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV})
    body = etree.SubElement(root, f"{{{SOAP_ENV}}}Body")
    response = etree.SubElement(
        body, f"{{http://service.nrii.yiqi/}}{operation}Response", nsmap={"ns2": "http://service.nrii.yiqi/"}
    )
    etree.SubElement(response, "return").text = json.dumps({"code": code, "msg": message}, ensure_ascii=False)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
