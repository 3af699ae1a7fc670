"""Adapters from Yiqi's data to national records (``national-interface.md``): one plain dict per record, with the
field names, enumerations and formats as they travel.

Everything is streamed: the rows are read in chunks of ``CHUNK`` by primary key, and each chunk's yearly hours,
charges and ratings come from one aggregate query per chunk, so memory stays flat however large the province is.
Enumerations observed in a national client rather than a published specification are in ``mappings.py``.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils.html import strip_tags
from django_countries import countries

from yiqi.census.services import frozen_figures
from yiqi.feedback.models import Rating
from yiqi.monitoring.rollup import yearly_hours
from yiqi.organizations.models import Organization, Region
from yiqi.outcomes import services as outcomes
from yiqi.registry.models import Instrument, RegistrationStatus, discipline_codes
from yiqi.servicerecords.models import ServiceKind, ServiceRecord, ServiceStatus
from yiqi.usage.models import UsageRecord

from . import mappings

CHUNK = 2000
SHANGHAI = ZoneInfo("Asia/Shanghai")
TEN_THOUSAND = Decimal("10000")

CENTRE, FACILITY, INSTRUMENT, CUSTOMS, SERVICE, YEARLY = 1, 2, 4, 5, 6, 7
# Sending order: a customs or service record only after its instrument, the yearly block last.
SEND_ORDER = (CENTRE, FACILITY, INSTRUMENT, CUSTOMS, SERVICE, YEARLY)


@dataclass
class Built:
    """One national record ready for the outbox: its type, the Yiqi object it comes from and the wire dict."""

    record_type: int
    unit_id: int
    object_key: str  # the instrument or service record id, or the year for the yearly block
    payload: dict
    instrument_key: str = ""  # the instrument record a customs or service record depends on


# --- formats -------------------------------------------------------------------------------------------------------


def wan_yuan(value: Decimal | None) -> str:
    """CNY → 10,000 CNY with two decimals, as text so no float ever rounds it."""
    return str((Decimal(value or 0) / TEN_THOUSAND).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def ymd(value: date | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def ymd_h(value: datetime | None) -> str:
    """The interface's service times: "Y-m-d H" in Beijing time."""
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H") if value else ""


def hours(value) -> str:
    return str(Decimal(value or 0).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def country_code(code: str) -> str:
    """GB/T 2659 (identical to ISO 3166-1) three-letter code."""
    return countries.alpha3(code) or ""


def plain(text: str, limit: int | None = None) -> str:
    text = " ".join(strip_tags(text or "").split())
    return text[:limit] if limit else text


def instrument_url(pk: int) -> str:
    return _instrument_url_pattern().replace("/0/", f"/{pk}/")


@cache
def _instrument_url_pattern() -> str:
    """The page address with id 0, reversed once: resolving it per record cost more than building the record."""
    return settings.YIQI_SITE_URL.rstrip("/") + reverse("registry:instrument_detail", args=[0])


# --- regions -------------------------------------------------------------------------------------------------------


class Regions:
    """Province, city and county names of a region code, from one read of the (small) region table."""

    def __init__(self):
        self._rows = {
            code: (name, parent)
            for code, name, parent in Region.objects.values_list("code", "name", "parent")
        }

    def names(self, code: str | None) -> tuple[str, str, str]:
        chain = []
        while code and code in self._rows:
            name, parent = self._rows[code]
            chain.append(name)
            code = parent
        chain.reverse()
        return tuple((chain + ["", "", ""])[:3])


# --- instruments (types 1, 2, 4, 5) ---------------------------------------------------------------------------------

INSTRUMENT_RELATED = ("unit", "sub_unit", "parent", "category")


def reportable_instruments(unit_ids=None):
    rows = Instrument.objects.filter(registration_status=RegistrationStatus.PUBLISHED)
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=unit_ids)
    return rows


def _chunks(queryset, keep) -> Iterator[list]:
    """The rows of ``queryset`` that ``keep`` accepts, in primary-key order, ``CHUNK`` read at a time (keyset
    pagination: no OFFSET). The status test runs here, not in SQL: filtered there, the planner starts from the
    status index and sorts every remaining row for each chunk, so the export slowed down as the data grew."""
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk")[:CHUNK])
        if not rows:
            return
        last = rows[-1].pk
        yield [row for row in rows if keep(row)]


def _published(instrument: Instrument) -> bool:
    return instrument.registration_status == RegistrationStatus.PUBLISHED


