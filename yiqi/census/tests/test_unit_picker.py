"""The authority picks the units a census covers: by supervising department, by kind and by name, then unticks
single units from the list; at 375 px in a browser too."""

import datetime as dt
import os

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiqi.census.models import Census, CensusReturn
from yiqi.core.tests.browser import CHROMEDRIVER, CHROMIUM, headless_chrome
from yiqi.organizations.models import Organization
from yiqi.organizations.tests.factories import OrganizationFactory

YEAR = timezone.localdate().year - 1


def _deadline() -> str:
    return (timezone.localdate() + dt.timedelta(days=30)).isoformat()


def _opened_units() -> set[int]:
    return set(CensusReturn.objects.filter(census__year=YEAR).values_list("unit_id", flat=True))


def test_listing_the_units_of_a_department_ticks_them_all(world, client_for):
    client = client_for(world.authority)
    page = client.post(
        reverse("census:open"),
        {"departments": [world.unit.supervising_department_id], "list_units": "1", "year": YEAR},
    )
    assert page.status_code == 200 and not Census.objects.exists()
    text = page.content.decode()
    assert world.unit.name in text and world.other_unit.name not in text
    assert page.context["form"]["units"].value() == [str(world.unit.pk)]


def test_the_census_covers_the_ticked_units_only(world, client_for):
    hospital = OrganizationFactory(name="省测试医院", kind=Organization.Kind.HOSPITAL)
    response = client_for(world.authority).post(
        reverse("census:open"),
        {"year": YEAR, "deadline": _deadline(), "listed": "1", "units": [world.unit.pk, hospital.pk]},
    )
    assert response.status_code == 302
    assert _opened_units() == {world.unit.pk, hospital.pk}


def test_filters_alone_set_the_scope_by_kind_and_name(world, client_for):
    OrganizationFactory(name="省测试医院", kind=Organization.Kind.HOSPITAL)
    county = OrganizationFactory(name="县人民医院", kind=Organization.Kind.HOSPITAL)
    response = client_for(world.authority).post(
        reverse("census:open"),
        {"year": YEAR, "deadline": _deadline(), "kinds": ["hospital"], "search": "人民"},
    )
    assert response.status_code == 302 and _opened_units() == {county.pk}


def test_no_units_or_units_outside_the_filters_are_field_errors(world, client_for):
    client = client_for(world.authority)
    none_ticked = client.post(reverse("census:open"), {"year": YEAR, "deadline": _deadline(), "listed": "1"})
    assert none_ticked.status_code == 200 and "请至少勾选一个单位" in none_ticked.content.decode()
    outside = client.post(
        reverse("census:open"),
        {
            "year": YEAR,
            "deadline": _deadline(),
            "departments": [world.unit.supervising_department_id],
            "listed": "1",
            "units": [world.other_unit.pk],
        },
    )
    assert outside.status_code == 200 and outside.context["form"].errors["units"]
    nothing = client.post(
        reverse("census:open"),
        {"year": YEAR, "deadline": _deadline(), "kinds": ["hospital"], "search": "无此单位"},
    )
    assert nothing.status_code == 200 and "请至少选择一个单位" in nothing.content.decode()
    assert not Census.objects.exists()


@pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER) and not os.environ.get("CI"),
    reason="Chromium and ChromeDriver are not installed (apt-get install chromium chromium-driver)",
)
@pytest.mark.sqlite_once  # the picker's script at 375 px; the census it opens is checked above on both databases
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_picker_works_on_a_phone(world, live_server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from yiqi.portal.tests.test_phone_and_accessibility import OVERFLOW_JS

    client = Client()
    client.force_login(world.authority)
    driver = headless_chrome(375, 812)
    try:
        driver.get(live_server.url + "/offline/")
        driver.add_cookie(
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            }
        )
        driver.get(live_server.url + reverse("census:open"))
        driver.find_element(By.ID, "id_year").send_keys(str(YEAR))
        driver.execute_script(
            "arguments[0].value = arguments[1]", driver.find_element(By.ID, "id_deadline"), _deadline()
        )

        def click(
            element,
        ):  # scrolled to the middle first (at once: Bootstrap scrolls smoothly), as a thumb would
            driver.execute_script(
                "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element
            )
            element.click()

        click(driver.find_element(By.NAME, "list_units"))
        wait = WebDriverWait(driver, 60)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "input[name=units]"))
        assert len(driver.find_elements(By.CSS_SELECTOR, "input[name=units]:checked")) == 2
        overflow = driver.execute_script(OVERFLOW_JS)
        assert overflow == [], overflow
        click(driver.find_element(By.CSS_SELECTOR, f"input[name=units][value='{world.other_unit.pk}']"))
        click(driver.find_element(By.CSS_SELECTOR, "form.col-lg-8 button.btn-primary:not([name])"))
        wait.until(lambda d: "/open/" not in d.current_url)
        assert _opened_units() == {world.unit.pk}, driver.current_url
    finally:
        driver.quit()
