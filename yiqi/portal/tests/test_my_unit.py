"""What a unit's staff see of their own unit: the instrument list narrowed to it, workspace counts that open the
list they count, labels that say whose figures they are; and one unit count on the home page and the directory."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yiqi.organizations.tests.factories import OrganizationFactory
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory


def _listed(client, query: str) -> set[str]:
    page = client.get(reverse("registry:instrument_list") + query).content.decode()
    return set(re.findall(r'href="/instruments/(\d+)/"', page))


def test_staff_narrow_the_province_list_to_their_own_unit(world, client_for):
    elsewhere = InstrumentFactory(unit=world.unit_b, registration_status=RegistrationStatus.PUBLISHED)
    client = client_for(world.users["unit_admin_a"])
    mine = _listed(client, "?scope=mine")
    everything = _listed(client, "")
    assert mine == {str(i.pk) for i in world.unit_a.instruments.all()}
    assert everything == mine | {
        str(elsewhere.pk)
    }  # the province's published instruments are in the full list
    page = client.get(reverse("registry:instrument_list")).content.decode()
    assert "?scope=mine" in page  # the 本单位 tab is offered


def test_departments_narrow_the_list_to_their_supervised_units(world, client_for):
    client = client_for(world.users["department_admin_b"])
    assert _listed(client, "?scope=supervised") == {str(i.pk) for i in world.unit_b.instruments.all()}


def test_visitors_without_a_unit_get_no_records_for_my_unit(world, client):
    assert _listed(client, "?scope=mine") == set()


def test_every_workspace_status_count_opens_the_list_it_counts(world, client_for):
    client = client_for(world.users["officer_a"])
    page = client.get(reverse("portal:workspace")).content.decode()
    links = re.findall(
        r'href="(/instruments/\?scope=mine&amp;status=(\w+))">[^<]*<strong>(\d+)</strong>', page
    )
    assert {status for _, status, _ in links} == set(RegistrationStatus.values)
    for url, status, count in links:
        listed = client.get(url.replace("&amp;", "&")).context["paginator"].count
        assert listed == int(count), f"{status}: the workspace says {count}, the list shows {listed}"
    assert any(int(count) for _, _, count in links)


def test_the_home_page_counts_the_units_the_directory_lists(world, client):
    OrganizationFactory()  # a management unit with no published instrument is still in the directory
    home = client.get(reverse("portal:home")).context["figures"]["units"]
    directory = client.get(reverse("portal:unit_list")).context["paginator"].count
    assert home == directory


def test_the_platform_admin_is_told_the_charges_are_every_units(world, client_for):
    page = client_for(world.users["platform_admin"]).get(reverse("fees:unit")).content.decode()
    assert "全部单位收费" in page and "本单位收费" not in page
    page = client_for(world.users["unit_admin_a"]).get(reverse("fees:unit")).content.decode()
    assert "本单位收费" in page


def test_the_platform_admins_monthly_statement_waits_for_a_chosen_unit(world, client_for):
    client = client_for(world.users["platform_admin"])
    response = client.get(reverse("fees:statement"))
    assert response.status_code == 200 and response.context["statement"] is None
    assert "请选择要查看的管理单位和出账月份。" in response.content.decode()
    chosen = client.get(reverse("fees:statement"), {"unit": world.unit_b.pk})
    assert chosen.context["statement"].unit == world.unit_b


def test_the_my_unit_list_costs_the_same_queries_for_3n_rows(world, client_for):
    client = client_for(world.users["unit_admin_a"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("registry:instrument_list") + "?scope=mine").status_code == 200
        return len(captured)

    InstrumentFactory.create_batch(3, unit=world.unit_a)
    few = queries()
    InstrumentFactory.create_batch(6, unit=world.unit_a)
    assert queries() == few