def _contact(instrument: Instrument, regions: Regions) -> dict:
    unit = instrument.unit
    province, city, county = regions.names(unit.region_id)
    return {
        "province": province,
        "city": city,
        "county": county,
        "contact": instrument.contact_name,
        "phone": instrument.contact_phone,
        "email": instrument.contact_email,
        "postalcode": unit.postcode,
    }


def instrument_record(instrument: Instrument, ins_code: str, regions: Regions, yearly) -> dict:
    parent = instrument.parent
    operating, service = yearly
    belongs = mappings.BELONGS_TYPE.get(parent.kind, mappings.NONE_TEXT) if parent else mappings.NONE_TEXT
    return {
        "insCode": ins_code,
        "cname": instrument.name,
        "ename": instrument.name_en,
        "innerId": instrument.asset_number,
        "instrBelongsType": belongs,
        "instrBelongsName": parent.name if parent else "",
        "resourceName": "",
        "instrCategory": instrument.category.code,
        "instrSource": mappings.SOURCE[instrument.source],
        "instrSupervise": mappings.YES if instrument.customs_supervised else mappings.NO,
        "worth": wan_yuan(instrument.original_value),
        "nation": country_code(instrument.country_of_origin.code),
        "manufacturer": instrument.manufacturer,
        "beginDate": ymd(instrument.start_of_use_date or instrument.acceptance_date),
        "type": mappings.INSTRUMENT_TYPE,
        "instrVersion": instrument.model_spec,
        "technical": plain(instrument.technical_indicators),
        "function": plain(instrument.main_functions),
        "subject": ",".join(discipline_codes(instrument.disciplines)),
        "serviceContent": instrument.service_content,
        "achievement": mappings.NONE_TEXT,
        "status": mappings.OPERATING_STATUS[instrument.operating_status],
        "requirement": plain(instrument.open_policy or instrument.usage_rules, 2000) or mappings.NONE_TEXT,
        "fee": mappings.FEE_TEXT,
        "serviceUrl": instrument_url(instrument.pk),
        **_contact(instrument, regions),
        "street": "",
        "address": " ".join(part for part in (instrument.unit.address, instrument.location) if part),
        "shareMode": mappings.SHARE_MODE[instrument.sharing_mode],
        "image": "",
        "runMachine": hours(operating),
        "serviceMachine": hours(service),
        "funds": mappings.FUNDS[instrument.funding_source],
        "insideDepart": instrument.sub_unit.name if instrument.sub_unit_id else "",
    }


def centre_record(instrument: Instrument, ins_code: str, regions: Regions, members: int) -> dict:
    """Instrument centre (type 1); a large facility (type 2) adds its English name."""
    record = {
        "insCode": ins_code,
        "cname": instrument.name,
        "innerId": instrument.asset_number,
        "worth": wan_yuan(instrument.original_value),
        "area": "",
        "establish": ymd(instrument.start_of_use_date or instrument.acceptance_date),
        "instruNum": members,
        "accept": ymd(instrument.acceptance_date),
        "subject": ",".join(discipline_codes(instrument.disciplines)),
        "serviceContent": instrument.service_content,
        **_contact(instrument, regions),
        "url": instrument_url(instrument.pk),
        "location": instrument.location or instrument.unit.address,
    }
    if instrument.kind == Instrument.Kind.LARGE_FACILITY:
        record["ename"] = instrument.name_en
    return record


def customs_record(instrument: Instrument, ins_code: str) -> dict:
    return {
        "innerId": instrument.asset_number,
        "insCode": ins_code,
        "declarationNumber": instrument.customs_declaration_number,
        "importDate": ymd(instrument.customs_import_date),
        "itemNumber": instrument.customs_item_number,
        "formname": instrument.customs_form_name,
    }


