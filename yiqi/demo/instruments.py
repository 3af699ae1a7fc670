"""Build phase for the instruments: the planned groups first, then every unit's single instruments, each with
plausible values, registration status and deadline."""

import datetime as dt
import random
import zlib
from collections import Counter
from decimal import Decimal

from django.db import reset_queries
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from yiqi.organizations.models import SubUnit
from yiqi.registry.categories import sync_categories
from yiqi.registry.deadlines import apply_deadline
from yiqi.registry.models import Instrument, InstrumentCategory

from .common import (
    BATCH_SIZE,
    VALUE_THRESHOLD,
    IKind,
    Kind,
    Status,
    UnitInfo,
    landline,
    log_uniform,
    weighted,
)
from .data import makers as maker_data
from .data import organizations as org_data
from .data import texts
from .data.templates import Template, all_templates


def domestic_flags(country: str, source: str, manufacturer: str, model_spec: str) -> dict:
    """Some domestic instruments are original designs (all self-built ones), some have their core parts
    replaced. Read from the model, not the random generator, so every other demo record stays as it was."""
    if country != "CN":
        return {}
    digest = zlib.crc32(f"{manufacturer}\x1f{model_spec}".encode()) % 10
    original = source == Instrument.Source.SELF_BUILT or digest == 0
    return {"domestic_original": original, "domestic_core_parts": not original and digest in (1, 2)}


class InstrumentPhases:
    """Mixed into ``DemoBuilder``, whose state it shares."""

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
            **domestic_flags(country, source, manufacturer, model_spec),
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
