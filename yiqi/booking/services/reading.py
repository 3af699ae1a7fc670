"""One read of everything a booking request is checked against, in a single query (``UNION ALL`` of one branch
per kind of fact): the deployment's overlap policy, the user's suspension in force, their qualification (and those
an alliance recognises), the instrument's open hours, blackouts, held bookings (and the user's active bookings
elsewhere), live waitlist offers, the user's organisations, the alliance terms between those and the instrument's
unit, and the unit's service staff (who hear of the booking).

The instrument's settings come with the instrument (``select_related``); the fee schedule is read once by fees,
which takes the alliance member price category from here.
A new kind of fact is one more branch here and one more field of ``RequestFacts``.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS
from django.db.models import BooleanField, CharField, DateField, DateTimeField, F, IntegerField, Value
from django.db.models.functions import Cast

from yiqi.accounts.models import Role, User
from yiqi.alliances.services import best_member_category, recognised_units_query, terms_between_query
from yiqi.core.prepared import PreparedRead
from yiqi.organizations.models import Deployment, Organization
from yiqi.registry.models import Instrument

from ..availability import blackouts_between_query, held_bookings_between, live_offers_between
from ..models import BookingSuspension, OpenHours, Qualification
from .credit import suspension_in_force

_COLUMNS = {
    "fact_kind": IntegerField,
    "fact_t1": DateTimeField,
    "fact_t2": DateTimeField,
    "fact_t3": DateTimeField,
    "fact_day": DateField,
    "fact_n1": IntegerField,
    "fact_n2": IntegerField,
    "fact_n3": IntegerField,
    "fact_flag": BooleanField,
    "fact_s1": CharField,
    "fact_s2": CharField,
}
DEPLOYMENT, SUSPENSION, QUALIFICATION, HOURS, BLACKOUT, HELD, OFFER, ORGANIZATION, STAFF, ALLIANCE = range(10)


@dataclass
class HeldTime:
    user_id: int
    is_internal: bool
    start: dt.datetime
    end: dt.datetime


@dataclass
class OwnBookingElsewhere:
    """The user's active booking of another instrument (refused to overlap when the deployment says so)."""

    instrument_name: str
    start: dt.datetime
    end: dt.datetime


@dataclass
class AllianceTerms:
    """The terms alliances give the user's member organisation at the instrument's unit (the best of several):
    the longest priority window and the most favourable member price category ('' when none)."""

    alliance_name: str
    priority_days: int
    member_category: str = ""


@dataclass
class RequestFacts:
    refuse_own_overlaps: bool = True  # ``Deployment.refuse_overlapping_bookings`` (its default without a row)
    suspension: BookingSuspension | None = None
    qualified_until: dt.date | None = None
    hours: list = field(default_factory=list)  # (weekday, start_minute, end_minute)
    blackouts: list = field(default_factory=list)  # (start, end)
    held: list[HeldTime] = field(default_factory=list)
    own_elsewhere: list[OwnBookingElsewhere] = field(default_factory=list)
    offers: list = field(default_factory=list)  # (start, end, expires_at) offered to other users
    organizations: list[Organization] = field(default_factory=list)  # by name
    staff: list = field(default_factory=list)  # the unit's active admins and technicians
    alliance_terms: dict[int, AllianceTerms] = field(
        default_factory=dict
    )  # by the user's member organisation


# One instance per column, shared by every branch (making fields is a good part of building a query).
_FIELDS = {name: output_field() for name, output_field in _COLUMNS.items()}


def _branch(queryset, kind: int, *, typed: bool = False, **columns):
    """The queryset as rows of the common shape: the given columns filled, the others NULLs. ``typed``: the first
    branch casts its NULLs (PostgreSQL types a UNION's columns from its first branch onwards; an untyped NULL
    after it takes the column's type)."""
    filled = {f"fact_{name}": F(source) for name, source in columns.items()}
    values = {}
    for name, output_field in _FIELDS.items():
        if name == "fact_kind":
            values[name] = Value(kind, output_field=output_field)
        elif name in filled:
            values[name] = filled[name]
        else:
            values[name] = (
                Cast(Value(None), output_field) if typed else Value(None, output_field=output_field)
            )
    return queryset.order_by().annotate(**values).values_list(*_COLUMNS)


def _row(model, **values):
    """A model instance from the columns read (its other fields load on first use)."""
    return model.from_db(DEFAULT_DB_ALIAS, list(values), list(values.values()))