def instrument_records(codes: dict[int, str], year: int, unit_ids=None, ids=None) -> Iterator[Built]:
    """Types 1, 2, 4 and 5 for the published instruments (of ``unit_ids``, or only ``ids``)."""
    regions = Regions()
    rows = Instrument.objects.select_related(*INSTRUMENT_RELATED)
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=unit_ids)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    for chunk in _chunks(rows, _published):
        chunk_ids = [row.pk for row in chunk]
        yearly = yearly_hours(chunk_ids, year)
        members = dict(
            Instrument.objects.filter(parent_id__in=chunk_ids)
            .values("parent_id")
            .annotate(n=Count("id"))
            .values_list("parent_id", "n")
        )
        for instrument in chunk:
            code = codes.get(instrument.unit_id, "")
            key = str(instrument.pk)
            if instrument.kind in (Instrument.Kind.INSTRUMENT_CENTER, Instrument.Kind.LARGE_FACILITY):
                record_type = CENTRE if instrument.kind == Instrument.Kind.INSTRUMENT_CENTER else FACILITY
                payload = centre_record(instrument, code, regions, members.get(instrument.pk, 0))
                yield Built(record_type, instrument.unit_id, key, payload)
                continue
            if instrument.kind != Instrument.Kind.SINGLE_INSTRUMENT:
                continue  # service units are no longer reported nationally
            payload = instrument_record(instrument, code, regions, yearly[instrument.pk])
            yield Built(INSTRUMENT, instrument.unit_id, key, payload)
            if instrument.customs_supervised:
                yield Built(CUSTOMS, instrument.unit_id, key, customs_record(instrument, code), key)


# --- service records (type 6) ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceContext:
    """What a service record's national form needs beyond its own row, read once per chunk for all its records."""

    asset_number: str
    service_content: str
    disciplines: str


@dataclass(frozen=True)
class Applicant:
    name: str
    phone: str
    email: str


def service_record(
    record: ServiceRecord,
    ins_code: str,
    usage: UsageRecord | None,
    overall: int | None,
    instrument: ServiceContext,
    applicant: Applicant,
    organization: str,
) -> dict:
    commissioned = record.kind == ServiceKind.COMMISSIONED_TESTING
    purpose = usage.purpose if usage else UsageRecord.Purpose.OTHER
    disciplines = discipline_codes(instrument.disciplines)
    return {
        "insCode": ins_code,
        "recordInnerId": str(record.pk),
        "innerId": instrument.asset_number,
        "amounts": str((usage.fee if usage else Decimal(0)).quantize(Decimal("0.01"))),
        "serviceTime": ymd_h(record.started_at or record.created_at),
        "endTime": ymd_h(record.ended_at or record.completed_at),
        "serviceContent": plain(record.content or instrument.service_content, 200)
        or record.get_kind_display(),
        "serviceWay": mappings.SERVICE_WAY[record.kind],
        "serviceAmount": str(record.sample_count) if commissioned else hours(record.hours),
        "subjectName": mappings.NONE_TEXT,
        "subjectIncome": mappings.NONE_TEXT,
        "subjectArea": disciplines[0] if disciplines else "",
        "subjectContent": "",
        "applicant": applicant.name,
        "applicantPhone": applicant.phone,
        "applicantEmail": applicant.email,
        "applicantUnit": organization,
        "comment": mappings.COMMENT.get(overall, ""),
        "serviceType": mappings.SERVICE_TYPE_INTERNAL
        if record.is_internal
        else mappings.SERVICE_TYPE_EXTERNAL,
        "serviceDirection": mappings.SERVICE_DIRECTION[purpose],
        "adressType": "0",
        "moveAddress": "",
        "serviceCode": record.reference,
        "signAgreement": mappings.NO,
    }


def reportable_services(unit_ids=None):
    rows = ServiceRecord.objects.filter(
        status=ServiceStatus.COMPLETED, instrument__registration_status=RegistrationStatus.PUBLISHED
    )
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=unit_ids)
    return rows


# Only the columns the national form reads: a service record row is wide, and there may be millions.
SERVICE_FIELDS = (
    "kind", "unit", "instrument", "user", "user_organization", "is_internal", "reference", "content",
    "sample_count", "hours", "started_at", "ended_at", "created_at", "completed_at",
)  # fmt: skip


def _service_context(chunk: list[ServiceRecord]) -> tuple[list, dict, dict, dict, dict, dict]:
    """The chunk's records on published instruments, with their instruments, applicants, organisations, usage and
    ratings: one narrow query each, however many records share them (a chunk's records share few instruments)."""
    instruments = {
        pk: ServiceContext(*rest)
        for pk, *rest in Instrument.objects.filter(
            pk__in={row.instrument_id for row in chunk}, registration_status=RegistrationStatus.PUBLISHED
        ).values_list("pk", "asset_number", "service_content", "disciplines")
    }
    chunk = [row for row in chunk if row.instrument_id in instruments]
    chunk_ids = [row.pk for row in chunk]
    applicants = {
        user.pk: Applicant(user.get_full_name() or user.get_username(), user.phone, user.email)
        for user in get_user_model()
        .objects.filter(pk__in={row.user_id for row in chunk})
        .only("username", "full_name", "first_name", "last_name", "phone", "email")
    }
    organizations = dict(
        Organization.objects.filter(
            pk__in={row.user_organization_id for row in chunk if row.user_organization_id}
        ).values_list("pk", "name")
    )
    usage = {
        row.record_id: row
        for row in UsageRecord.objects.filter(record_id__in=chunk_ids).only("record_id", "fee", "purpose")
    }
    ratings = dict(Rating.objects.filter(record_id__in=chunk_ids).values_list("record_id", "overall"))
    return chunk, instruments, applicants, organizations, usage, ratings


