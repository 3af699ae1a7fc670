"""What the usage panels and pages are given: plain data, decided in ``presenters``."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.core.models import AuditEvent
from yiqi.usage import presenters

from .factories import UsageRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def used(world):
    """This year on unit_a's published instrument: 3.00 h, 1.00 of them external."""
    start = timezone.now() - dt.timedelta(days=1)
    UsageRecordFactory(instrument=world.published_a, machine_hours=Decimal("2.00"), started_at=start)
    UsageRecordFactory(
        instrument=world.published_a, machine_hours=Decimal("1.00"), is_external=True, started_at=start
    )


def test_the_workspace_gives_the_unit_admin_a_row_per_unit_and_the_outsider_nothing(world, used):
    admin = presenters.usage_workspace(access_for(world.users["unit_admin_a"]))
    assert admin["show"] and admin["year"] == timezone.localdate().year and admin["department_rows"] == []
    [row] = admin["unit_rows"]
    assert (row.label, row.machine_hours, row.sharing_percent) == (
        "西北测试大学",
        Decimal("3.00"),
        Decimal("33.33"),
    )
    assert presenters.usage_workspace(access_for(world.users["external_user"])) == {"show": False}
    assert presenters.usage_workspace(access_for(None)) == {"show": False}


def test_a_department_gets_a_row_even_without_records(world, used):
    department = presenters.usage_workspace(access_for(world.users["department_admin_b"]))
    [row] = department["department_rows"]
    assert row.label == "陕西省卫生健康委员会" and row.machine_hours == 0 and row.sharing_percent is None
    assert department["unit_rows"] == []


def test_the_dashboard_is_the_unit_admins_own_unit_and_refused_to_an_outsider(world, used):
    access = access_for(world.users["unit_admin_a"])
    options = presenters.dashboard_options(access)
    assert options["groups"] == ["unit"] and not options["pick_unit"]
    page = presenters.dashboard(access, options, {})
    assert page["unit"] == world.unit_a and page["headline"].machine_hours == Decimal("3.00")
    assert page["can_record"] and page["chart"]["sharing_rate"][timezone.localdate().month - 1] is not None
    assert [row.key for row in page["top_instruments"]] == [world.published_a.pk]
    with pytest.raises(PermissionDenied):
        presenters.dashboard_options(access_for(world.users["external_user"]))


def test_the_platform_admin_groups_the_province_as_chosen(world, used):
    access = access_for(world.users["platform_admin"])
    options = presenters.dashboard_options(access)
    assert options["pick_unit"] and options["groups"] == ["department", "region", "unit"]
    page = presenters.dashboard(access, options, {"group_by": "unit"})
    assert page["unit"] is None and page["group_by"] == "unit" and not page["can_record"]
    assert [row.label for row in page["rows"]] == ["西北测试大学"]


def test_the_record_page_shows_history_to_the_unit_admin_only(world, used):
    record = UsageRecordFactory(instrument=world.published_a)
    AuditEvent.record(record, "create", actor=world.users["unit_admin_a"], data={"unit": record.unit_id})
    admin = presenters.record_page(access_for(world.users["unit_admin_a"]), record)
    assert admin["can_change"] and not admin["can_download"]  # no evidence to download
    assert [row["action_label"] for row in admin["history"]] == ["登记"]
    outsider = presenters.record_page(access_for(world.users["external_user"]), record)
    assert outsider == {"can_change": False, "can_download": False, "evidence_name": "", "history": []}


def test_the_instrument_summary_covers_this_year_and_last(world, used):
    years = presenters.instrument_usage_summary(world.published_a)["years"]
    this_year = timezone.localdate().year
    assert [year for year, _hours in years] == [this_year, this_year - 1]
    assert years[0][1].machine_hours == Decimal("3.00") and years[0][1].external_hours == Decimal("1.00")