def _facts_query(*, instrument_id, unit_id, category_id, user_id, start, end, week_start, week_end, now):
    """The ``UNION ALL`` of one branch per kind of fact (compiled once, see ``read_facts``)."""
    instrument = Instrument(pk=instrument_id, unit_id=unit_id, category_id=category_id)
    user = User(pk=user_id)
    branches = [
        _branch(Deployment.objects.filter(pk=1), DEPLOYMENT, typed=True, flag="refuse_overlapping_bookings"),
        _branch(
            suspension_in_force(user, now), SUSPENSION, n1="pk", t1="starts_at", t2="ends_at", s1="reason"
        ),
        _branch(
            Qualification.objects.filter(instrument=instrument, user=user, revoked_at__isnull=True),
            QUALIFICATION,
            day="expires_on",
        ),
        # A qualification on an instrument of the same class at a unit whose alliance recognises it.
        _branch(
            Qualification.objects.filter(
                user=user,
                revoked_at__isnull=True,
                instrument__category_id=category_id,
                instrument__unit_id__in=recognised_units_query(unit_id).values("unit_id"),
            ),
            QUALIFICATION,
            day="expires_on",
        ),
        _branch(
            terms_between_query(unit_id, user),
            ALLIANCE,
            n1="unit_id",
            n2="alliance__priority_days",
            s1="alliance__name",
            s2="alliance__member_category",
        ),
        _branch(
            OpenHours.objects.filter(instrument=instrument),
            HOURS,
            n1="weekday",
            n2="start_minute",
            n3="end_minute",
        ),
        _branch(blackouts_between_query(instrument, start, end), BLACKOUT, t1="starts_at", t2="ends_at"),
        _branch(
            held_bookings_between(instrument, week_start, week_end, plus_active_of=user),
            HELD,
            n1="instrument_id",
            s1="instrument__name",
            n2="user_id",
            flag="is_internal",
            t1="starts_at",
            t2="ends_at",
        ),
        _branch(
            live_offers_between(instrument, start, end, now).exclude(user=user),
            OFFER,
            t1="starts_at",
            t2="ends_at",
            t3="offer_expires_at",
        ),
        _branch(
            Organization.objects.filter(role_assignments__user=user),
            ORGANIZATION,
            n1="pk",
            s1="name",
            s2="kind",
        ),
        _branch(
            User.objects.filter(
                is_active=True,
                role_assignments__organization_id=unit_id,
                role_assignments__role__in=(Role.UNIT_ADMIN, Role.TECHNICIAN),
            ),
            STAFF,
            n1="pk",
            s1="email",
            s2="language",
        ),
    ]
    return branches[0].union(*branches[1:], all=True)


# Every booking request runs this read; building and compiling it cost more than running it.
_FACTS = PreparedRead(_facts_query)


def read_facts(
    instrument: Instrument,
    user,
    *,
    span: tuple[dt.datetime, dt.datetime],
    weeks: tuple[dt.datetime, dt.datetime],
    now: dt.datetime,
) -> RequestFacts:
    """Everything the rules check for a request whose times lie in ``span`` (held bookings over ``weeks``: the
    local weeks around it where the weekly quota or reserve applies, else the span itself), in one query."""
    rows = _FACTS.rows(
        instrument_id=instrument.pk,
        unit_id=instrument.unit_id,
        category_id=instrument.category_id,
        user_id=user.pk,
        start=span[0],
        end=span[1],
        week_start=weeks[0],
        week_end=weeks[1],
        now=now,
    )
    facts = RequestFacts()
    organizations, staff, qualified = {}, {}, []
    for kind, t1, t2, t3, day, n1, n2, n3, flag, s1, s2 in rows:
        if kind == DEPLOYMENT:
            facts.refuse_own_overlaps = flag
        elif kind == SUSPENSION:
            facts.suspension = _row(
                BookingSuspension, id=n1, user_id=user.pk, starts_at=t1, ends_at=t2, reason=s1
            )
        elif kind == QUALIFICATION:
            qualified.append(day)
        elif kind == HOURS:
            facts.hours.append((n1, n2, n3))
        elif kind == BLACKOUT:
            facts.blackouts.append((t1, t2))
        elif kind == HELD and n1 == instrument.pk:
            facts.held.append(HeldTime(n2, flag, t1, t2))
        elif kind == HELD:
            facts.own_elsewhere.append(OwnBookingElsewhere(s1, t1, t2))
        elif kind == OFFER:
            facts.offers.append((t1, t2, t3))
        elif kind == ORGANIZATION:
            organizations[n1] = _row(Organization, id=n1, name=s1, kind=s2)
        elif kind == STAFF:
            staff[n1] = _row(User, id=n1, email=s1, language=s2, is_active=True)
        elif kind == ALLIANCE:
            known = facts.alliance_terms.get(n1)
            if known is None or n2 > known.priority_days:
                facts.alliance_terms[n1] = AllianceTerms(s1, n2, s2)
            facts.alliance_terms[n1].member_category = best_member_category(
                (s2, known.member_category if known else "")
            )
    facts.qualified_until = max(qualified, default=None)
    facts.blackouts.sort()
    facts.held.sort(key=lambda held: held.start)
    if not facts.refuse_own_overlaps:
        facts.own_elsewhere = []
    facts.organizations = sorted(organizations.values(), key=lambda organization: organization.name)
    facts.staff = [staff[pk] for pk in sorted(staff)]
    return facts