def _completed(record: ServiceRecord) -> bool:
    return record.status == ServiceStatus.COMPLETED


def service_records(codes: dict[int, str], unit_ids=None, ids=None) -> Iterator[Built]:
    """Type 6 for the completed service records on published instruments (the ``reportable_services``)."""
    rows = ServiceRecord.objects.only("status", *SERVICE_FIELDS)
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=unit_ids)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    for chunk in _chunks(rows, _completed):
        chunk, instruments, applicants, organizations, usage, ratings = _service_context(chunk)
        for record in chunk:
            payload = service_record(
                record,
                codes.get(record.unit_id, ""),
                usage.get(record.pk),
                ratings.get(record.pk),
                instruments[record.instrument_id],
                applicants[record.user_id],
                organizations.get(record.user_organization_id, ""),
            )
            yield Built(SERVICE, record.unit_id, str(record.pk), payload, str(record.instrument_id))


# --- the yearly block of a unit (type 7) -----------------------------------------------------------------------------


def yearly_records(codes: dict[int, str], year: int, unit_ids=None) -> Iterator[Built]:
    units = Organization.objects.filter(is_management_unit=True)
    if unit_ids is not None:
        units = units.filter(pk__in=unit_ids)
    instruments = {
        row["unit_id"]: row
        for row in reportable_instruments(unit_ids)
        .values("unit_id")
        .annotate(n=Count("id"), value=Sum("original_value"))
    }
    services = {
        row["unit_id"]: row
        for row in reportable_services(unit_ids)
        .filter(completed_at__year=year)
        .values("unit_id")
        .annotate(n=Count("id"), users=Count("user_id", distinct=True))
    }
    income = dict(
        UsageRecord.objects.filter(started_at__year=year, record__isnull=False)
        .values("unit_id")
        .annotate(total=Sum("fee"))
        .values_list("unit_id", "total")
    )
    frozen = frozen_figures(year)  # a closed census's figures stand for the year, as the units confirmed them
    # Results of use: the units' confirmed results dated in the year; the awards' titles are its highlights.
    year_start, year_end = date(year, 1, 1), date(year, 12, 31)
    results = outcomes.counts(units.values_list("pk", flat=True), year_start, year_end)
    awards = outcomes.awards_of(units.values_list("pk", flat=True), year_start, year_end)
    for unit in units.order_by("pk").iterator(chunk_size=CHUNK):
        if unit.pk not in instruments and unit.pk not in frozen:
            continue
        owned, served = instruments.get(unit.pk, {}), services.get(unit.pk, {})
        census = frozen.get(unit.pk)
        payload = {
            "insCode": codes.get(unit.pk, ""),
            "year": str(year),
            "serviceUrl": unit.website or settings.YIQI_SITE_URL,
            "instruNum": census.instruments if census else owned["n"],
            "instruWorth": wan_yuan(census.value if census else owned["value"]),
            "serviceAmounts": census.services if census else served.get("n", 0),
            "serviceIncome": wan_yuan(census.income if census else income.get(unit.pk)),
            "user": served.get("users", 0),
            "project": results[unit.pk]["project"],
            "thesis": results[unit.pk]["paper"],
            "book": 0,
            "report": 0,
            "patent": results[unit.pk]["patent"],
            "output": sum(n for kind, n in results[unit.pk].items() if kind != "weighted"),
            "achievements": plain("；".join(awards.get(unit.pk, ())), 2000) or mappings.NONE_TEXT,
            "socialBenefit": mappings.NONE_TEXT,
        }
        yield Built(YEARLY, unit.pk, str(year), payload)


def all_records(codes: dict[int, str], year: int, unit_ids=None) -> Iterator[Built]:
    """Every national record of the province (or of ``unit_ids``), instruments first."""
    yield from instrument_records(codes, year, unit_ids)
    yield from service_records(codes, unit_ids)
    yield from yearly_records(codes, year, unit_ids)
