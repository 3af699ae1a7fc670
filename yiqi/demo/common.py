"""What every phase of the demo build shares: the options, the demo province's fixed settings, the record kept
per management unit, and small random generators."""

import math
import random
from bisect import bisect
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate

from yiqi.accounts.models import User
from yiqi.organizations.models import Organization, SubUnit
from yiqi.organizations.validators import credit_code_check_character
from yiqi.registry.models import Instrument, RegistrationStatus

from .data import people as people_data
from .data import regions as region_data

DEMO_PASSWORD = "yiqi-demo-2026"
BATCH_SIZE = 2000
DEPLOYMENT_NAME = "陕西省科研设施与仪器开放共享平台"
AUTHORITY_NAME = "陕西省科学技术厅"
VALUE_THRESHOLD = Decimal("200000.00")
REMINDERS = [10, 5, 1]

Kind = Organization.Kind
SubKind = SubUnit.Kind
IKind = Instrument.Kind
Status = RegistrationStatus


@dataclass(frozen=True)
class BuildOptions:
    instruments: int = 16000
    seed: int = 2026
    units: int = 300
    user_organizations: int = 40
    external_users: int = 60
    experts: int = 10
    evaluators: int = 5


@dataclass
class UnitInfo:
    """What the builder keeps about a management unit while generating its people and instruments."""

    index: int
    org: Organization
    slug: str
    weight: float
    funding: str
    campuses: tuple[str, ...]
    focus: tuple[str, ...]
    sub_unit_specs: list[tuple[str, str]]
    sub_units: list[SubUnit] = field(default_factory=list)
    admin: User | None = None
    officer: User | None = None
    staff: list[User] = field(default_factory=list)  # instrument managers and technicians
    asset_style: int = 0
    asset_seq: int = 0
    groups: list[Instrument] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.org.kind

    @property
    def city(self) -> str:
        return self.org.region_id[:4] + "00"

    @property
    def prefix(self) -> str:
        return f"unit{self.index:03d}"


# ---------------------------------------------------------------------------------------------------------------
# Small generators


def weighted(rng: random.Random, pairs):
    """Pick from ``(value, weight)`` pairs."""
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def org_code(rng: random.Random, letters: bool) -> str:
    """A 9-character organisation code (GB 11714) with its check character."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "MA6" + "".join(rng.choice(alphabet) for _ in range(5)) if letters else str(rng.randint(4, 7))
    if not letters:
        body += "".join(rng.choice("0123456789") for _ in range(7))
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body]
    check = 11 - sum(v * w for v, w in zip(values, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def credit_code(rng: random.Random, kind: str, region: str, used: set[str]) -> str:
    """A valid, unused unified social credit code (GB 32100) registered in ``region``."""
    # Registration authority and type: 12 = public institution (事业单位), 91 = enterprise, 52 = social organisation.
    authority = {Kind.ENTERPRISE: "91", Kind.OTHER: "12"}.get(kind, "12")
    while True:
        first17 = authority + region + org_code(rng, letters=kind == Kind.ENTERPRISE and rng.random() < 0.6)
        code = first17 + credit_code_check_character(first17)
        if code not in used:
            used.add(code)
            return code


class NameMaker:
    """Chinese personal names with unique e-mail addresses."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.surnames = [(s, p) for s, p, _ in people_data.SURNAMES]
        self.surname_cum = list(accumulate(w for _, _, w in people_data.SURNAMES))
        self.emails: set[str] = set()

    def person(self) -> tuple[str, str]:
        rng = self.rng
        surname, surname_py = self.surnames[bisect(self.surname_cum, rng.random() * self.surname_cum[-1])]
        given = [rng.choice(people_data.GIVEN_CHARS) for _ in range(1 if rng.random() < 0.3 else 2)]
        return surname + "".join(c for c, _ in given), surname_py + "".join(p for _, p in given)

    def email(self, pinyin: str, domain: str) -> str:
        candidate, n = f"{pinyin}@{domain}", 1
        while candidate in self.emails:
            n += 1
            candidate = f"{pinyin}{n}@{domain}"
        self.emails.add(candidate)
        return candidate

    def mobile(self) -> str:
        return self.rng.choice(people_data.MOBILE_PREFIXES) + "".join(
            self.rng.choice("0123456789") for _ in range(8)
        )


def city_by_code() -> dict[str, region_data.City]:
    return {c.code: c for c in region_data.CITIES}


def landline(rng: random.Random, city: region_data.City) -> str:
    first = rng.choice("8888623") if city.landline_digits == 8 else rng.choice("2345678")
    rest = "".join(rng.choice("0123456789") for _ in range(city.landline_digits - 1))
    return f"{city.area_code}-{first}{rest}"


def log_uniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))
