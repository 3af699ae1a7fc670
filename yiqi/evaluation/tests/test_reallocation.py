"""Two poor grades running put a unit's low-use instruments on the authority's reallocation list."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import user_with_role
from yiqi.organizations.tests.factories import OrganizationFactory
from yiqi.registry.models import Instrument
from yiqi.registry.tests.factories import InstrumentFactory
from yiqi.usage.tests.factories import UsageRecordFactory

from .scene import open_round, published_round

pytestmark = pytest.mark.django_db


def used(instrument, hours: str, year: int):
    start = timezone.make_aware(dt.datetime(year, 6, 1, 8))
    UsageRecordFactory(
        instrument=instrument,
        machine_hours=Decimal(hours),
        started_at=start,
        ended_at=start + dt.timedelta(hours=float(hours)),
    )


def test_units_poor_twice_running_list_their_low_use_instruments(client):
    authority = user_with_role(Role.PLATFORM_ADMIN)
    twice, once = OrganizationFactory(name="连续较差大学"), OrganizationFactory(name="一次较差研究所")
    busy = InstrumentFactory(unit=twice, name="繁忙的质谱仪")
    idle = InstrumentFactory(unit=twice, name="闲置的电镜")
    InstrumentFactory(unit=twice, name="已报废的色谱仪", operating_status=Instrument.OperatingStatus.SCRAPPED)
    InstrumentFactory(unit=once, name="另一单位的光谱仪")
    used(busy, "1300", 2024)
    used(idle, "10", 2024)
    published_round(authority, [twice], year=2023)
    published_round(authority, [twice, once], year=2024)
    open_round(authority, [twice], year=timezone.localdate().year)  # not published: does not count

    client.force_login(authority)
    page = client.get(reverse("evaluation:reallocation")).content.decode()
    assert "连续较差大学" in page and "一次较差研究所" not in page
    assert "闲置的电镜" in page and "繁忙的质谱仪" not in page and "已报废的色谱仪" not in page
    assert "另一单位的光谱仪" not in page

    client.force_login(user_with_role(Role.UNIT_ADMIN, organization=twice))
    assert client.get(reverse("evaluation:reallocation")).status_code == 403
