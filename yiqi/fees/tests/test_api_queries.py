"""Fee lists cost the same number of queries for 3 rows as for 9: a long list never slows to a crawl."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yiqi.accounts.tests.factories import UserFactory
from yiqi.fees import services
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory

from .helpers import billed, priced

N = 3


def queries(client, url, params=None, *, rows: int) -> int:
    """How many queries the list took, having checked that it lists ``rows`` rows."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body.get("count", len(body.get("results", []))) == rows
    return len(captured)


def add_bills(world, count: int) -> None:
    """``count`` bills of unit A, each on an instrument of its own for a payer of their own, with an adjustment."""
    for _ in range(count):
        instrument = InstrumentFactory(
            unit=world.unit_a,
            registration_status=RegistrationStatus.PUBLISHED,
            manager=world.users["manager_a"],
        )
        priced(instrument)
        charge = billed(instrument, UserFactory(), organization=world.enterprise)
        services.request_adjustment(charge, actor=world.users["technician_a"], amount="-1.00", reason="少收")


@pytest.mark.parametrize("viewer", ["unit_admin_a", "technician_a", "platform_admin"])
def test_the_charge_list_costs_the_same_for_more_charges(world, client_for, viewer):
    client = client_for(world.users[viewer])
    add_bills(world, N)
    few = queries(client, "/api/v1/charges/", rows=N)
    add_bills(world, 2 * N)
    assert queries(client, "/api/v1/charges/", rows=3 * N) == few


def test_the_fee_item_list_costs_the_same_for_more_items(world, client_for):
    client = client_for(world.users["manager_a"])
    add_bills(world, N)
    few = queries(client, "/api/v1/fee-items/", rows=3 * N)
    add_bills(world, 2 * N)
    assert queries(client, "/api/v1/fee-items/", rows=9 * N) == few


@pytest.mark.parametrize("viewer, params", [("unit_admin_a", "unit"), ("external_user", None)])
def test_the_statement_costs_the_same_for_more_bills(world, client_for, viewer, params):
    client = client_for(world.users[viewer])
    params = {"unit": world.unit_a.pk} if params else {}
    add_bills(world, N)
    few = queries(client, "/api/v1/statements/", params, rows=N)
    add_bills(world, 2 * N)
    assert queries(client, "/api/v1/statements/", params, rows=3 * N) == few
