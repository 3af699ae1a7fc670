"""Builds a deterministic, realistic demo province (Shaanxi) into an empty database.

Everything random comes from ``random.Random`` seeded with the build seed (one stream per phase, so that asking
for more instruments leaves the organisations and people unchanged). Only the dates follow today's date: some
instruments are accepted within the last weeks so that deadlines and reminders have something to show.
"""

import datetime as dt
import math
import random
import time
from bisect import bisect
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate

from django.contrib.auth.hashers import make_password
from django.db import reset_queries, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from yiqi.accounts.models import Role, RoleAssignment, User
from yiqi.catalog.indexing import rebuild_index
from yiqi.core.maintenance import refresh_planner_statistics
from yiqi.organizations.models import Department, Deployment, Organization, Region, SubUnit
from yiqi.organizations.validators import credit_code_check_character
from yiqi.registry.categories import iter_category_tree, leaf_codes, sync_categories
from yiqi.registry.deadlines import apply_deadline
from yiqi.registry.models import Instrument, InstrumentCategory, RegistrationStatus

from .data import makers as maker_data
from .data import organizations as org_data
from .data import people as people_data
from .data import regions as region_data
from .data import texts
from .data.templates import Template, all_templates

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


# ---------------------------------------------------------------------------------------------------------------
# The builder


