"""What fee panels and charge pages show: the lines behind the total as it stands."""

import pytest

from yiqi.accounts.access import access_for
from yiqi.fees import services
from yiqi.fees.models import Charge, ChargeLine

from .helpers import bill, priced, service

pytestmark = pytest.mark.django_db


def stages(charge) -> set[str]:
    return {line.stage for line in services.charge_lines_for_display(charge)}


def test_a_charge_shows_its_quote_until_billed_then_its_bill(world):
    priced(world.published_a)
    record = service(world.published_a, world.users["external_user"])
    charge = services.quote(record)
    assert stages(charge) == {ChargeLine.Stage.QUOTE}
    charge = bill(record, hours="1.00")
    lines = services.charge_lines_for_display(charge)
    assert stages(charge) == {ChargeLine.Stage.BILL}
    assert sum(line.amount for line in lines) == charge.total  # the lines add up to what is owed
    Charge.objects.filter(pk=charge.pk).update(status=Charge.Status.PAID)
    charge.refresh_from_db()
    assert stages(charge) == {ChargeLine.Stage.BILL}


def test_only_those_who_manage_the_instrument_may_edit_its_schedule(world):
    priced(world.published_a)
    panel = services.fee_schedule_panel(access_for(world.users["unit_admin_a"]), world.published_a)
    assert panel["can_manage"] and [str(label) for label, _ in panel["groups"]] == ["自主上机", "委托测试"]
    assert not services.fee_schedule_panel(access_for(None), world.published_a)["can_manage"]


def test_the_fee_workspace_shows_the_unit_section_only_to_those_who_serve_a_unit(world):
    assert services.fee_workspace(None) == {"show": False}
    assert services.fee_workspace(world.users["external_user"])["serving"] is False
    assert services.fee_workspace(world.users["unit_admin_a"])["serving"] is True
