import datetime as dt
from types import SimpleNamespace

import pytest

from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import user_with_role
from yiqi.booking.tests.factories import bookable_instrument, freeze_now, local
from yiqi.organizations.models import Organization
from yiqi.organizations.tests.factories import OrganizationFactory
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory

NOW = local(2026, 3, 2, 9)  # a Monday


@pytest.fixture
def world(db, monkeypatch):
    freeze_now(monkeypatch, NOW)
    lead, member, outsider = OrganizationFactory(), OrganizationFactory(), OrganizationFactory()
    company = OrganizationFactory(is_management_unit=False, kind=Organization.Kind.ENTERPRISE)
    instrument = bookable_instrument(
        InstrumentFactory(unit=lead, registration_status=RegistrationStatus.PUBLISHED), horizon_days=30
    )
    return SimpleNamespace(
        lead=lead,
        member=member,
        outsider=outsider,
        company=company,
        instrument=instrument,
        lead_admin=user_with_role(Role.UNIT_ADMIN, organization=lead),
        member_admin=user_with_role(Role.UNIT_ADMIN, organization=member),
        member_user=user_with_role(Role.TECHNICIAN, organization=member),
        outsider_admin=user_with_role(Role.UNIT_ADMIN, organization=outsider),
        outsider_user=user_with_role(Role.TECHNICIAN, organization=outsider),
        authority=user_with_role(Role.PLATFORM_ADMIN),
        far=(NOW + dt.timedelta(days=38)).replace(hour=10),  # a Thursday, beyond the 30-day horizon
    )
