"""The SOAP side of receiving: the built-in fake national endpoint (the national platform's checks and return codes
from ``national-interface.md``, with a switch to be slow, down or answer one code, so tests and demos exercise the
whole path without the real platform), and a province's receiving endpoint for its cities, which answers through
the same ``receiving`` service.

100 success · 200 unit-code error · 201 JSON format error · 202 data validation error · 203 other error ·
301 database error. The answer is the ``return`` string: ``{"code": "202", "msg": "worth: 格式不符合…"}``.
"""

import json
import time
from dataclasses import dataclass

from lxml import etree

from ..models import FakeEndpointMode
from . import receiving
from .receiving import MESSAGES

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
MAX_BODY = 1024 * 1024


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


def answer(call: Call | None, *, fake: bool = True) -> tuple[str, str]:
    """The return code and message for one call: the fake national endpoint's switch has its say first; a
    platform receiving from the levels below (``fake`` false) takes only the unit codes it issued."""
    if fake:
        switch = FakeEndpointMode.current()
        if switch.mode == FakeEndpointMode.Mode.DOWN:
            raise Unavailable
        if switch.mode == FakeEndpointMode.Mode.SLOW:
            time.sleep(float(switch.delay_seconds))
        elif switch.mode != FakeEndpointMode.Mode.NORMAL:
            return switch.mode, MESSAGES[switch.mode]
    if call is None:
        return "201", MESSAGES["201"]
    return receiving.receive(call.ins_code, call.record_type, call.payload_text, issued_codes_only=not fake)


def envelope(operation: str, code: str, message: str) -> bytes:
    root = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV})
    body = etree.SubElement(root, f"{{{SOAP_ENV}}}Body")
    response = etree.SubElement(
        body, f"{{http://service.nrii.yiqi/}}{operation}Response", nsmap={"ns2": "http://service.nrii.yiqi/"}
    )
    etree.SubElement(response, "return").text = json.dumps({"code": code, "msg": message}, ensure_ascii=False)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
