"""Builds a deterministic, realistic demo province (Shaanxi) into an empty database.

Everything random comes from ``random.Random`` seeded with the build seed (one stream per phase, so that asking
for more instruments leaves the organisations and people unchanged). Only the dates follow today's date: some
instruments are accepted within the last weeks so that deadlines and reminders have something to show.
"""

import random
import time
from collections import Counter

from django.db import transaction
from django.utils import timezone

from yiqi.catalog.indexing import rebuild_index
from yiqi.core.maintenance import refresh_planner_statistics
from yiqi.organizations.models import Department

from .common import DEMO_PASSWORD, BuildOptions, UnitInfo, city_by_code
from .data import regions as region_data
from .instrument_plan import InstrumentPlanning
from .instruments import InstrumentPhases
from .organizations import OrganizationPhases
from .people import PeoplePhase

__all__ = ["DEMO_PASSWORD", "BuildOptions", "DemoBuilder"]


class DemoBuilder(OrganizationPhases, PeoplePhase, InstrumentPlanning, InstrumentPhases):
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

    def build(self, activity: bool = True) -> Counter:
        """The whole province; without ``activity`` only its organisations, people and instruments (what search
        reads), for tests of the catalogue at scale."""
        started = time.monotonic()
        phases = [
            self.build_regions,
            self.build_deployment,
            self.build_departments,
            self.build_units,
            self.build_user_organizations,
            self.build_people,
            self.build_instruments,
        ]
        if activity:
            phases.append(self.build_service_activity)
        with transaction.atomic():
            for phase in phases:
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
