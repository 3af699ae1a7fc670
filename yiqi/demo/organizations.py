"""Build phases for the places and organisations: regions, the deployment, departments, management units with
their sub-units, and the companies whose people use instruments."""

import random
from collections import defaultdict

from yiqi.organizations.models import Department, Deployment, Organization, Region, SubUnit

from .common import (
    AUTHORITY_NAME,
    DEPLOYMENT_NAME,
    REMINDERS,
    VALUE_THRESHOLD,
    Kind,
    UnitInfo,
    credit_code,
    weighted,
)
from .data import organizations as org_data
from .data import regions as region_data
from .data import texts


class OrganizationPhases:
    """Mixed into ``DemoBuilder``, whose state it shares."""

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
