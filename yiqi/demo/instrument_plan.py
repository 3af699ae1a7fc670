"""Instrument templates per unit (curated ones plus one derived from every other category) and the plan of
large facilities, service units and instrument centres."""

import random
from collections import Counter
from itertools import accumulate

from yiqi.registry.categories import iter_category_tree, leaf_codes

from .common import IKind, Kind, SubKind, UnitInfo
from .data import makers as maker_data
from .data import texts
from .data.templates import Template, all_templates


class InstrumentPlanning:
    """Mixed into ``DemoBuilder``, whose state it shares."""

    DEFAULT_FOCUS = {
        Kind.HOSPITAL: ("09", "0110", "0108", "0105"),
        Kind.ENTERPRISE: ("01", "02", "12", "11"),
        Kind.OTHER: ("01", "0110", "02"),
    }
    BENCHTOP_BOOST = 2
    DERIVED_SHARE = 0.15  # share of single instruments derived from categories without a curated template

    def prepare_templates(self):
        rng = self.rng("templates")
        curated = all_templates()
        # Benchtop instruments (from under 250,000 CNY) are far more numerous than the big ones.
        self.singles = [
            t._replace(weight=t.weight * self.BENCHTOP_BOOST) if t.low < 25 else t
            for t in curated
            if t.kind == IKind.SINGLE_INSTRUMENT
        ]
        self.service_templates = [t for t in curated if t.kind == IKind.SERVICE_UNIT]
        self.facility_templates = {t.name: t for t in curated if t.kind == IKind.LARGE_FACILITY}
        covered = {t.code for t in self.singles}
        names = {code: name for code, name, _ in iter_category_tree()}
        derived_codes = [
            code
            for code in sorted(leaf_codes())
            if code not in covered
            and names[code] != "其他"
            and not any(marker in names[code] for marker in texts.NATIONAL_ONLY_MARKERS)
        ]
        curated_weight = sum(t.weight for t in self.singles)
        each = curated_weight * self.DERIVED_SHARE / (1 - self.DERIVED_SHARE) / max(1, len(derived_codes))
        for code in derived_codes:
            (low, high), indicators, functions, fields = texts.CLASS_DEFAULTS[code[:2]]
            name = names[code]
            makers = []
            for key in maker_data.CLASS_MAKERS[code[:2]]:
                prefix = maker_data.MODEL_PREFIXES.get(key, key[:2].upper())
                numbers = sorted({rng.randrange(100, 9999) for _ in range(2)})
                makers.append((key, tuple(f"{prefix}-{n}" for n in numbers)))
            self.singles.append(
                Template(
                    code=code,
                    name=name,
                    name_en="",
                    low=low,
                    high=high,
                    weight=each,
                    self_operation=0.5,
                    kind=IKind.SINGLE_INSTRUMENT,
                    makers=tuple(makers),
                    indicators=indicators.format(name=name)[:500],
                    functions=functions.format(name=name)[:300],
                    fields=fields,
                    service="",
                )
            )
        self.derived_count = len(derived_codes)

    def affinity(self, unit: UnitInfo, code: str) -> float:
        table = texts.KIND_AFFINITY[unit.kind]
        factor = table.get(code[:4], table.get(code[:2], 1.0))
        focus = unit.focus or self.DEFAULT_FOCUS.get(unit.kind, ())
        if focus:
            factor *= 4 if (code[:2] in focus or code[:4] in focus) else texts.KIND_FLOOR.get(unit.kind, 1.0)
        return factor

    def unit_template_weights(self, unit: UnitInfo) -> list[float]:
        return list(accumulate(t.weight * self.affinity(unit, t.code) for t in self.singles))

    # -- planning the groups -------------------------------------------------------------------------------------------

    def plan_groups(
        self, rng: random.Random, singles_per_unit: Counter
    ) -> list[tuple[UnitInfo, str, object]]:
        """(unit, kind, template or sub-unit) for every facility, service unit and instrument centre."""
        n = self.options.instruments
        plan = []
        by_slug = {u.slug: u for u in self.units}
        big = sorted(
            (u for u in self.units if u.kind in (Kind.UNIVERSITY, Kind.RESEARCH_INSTITUTE)),
            key=lambda u: (-u.weight, u.index),
        )
        hosted: set[tuple[int, str]] = set()
        for name, hosts in texts.FACILITY_HOSTS[: min(len(texts.FACILITY_HOSTS), n // 1600)]:
            candidates = [by_slug[s] for s in hosts if s in by_slug] + big
            host = next((u for u in candidates if (u.index, name) not in hosted), None)
            if host:
                hosted.add((host.index, name))
                plan.append((host, IKind.LARGE_FACILITY, self.facility_templates[name]))
        allowed = {
            Kind.UNIVERSITY: self.service_templates,
            Kind.RESEARCH_INSTITUTE: self.service_templates,
            Kind.HOSPITAL: [t for t in self.service_templates if t.code[:2] in ("09", "01")],
            Kind.OTHER: [t for t in self.service_templates if t.code.startswith("0111")],
        }
        hosts = [u for u in self.units if u.kind in allowed and singles_per_unit[u.index] >= 40]
        used: set[tuple[int, str]] = set()
        for _ in range(n // 900):
            if not hosts:
                break
            unit = rng.choices(hosts, weights=[u.weight for u in hosts])[0]
            choices = [t for t in allowed[unit.kind] if (unit.index, t.name) not in used]
            if choices:
                template = rng.choice(choices)
                used.add((unit.index, template.name))
                plan.append((unit, IKind.SERVICE_UNIT, template))
        for unit in self.units:
            centre = next(
                (s for s in unit.sub_units if s.kind == SubKind.TESTING_CENTER and "中心" in s.name), None
            )
            if centre and unit.kind != Kind.ENTERPRISE and singles_per_unit[unit.index] >= 30:
                plan.append((unit, IKind.INSTRUMENT_CENTER, centre))
        return plan