class DemoBuilder:
    def __init__(self, options: BuildOptions, log=None):
        self.options = options
        self.log = log or (lambda message: None)
        self.today = timezone.localdate()
        self.cities = city_by_code()
        self.county_names = dict(region_data.COUNTIES)
        self.credit_codes: set[str] = set()
        self.units: list[UnitInfo] = []
        self.departments: dict[str, Department] = {}
        self.counts: Counter = Counter()
        self.timings: dict[str, float] = {}

    def rng(self, phase: str) -> random.Random:
        return random.Random(f"{self.options.seed}:{phase}")

    def build(self) -> Counter:
        started = time.monotonic()
        with transaction.atomic():
            for phase in (
                self.build_regions,
                self.build_deployment,
                self.build_departments,
                self.build_units,
                self.build_user_organizations,
                self.build_people,
                self.build_instruments,
                self.build_service_activity,
            ):
                phase_start = time.monotonic()
                phase()
                self.timings[phase.__name__.removeprefix("build_")] = time.monotonic() - phase_start
        refresh_planner_statistics()
        # Bulk inserts send no signals: the catalogue's search index is built once, at the end.
        phase_start = time.monotonic()
        rebuild_index()
        self.timings["search_index"] = time.monotonic() - phase_start
        self.timings["total"] = time.monotonic() - started
        return self.counts

    def build_service_activity(self):
        from .activity import ActivityBuilder

        ActivityBuilder(self).build()

    # -- regions, deployment, departments ------------------------------------------------------------------------

    def build_regions(self):
        province_code, province_name = region_data.PROVINCE
        rows = [Region(code=province_code, name=province_name, parent_id=None)]
        rows += [Region(code=c.code, name=c.name, parent_id=province_code) for c in region_data.CITIES]
        city_codes = {c.code for c in region_data.CITIES}
        for code, name in region_data.COUNTIES:
            city = code[:4] + "00"
            rows.append(Region(code=code, name=name, parent_id=city if city in city_codes else province_code))
        Region.objects.bulk_create(rows)
        self.counts["regions"] = len(rows)

    def build_deployment(self):
        Deployment.objects.update_or_create(
            pk=1,
            defaults={
                "name": DEPLOYMENT_NAME,
                "authority_name": AUTHORITY_NAME,
                "home_region_id": region_data.PROVINCE[0],
                "value_threshold": VALUE_THRESHOLD,
                "registration_working_days": 30,
                "reminder_working_days": list(REMINDERS),
                "contact_email": "yiqi@kjt-shaanxi.example",
            },
        )
        self.deployment = Deployment.objects.get(pk=1)

    def build_departments(self):
        for spec in org_data.DEPARTMENTS:
            self.departments[spec.key] = Department.objects.create(name=spec.name, region_id=spec.region)
        self.department_slugs = {spec.key: spec.slug for spec in org_data.DEPARTMENTS}
        self.counts["departments"] = len(self.departments)

    def department_for(self, key: str, city: str) -> Department:
        if key == "city":
            key = city if city in self.departments else "sci"
        return self.departments[key]

    # -- management units ------------------------------------------------------------------------------------------

    def curated_in_order(self) -> list[org_data.UnitSpec]:
        """Curated units interleaved across kinds, so that a small demo still has every kind."""
        groups = [sorted(g, key=lambda u: -u.weight) for g in org_data.CURATED_GROUPS]
        ordered = []
        for i in range(max(len(g) for g in groups)):
            ordered += [g[i] for g in groups if i < len(g)]
        return ordered

    def address(self, rng: random.Random, county: str) -> tuple[str, str]:
        city = self.cities[county[:4] + "00"]
        street = rng.choice(region_data.STREETS[city.code])
        county_name = self.county_names[county]
        return (
            f"陕西省{city.name}{county_name}{street}{rng.randint(1, 399)}号",
            city.postcode_prefix + f"{rng.randint(0, 99):02d}",
        )

    def pick_county(self, rng: random.Random, city: str) -> str:
        if rng.random() < 0.65:
            return rng.choice(region_data.CITY_SEATS[city])
        return rng.choice([code for code, _ in region_data.COUNTIES if code[:4] == city[:4]])

    def build_units(self):
        rng = self.rng("units")
        wanted = self.options.units
        names: set[str] = set()
        slugs: set[str] = set()
        orgs: list[tuple[Organization, dict]] = []
        for spec in self.curated_in_order()[:wanted]:
            address, postcode = self.address(rng, spec.region)
            org = Organization(
                name=spec.name,
                short_name=spec.short_name,
                kind=spec.kind,
                region_id=spec.region,
                address=spec.address or address,
                postcode=spec.postcode or postcode,
                website=spec.website,
                is_management_unit=True,
                supervising_department=self.departments[spec.department],
            )
            names.add(spec.name)
            slugs.add(spec.slug)
            extra = {
                "slug": spec.slug,
                "weight": spec.weight,
                "funding": spec.funding,
                "campuses": spec.campuses,
                "focus": texts.UNIT_FOCUS.get(spec.slug, ()),
                "sub_units": list(spec.sub_units),
            }
            orgs.append((org, extra))
        attempts = 0
        while len(orgs) < wanted:
            attempts += 1
            if attempts > 200 * wanted:
                raise ValueError(f"cannot make {wanted} distinct unit names; ask for fewer units")
            generated = self.generated_unit(rng, names, slugs)
            if generated:
                orgs.append(generated)
        for org, _ in orgs:
            org.credit_code = credit_code(rng, org.kind, org.region_id, self.credit_codes)
        Organization.objects.bulk_create([org for org, _ in orgs])
        saved = {o.name: o for o in Organization.objects.filter(is_management_unit=True)}
        for index, (org, extra) in enumerate(orgs, start=1):
            self.units.append(
                UnitInfo(
                    index=index,
                    org=saved[org.name],
                    slug=extra["slug"],
                    weight=extra["weight"],
                    funding=extra["funding"],
                    campuses=extra["campuses"],
                    focus=tuple(extra["focus"]),
                    sub_unit_specs=extra["sub_units"],
                    asset_style=rng.randrange(4),
                )
            )
        self.counts["management_units"] = len(self.units)
        self.build_sub_units(rng)

    def generated_unit(self, rng: random.Random, names: set[str], slugs: set[str]):
        """A plausible further unit, or None when the drawn name is taken."""
        kind = weighted(rng, org_data.GENERATED_KIND_SHARES)
        city_code = weighted(rng, org_data.CITY_SHARES)
        city = self.cities[city_code]
        county = self.pick_county(rng, city_code)
        county_name = self.county_names[county]
        # Districts are named with their city (西安市雁塔区…); counties and county-level cities stand alone.
        county_full = city.name + county_name if county_name.endswith("区") else county_name
        focus: tuple[str, ...] = ()
        if kind == Kind.ENTERPRISE:
            brand, brand_py = rng.choice(org_data.BRANDS)
            business, abbr, focus = rng.choice(org_data.INDUSTRIES)
            place = "陕西" if rng.random() < 0.5 else city.name.removesuffix("市")
            name, slug = f"{place}{brand}{business}", f"{brand_py}-{abbr}"
            department = "industry" if rng.random() < 0.5 else "city"
            weight, funding = rng.uniform(0.25, 1.0), "enterprise"
        elif kind == Kind.RESEARCH_INSTITUTE:
            pattern, abbr, department, focus = rng.choice(org_data.INSTITUTE_PATTERNS)
            if "{field}" in pattern:
                field_name, abbr, focus = rng.choice(org_data.INSTITUTE_FIELDS)
                name, slug = pattern.format(field=field_name), f"sx{abbr}"
                slug += "y" if name.endswith("院") else "s"
            else:
                name, slug = pattern.format(city=city.name), f"{city.pinyin}{abbr}"
            weight, funding = rng.uniform(0.4, 1.5), "local"
        elif kind == Kind.HOSPITAL:
            pattern, abbr = rng.choice(org_data.HOSPITAL_PATTERNS)
            if "{county}" in pattern:
                name, slug = pattern.format(county=county_full), f"{city.pinyin}{county[-2:]}{abbr}"
            else:
                name, slug = pattern.format(city=city.name), f"{city.pinyin}{abbr}"
                county = rng.choice(region_data.CITY_SEATS[city_code])
            department, focus = "health", ("09", "0110")
            weight, funding = rng.uniform(0.3, 1.0), "hospital"
        else:
            pattern, abbr, department = rng.choice(org_data.OTHER_PATTERNS)
            if "{county}" in pattern:
                name, slug = pattern.format(county=county_full), f"{city.pinyin}{county[-2:]}{abbr}"
            else:
                name, slug = pattern.format(city=city.name), f"{city.pinyin}{abbr}"
                county = rng.choice(region_data.CITY_SEATS[city_code])
            weight, funding = rng.uniform(0.3, 0.9), "local"
        if name in names or slug in slugs or len(name) > 100:
            return None
        names.add(name)
        slugs.add(slug)
        address, postcode = self.address(rng, county)
        org = Organization(
            name=name,
            kind=kind,
            region_id=county,
            address=address,
            postcode=postcode,
            is_management_unit=True,
            supervising_department=self.department_for(department, city_code),
        )
        extra = {
            "slug": slug,
            "weight": round(weight, 2),
            "funding": funding,
            "campuses": (),
            "focus": focus,
            "sub_units": [],
        }
        return org, extra

    def build_sub_units(self, rng: random.Random):
        sizes = {
            Kind.UNIVERSITY: (4, 8),
            Kind.RESEARCH_INSTITUTE: (2, 6),
            Kind.HOSPITAL: (2, 5),
            Kind.ENTERPRISE: (1, 3),
            Kind.OTHER: (1, 3),
        }
        rows = []
        for unit in self.units:
            specs = list(unit.sub_unit_specs[:8])
            if not specs:
                pool = org_data.SUB_UNIT_POOLS[unit.kind]
                wanted = rng.randint(*sizes[unit.kind])
                seen: set[str] = set()
                for _ in range(wanted * 6):
                    if len(specs) >= wanted:
                        break
                    sub_kind, pattern = rng.choice(pool)
                    name = pattern.format(
                        school=rng.choice(org_data.SCHOOLS),
                        topic=rng.choice(org_data.TOPICS),
                        county=self.county_names[unit.org.region_id],
                    )
                    if name not in seen:
                        seen.add(name)
                        specs.append((sub_kind, name))
            rows += [SubUnit(unit=unit.org, name=name, kind=sub_kind) for sub_kind, name in specs]
        SubUnit.objects.bulk_create(rows)
        by_unit = defaultdict(list)
        for sub in SubUnit.objects.order_by("unit_id", "id"):
            by_unit[sub.unit_id].append(sub)
        for unit in self.units:
            unit.sub_units = by_unit[unit.org.pk]
        self.counts["sub_units"] = len(rows)

    def build_user_organizations(self):
        """Companies whose people use the instruments but own none registered on the platform."""
        rng = self.rng("user-organizations")
        taken = set(Organization.objects.values_list("name", flat=True))
        rows, slugs = [], []
        while len(rows) < self.options.user_organizations:
            brand, brand_py = rng.choice(org_data.BRANDS)
            business, abbr, _ = rng.choice(org_data.INDUSTRIES)
            city_code = weighted(rng, org_data.CITY_SHARES)
            city = self.cities[city_code]
            name = f"{city.name.removesuffix('市')}{brand}{business}"
            if name in taken:
                continue
            taken.add(name)
            county = self.pick_county(rng, city_code)
            address, postcode = self.address(rng, county)
            rows.append(
                Organization(
                    name=name,
                    kind=Kind.ENTERPRISE,
                    credit_code=credit_code(rng, Kind.ENTERPRISE, county, self.credit_codes),
                    region_id=county,
                    address=address,
                    postcode=postcode,
                    is_management_unit=False,
                )
            )
            slugs.append(f"{brand_py}{abbr}-{city.pinyin}")
        Organization.objects.bulk_create(rows)
        saved = {o.name: o for o in Organization.objects.filter(is_management_unit=False)}
        self.user_orgs = [(saved[row.name], slug) for row, slug in zip(rows, slugs, strict=True)]
        self.counts["user_organizations"] = len(rows)

    # -- people ----------------------------------------------------------------------------------------------------

    def build_people(self):
        rng = self.rng("people")
        names = NameMaker(rng)
        password = make_password(DEMO_PASSWORD)  # hashed once: Argon2 is deliberately slow
        users: list[User] = []
        roles: list[tuple[User, str, Department | None, Organization | None]] = []

        def person(username: str, domain: str, **extra) -> User:
            full_name, pinyin = names.person()
            user = User(
                username=username,
                full_name=full_name,
                email=names.email(pinyin, domain),
                phone=names.mobile(),
                password=password,
                **extra,
            )
            users.append(user)
            return user

        admin = person("admin", "kjt-shaanxi.example", is_superuser=True, is_staff=True)
        roles.append((admin, Role.PLATFORM_ADMIN, None, None))
        self.admin = admin

        for i, spec in enumerate(org_data.DEPARTMENTS, start=1):
            user = person(f"dept{i:02d}", f"{spec.slug}.example")
            roles.append((user, Role.DEPARTMENT_ADMIN, self.departments[spec.key], None))

        for unit in self.units:
            domain = f"{unit.slug}.example"
            unit.admin = person(f"{unit.prefix}-admin", domain)
            roles.append((unit.admin, Role.UNIT_ADMIN, None, unit.org))
            unit.officer = person(f"{unit.prefix}-officer", domain)
            roles.append((unit.officer, Role.INFORMATION_OFFICER, None, unit.org))
            staff_count = min(4, max(1, round(math.log2(1 + unit.weight * 2)) + rng.randint(0, 1)))
            for n in range(1, staff_count + 1):
                tech = person(f"{unit.prefix}-tech{n}", domain)
                unit.staff.append(tech)
                if n == 1:  # the first one both runs instruments and answers for them
                    roles.append((tech, Role.INSTRUMENT_MANAGER, None, unit.org))
                    roles.append((tech, Role.TECHNICIAN, None, unit.org))
                else:
                    role = Role.TECHNICIAN if n % 2 == 0 else Role.INSTRUMENT_MANAGER
                    roles.append((tech, role, None, unit.org))

        for i in range(1, self.options.external_users + 1):
            if i <= len(self.user_orgs):
                org, slug = self.user_orgs[i - 1]
            else:
                org, slug = rng.choice(self.user_orgs)
            user = person(f"user{i:03d}", f"{slug}.example")
            roles.append((user, Role.EXTERNAL_USER, None, org))

        expert_domains = [u.slug for u in self.units if u.kind in (Kind.UNIVERSITY, Kind.RESEARCH_INSTITUTE)]
        for i in range(1, self.options.experts + 1):
            domain = rng.choice(expert_domains) if expert_domains else "expert"
            user = person(f"expert{i:02d}", f"{domain}.example")
            roles.append((user, Role.EXPERT, None, None))
        for i in range(1, self.options.evaluators + 1):
            user = person(f"eval{i:02d}", "sxkjpg.example")
            roles.append((user, Role.EVALUATOR, None, None))

        User.objects.bulk_create(users, batch_size=BATCH_SIZE)
        saved = {u.username: u for u in User.objects.all()}
        for user in users:  # fetch the primary keys where the database did not return them
            user.pk = user.pk or saved[user.username].pk
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(user=user, role=role, department=department, organization=organization)
                for user, role, department, organization in roles
            ],
            batch_size=BATCH_SIZE,
        )
        self.counts["users"] = len(users)
        self.counts["role_assignments"] = len(roles)

    # -- instrument templates ----------------------------------------------------------------------------------------

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

    # -- instruments -------------------------------------------------------------------------------------------------

    def build_instruments(self):
        if not InstrumentCategory.objects.exists():
            sync_categories(InstrumentCategory)
        self.prepare_templates()
        self.deadline_cache: dict[dt.date, tuple[dt.date, bool]] = {}
        self.tz = timezone.get_current_timezone()
        rng = self.rng("instruments")
        total = self.options.instruments
        allotment = Counter(
            u.index for u in rng.choices(self.units, weights=[u.weight for u in self.units], k=total)
        )
        plan = self.plan_groups(rng, allotment)
        # Groups count towards the total: take them from the units that host them.
        for unit, _, _ in plan:
            allotment[unit.index] -= 1
        groups = [self.make_group(rng, unit, kind, item, allotment[unit.index]) for unit, kind, item in plan]
        saved = bulk_create_with_history(groups, Instrument, batch_size=BATCH_SIZE)
        for unit_and_kind, instrument in zip(plan, saved, strict=True):
            unit_and_kind[0].groups.append(instrument)
        created = len(saved)
        batch: list[Instrument] = []
        for unit in self.units:
            count = allotment[unit.index]
            if count <= 0:
                continue
            templates = rng.choices(self.singles, cum_weights=self.unit_template_weights(unit), k=count)
            for template in templates:
                batch.append(self.make_single(rng, unit, template))
                if len(batch) >= BATCH_SIZE:
                    bulk_create_with_history(batch, Instrument, batch_size=BATCH_SIZE)
                    reset_queries()  # DEBUG keeps every (huge) INSERT statement otherwise
                    created += len(batch)
                    batch = []
                    if created % 10000 < BATCH_SIZE:
                        self.log(f"  {created} / {total} instruments")
        if batch:
            bulk_create_with_history(batch, Instrument, batch_size=BATCH_SIZE)
            created += len(batch)
        self.counts["instruments"] = created
        self.counts["derived_templates"] = self.derived_count
        self.counts["curated_templates"] = len(all_templates())

    def make_group(self, rng: random.Random, unit: UnitInfo, kind: str, item, singles: int) -> Instrument:
        if kind == IKind.INSTRUMENT_CENTER:
            sub_unit = item
            prefix = unit.org.short_name or unit.org.name
            name = sub_unit.name if sub_unit.name.startswith(prefix) else f"{prefix}{sub_unit.name}"
            members = max(5, round(0.3 * singles))  # about the share of the unit's instruments it will hold
            template = Template(
                code="990000",
                name=name[:100],
                name_en="Instrument Center",
                low=members * 40,
                high=members * 120,
                weight=1,
                self_operation=0,
                kind=kind,
                makers=(),
                indicators="集中管理电子显微、波谱、色谱质谱、X射线、热分析及样品前处理等大型仪器；统一预约、统一收费、统一培训；通过CMA资质认定",
                functions="面向校内外用户提供材料、化学、生命、环境等领域的综合分析测试服务与技术培训。",
                fields="材料科学；化学；生命科学；环境科学；地球科学",
                service="委托测试、自主上机培训、测试方法开发与数据解析。",
            )
            instrument = self.make_single(rng, unit, template, kind=kind, sub_unit=sub_unit, group=True)
        else:
            instrument = self.make_single(rng, unit, item, kind=kind, group=True)
        return instrument

    def acceptance_date(self, rng: random.Random, group: bool) -> dt.date:
        if group:
            return dt.date(2008, 1, 1) + dt.timedelta(days=rng.randrange(13 * 365))
        if rng.random() < 0.025:
            return self.today - dt.timedelta(days=rng.randint(0, 40))
        start = dt.date(2005, 1, 1)
        span = (self.today - start).days
        return start + dt.timedelta(days=int(span * rng.random() ** 0.6))

    def original_value(self, rng: random.Random, template: Template, imported: bool) -> Decimal:
        value = log_uniform(rng, template.low, template.high) * 10000
        roll = rng.random()
        if roll < 0.22:  # basic configuration, education discount or an older, cheaper generation
            value *= rng.uniform(0.3, 0.75)
        elif roll < 0.3:
            value *= rng.uniform(1.1, 1.6)  # extra detectors, accessories, extended warranty
        if imported:
            return Decimal(f"{value:.2f}")
        return Decimal(round(value, -2 if rng.random() < 0.6 else -3)).quantize(Decimal("0.01"))

    def registration(self, rng: random.Random, accepted: dt.date, value: Decimal, group: bool) -> str:
        age = (self.today - accepted).days
        if group or age > 45:
            pairs = (
                (Status.PUBLISHED, 90),
                (Status.DRAFT, 2.5),
                (Status.SUBMITTED, 1.5),
                (Status.AWAITING_DEPARTMENT, 1.5),
                (Status.AWAITING_AUTHORITY, 3),
                (Status.RETURNED, 1.5),
            )
        else:
            pairs = (
                (Status.DRAFT, 45),
                (Status.SUBMITTED, 22),
                (Status.AWAITING_DEPARTMENT, 6),
                (Status.AWAITING_AUTHORITY, 12),
                (Status.RETURNED, 3),
                (Status.PUBLISHED, 12 if age >= 5 else 0),
            )
        status = weighted(rng, pairs)
        # Only voluntary registrations (below the threshold) go to the supervising department.
        if status == Status.AWAITING_DEPARTMENT and value >= VALUE_THRESHOLD:
            status = Status.AWAITING_AUTHORITY
        return status

    def published_at(self, rng: random.Random, accepted: dt.date) -> dt.datetime:
        day = min(accepted + dt.timedelta(days=rng.randint(5, 90)), self.today - dt.timedelta(days=1))
        day = max(day, accepted)
        moment = dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randrange(60), rng.randrange(60)))
        return timezone.make_aware(moment, self.tz)

    def asset_number(self, unit: UnitInfo, year: int) -> str:
        unit.asset_seq += 1
        seq = unit.asset_seq
        return (
            f"{year}{seq:05d}",
            f"ZC{year}{seq:05d}",
            f"{unit.slug.upper().replace('-', '')[:4]}-{year}-{seq:05d}",
            f"YQ{seq:07d}",
        )[unit.asset_style]

    def make_single(
        self,
        rng: random.Random,
        unit: UnitInfo,
        template: Template,
        kind: str = IKind.SINGLE_INSTRUMENT,
        sub_unit: SubUnit | None = None,
        group: bool = False,
    ) -> Instrument:
        org = unit.org
        if template.makers:
            maker_key, models = rng.choice(template.makers)
            manufacturer, country = maker_data.MAKERS[maker_key]
            model_spec = rng.choice(models)
        else:
            manufacturer, country, model_spec = "多家厂商（详见所属仪器）", "CN", "成套平台"
        source = weighted(
            rng,
            (
                (Instrument.Source.PURCHASED, 94),
                (Instrument.Source.DONATED, 2),
                (Instrument.Source.SELF_BUILT, 2),
                (Instrument.Source.OTHER, 2),
            ),
        )
        if kind == IKind.INSTRUMENT_CENTER:
            source = Instrument.Source.OTHER
        elif source == Instrument.Source.SELF_BUILT:
            manufacturer, country, model_spec = org.name, "CN", f"自研-{rng.randint(1, 9)}型"
        accepted = self.acceptance_date(rng, group)
        value = self.original_value(rng, template, imported=country != "CN")
        status = self.registration(rng, accepted, value, group)
        parent = None
        if kind == IKind.SINGLE_INSTRUMENT and unit.groups and rng.random() < 0.3:
            same_field = [
                g
                for g in unit.groups
                if g.kind != IKind.INSTRUMENT_CENTER and g.category_id[:4] == template.code[:4]
            ]
            centres = [g for g in unit.groups if g.kind == IKind.INSTRUMENT_CENTER]
            parent = rng.choice(same_field or centres) if (same_field or centres) else None
        if sub_unit is None and unit.sub_units:
            if parent is not None and parent.sub_unit_id:
                sub_unit = next(s for s in unit.sub_units if s.pk == parent.sub_unit_id)
            elif rng.random() < 0.85:
                sub_unit = rng.choice(unit.sub_units)
        age_years = (self.today - accepted).days / 365.25
        operating = weighted(
            rng,
            (
                (Instrument.OperatingStatus.NORMAL, 93 if age_years < 12 else 78),
                (Instrument.OperatingStatus.UNDER_REPAIR, 3),
                (Instrument.OperatingStatus.IDLE, 3),
                (Instrument.OperatingStatus.TO_BE_SCRAPPED, 1 if age_years < 12 else 10),
                (Instrument.OperatingStatus.SCRAPPED, 0 if age_years < 12 else 6),
            ),
        )
        clinical = unit.kind == Kind.HOSPITAL and template.code.startswith("09")
        sharing = weighted(
            rng,
            (
                (Instrument.SharingMode.EXTERNAL, 55 if clinical else 81),
                (Instrument.SharingMode.INTERNAL, 30 if clinical else 15),
                (Instrument.SharingMode.NOT_SHARED, 15 if clinical else 4),
            ),
        )
        not_shared_reason = ""
        if sharing == Instrument.SharingMode.NOT_SHARED:
            reasons = texts.NOT_SHARED_REASONS
            not_shared_reason = reasons[2] if clinical else rng.choice(reasons[:2] + reasons[3:])
        manager = rng.choice(unit.staff)
        city = self.cities[unit.city]
        self_operation = rng.random() < template.self_operation
        if kind == IKind.SINGLE_INSTRUMENT:
            service = template.service or (
                f"提供{template.name}测试分析服务，接受委托测试"
                + ("，经培训合格的用户可自主上机。" if self_operation else "。")
            )
        else:
            service = template.service or f"{template.name}统一对外提供测试分析与技术服务。"
        instrument = Instrument(
            kind=kind,
            parent=parent,
            unit=org,
            sub_unit=sub_unit,
            asset_number=self.asset_number(unit, accepted.year),
            name=template.name,
            name_en=template.name_en,
            category_id=template.code,
            original_value=value,
            source=source,
            customs_supervised=(
                country != "CN"
                and unit.kind in (Kind.UNIVERSITY, Kind.RESEARCH_INSTITUTE)
                and age_years < 3
                and rng.random() < 0.6
            ),
            funding_source=self.funding(rng, unit),
            manufacturer=manufacturer[:100],
            country_of_origin=country,
            model_spec=model_spec[:100],
            technical_indicators=template.indicators,
            main_functions=template.functions,
            application_fields=template.fields,
            service_content=service[:200],
            campus=rng.choice(unit.campuses or org_data.CAMPUSES[unit.kind]),
            building=rng.choice(org_data.BUILDINGS[unit.kind]),
            room=rng.choice(texts.ROOM_FORMATS).format(f=rng.randint(1, 6), n=rng.randint(1, 30)),
            acceptance_date=accepted,
            start_of_use_date=(
                None
                if rng.random() < 0.1
                else min(accepted + dt.timedelta(days=rng.randint(0, 20)), self.today)
            ),
            manager=manager,
            contact_name=manager.full_name,
            contact_phone=landline(rng, city) if rng.random() < 0.6 else manager.phone,
            contact_email=manager.email,
            sharing_mode=sharing,
            not_shared_reason=not_shared_reason,
            operating_status=operating,
            open_policy=""
            if sharing == Instrument.SharingMode.NOT_SHARED
            else rng.choice(texts.OPEN_POLICIES),
            usage_rules=rng.choice(texts.USAGE_RULES),
            offers_self_operation=self_operation,
            offers_commissioned_testing=not self_operation or rng.random() < 0.9,
            registration_status=status,
            published_at=self.published_at(rng, accepted) if status == Status.PUBLISHED else None,
            created_by=unit.officer,
        )
        instrument._history_user = unit.officer
        cached = self.deadline_cache.get(accepted)
        if cached is None:
            apply_deadline(instrument, self.deployment)
            self.deadline_cache[accepted] = (
                instrument.registration_due,
                instrument.registration_due_estimated,
            )
        else:
            instrument.registration_due, instrument.registration_due_estimated = cached
        return instrument

    def funding(self, rng: random.Random, unit: UnitInfo) -> str:
        F = Instrument.FundingSource
        mixes = {
            "central": ((F.CENTRAL, 55), (F.LOCAL, 15), (F.OWN, 20), (F.OTHER, 10)),
            "local": ((F.LOCAL, 55), (F.CENTRAL, 10), (F.OWN, 25), (F.OTHER, 10)),
            "enterprise": ((F.OWN, 80), (F.LOCAL, 10), (F.CENTRAL, 5), (F.OTHER, 5)),
            "hospital": ((F.OWN, 55), (F.LOCAL, 30), (F.CENTRAL, 5), (F.OTHER, 10)),
        }
        return weighted(rng, mixes.get(unit.funding, mixes["local"]))
