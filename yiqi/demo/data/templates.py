"""Instrument templates: the curated catalogue the demo draws its instruments from.

Each catalogue module holds one text block with a paragraph per template::

    010102 场发射扫描电子显微镜 / Field Emission Scanning Electron Microscope
    value 180-650 weight 4 self 0.2 [kind large_facility]
    makers jeol: JSM-7900F, JSM-IT800; hitachi: SU8600, Regulus 8230
    指标 main technical indicators (≤500 characters)
    功能 main functions (≤300 characters)
    领域 application fields, separated by "；"
    服务 optional service content (≤200 characters)

``value`` is the usual range of the original value in 10,000 CNY (万元); ``weight`` how common the instrument is
relative to others; ``self`` the share of instruments that also let trained users operate them themselves.
Maker keys refer to ``makers.MAKERS``.
"""

from functools import cache
from typing import NamedTuple

from .makers import MAKERS


class Template(NamedTuple):
    code: str
    name: str
    name_en: str
    low: float  # 万元
    high: float  # 万元
    weight: float
    self_operation: float
    kind: str
    makers: tuple[tuple[str, tuple[str, ...]], ...]
    indicators: str
    functions: str
    fields: str
    service: str


def parse_catalogue(text: str) -> list[Template]:
    templates = []
    for block in text.strip().split("\n\n"):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        head, *rest = lines
        code, names = head.split(" ", 1)
        name, name_en = (part.strip() for part in names.split(" / ", 1))
        fields = {}
        for line in rest:
            key, value = line.split(" ", 1)
            fields[key] = value.strip()
        params = ("value " + fields["value"]).split()
        options = dict(zip(params[0::2], params[1::2], strict=True))
        low, high = (float(v) for v in options["value"].split("-"))
        makers = []
        for part in fields["makers"].split(";"):
            key, models = part.split(":", 1)
            key = key.strip()
            if key not in MAKERS:
                raise ValueError(f"{code} {name}: unknown maker {key!r}")
            makers.append((key, tuple(m.strip() for m in models.split(","))))
        template = Template(
            code=code,
            name=name,
            name_en=name_en,
            low=low,
            high=high,
            weight=float(options.get("weight", 1)),
            self_operation=float(options.get("self", 0.3)),
            kind=options.get("kind", "single_instrument"),
            makers=tuple(makers),
            indicators=fields["指标"],
            functions=fields["功能"],
            fields=fields["领域"],
            service=fields.get("服务", ""),
        )
        if len(template.indicators) > 500 or len(template.functions) > 300 or len(template.service) > 200:
            raise ValueError(f"{code} {name}: text too long")
        if len(name) > 100 or len(name_en) > 200:
            raise ValueError(f"{code} {name}: name too long")
        templates.append(template)
    return templates


@cache
def all_templates() -> tuple[Template, ...]:
    """Every curated template, in catalogue order."""
    from . import (
        instruments_analysis,
        instruments_bio,
        instruments_earth,
        instruments_facilities,
        instruments_physical,
        instruments_process,
    )

    catalogues = (
        instruments_analysis.CATALOGUE,
        instruments_bio.CATALOGUE,
        instruments_physical.CATALOGUE,
        instruments_earth.CATALOGUE,
        instruments_process.CATALOGUE,
        instruments_facilities.CATALOGUE,
    )
    return tuple(t for text in catalogues for t in parse_catalogue(text))
