"""A keyboard user in a real browser: after a refused submit the cursor is in the first field to correct, and the
link the keyboard is on in the navigation bar has a ring that stands out from the bar (WCAG 2.4.7, 1.4.11)."""

import re

import pytest
from django.urls import reverse

# The journeys' browser (headless Chromium at 1,280 px) and marks: skipped without Chromium outside CI, transactional.
from yiqi.core.tests.test_service_journeys import browser  # noqa: F401
from yiqi.core.tests.test_service_journeys import pytestmark as journey_marks

# Pages' script and style, not the database: once, in the SQLite pass (a mark of the journeys' too).
pytestmark = journey_marks


def _luminance(css_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(v) for v in re.findall(r"\d+", css_colour)[:3])
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_after_a_refused_submit_the_cursor_is_in_the_first_field_to_correct(live_server, browser):  # noqa: F811
    browser.get(live_server.url + reverse("accounts:register"))
    button = browser.find_element("css selector", "main form[method=post] button")
    browser.execute_script("arguments[0].scrollIntoView(); arguments[0].click();", button)
    browser.find_element("css selector", "main .is-invalid")  # the page came back with field errors
    focused, first = browser.execute_script(
        "var first = document.querySelector('main .is-invalid');return [document.activeElement.id, first.id];"
    )
    assert focused and focused == first


def test_the_navbar_link_the_keyboard_is_on_has_a_ring_that_stands_out(live_server, browser):  # noqa: F811
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    browser.get(live_server.url + "/")
    for _ in range(10):  # past the skip link and the brand, onto the first link of the bar
        ActionChains(browser).send_keys(Keys.TAB).perform()
        if browser.execute_script("return document.activeElement.matches('.navbar .nav-link')"):
            break
    else:
        pytest.fail("no navbar link took the keyboard focus")
    style, width, ring, bar = browser.execute_script(
        "var el = document.activeElement, s = getComputedStyle(el);"
        "return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor,"
        " getComputedStyle(el.closest('.navbar')).backgroundColor];"
    )
    assert style == "solid" and width >= 2
    assert contrast(ring, bar) >= 3, (ring, bar)
