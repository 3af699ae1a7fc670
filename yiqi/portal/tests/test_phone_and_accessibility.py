"""Every page in a real browser (headless Chromium), as each person who opens it:

- at 375 px, every page a staff role can open (the read-route map, per staff role): nothing sticks out of the
  screen sideways and every action in a table row (link, button) is on screen, not clipped off;
- at 375 px and at 1,280 px, every page (public, a user's, staff's) once: axe-core (static/vendor/axe-core-*)
  finds no serious or critical WCAG 2.1 A/AA violation.

One browser session for the walk; slow, so it runs once, in the SQLite pass (marker ``sqlite_once``). Without
Chromium it is skipped outside CI.
"""

import os
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from yiqi.core.tests.browser import CHROMEDRIVER, CHROMIUM, headless_chrome
from yiqi.core.tests.read_routes import ROUTES, build_scene, project_routes
from yiqi.portal.tests.access_world import address

AXE = next((Path(settings.BASE_DIR) / "static" / "vendor").glob("axe-core-*/axe.min.js"))
ARTIFACTS = Path(os.environ.get("YIQI_ARTIFACTS", Path(settings.BASE_DIR) / "artifacts"))
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
STAFF_ROLES = ("unit_admin", "officer", "manager", "technician", "department", "platform_admin")
# Who a page is read as for the accessibility run: the public, a company's user, then the staff roles.
READERS = ("anonymous", "enterprise", *STAFF_ROLES)
# Not pages: files, exports and calendar feeds download; the API docs are Swagger UI's page, not ours.
NOT_PAGES = (
    "api-",
    "registry:export",
    "fees:statement_export",
    "usage:record_export",
    "orders:download_result",
)

pytestmark = [
    pytest.mark.skipif(
        not (CHROMIUM and CHROMEDRIVER) and not os.environ.get("CI"),
        reason="Chromium and ChromeDriver are not installed (apt-get install chromium chromium-driver)",
    ),
    pytest.mark.sqlite_once,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# What sticks out of the screen sideways: the page's own width, then elements whose box passes the right or left
# edge and are not clipped by a scrolling or hiding ancestor (first five, outermost first).
OVERFLOW_JS = """
var width = document.documentElement.clientWidth, found = [];
function name(el) {
  return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.classList.length ? "." + Array.prototype.slice.call(el.classList, 0, 3).join(".") : "");
}
function clippedBy(el) {
  for (var up = el.parentElement; up && up !== document.body; up = up.parentElement) {
    var style = getComputedStyle(up);
    if (style.overflowX !== "visible" || style.clip !== "auto" || style.clipPath !== "none") { return up; }
  }
  return null;
}
if (document.documentElement.scrollWidth > width + 1) {
  found.push("the page is " + document.documentElement.scrollWidth + " px wide");
}
document.querySelectorAll("body *").forEach(function (el) {
  if (found.length > 5) { return; }
  var box = el.getBoundingClientRect();
  if (!box.width || !box.height || getComputedStyle(el).visibility === "hidden") { return; }
  if ((box.right > width + 1 || box.left < -1) && !clippedBy(el)) {
    var parent = el.parentElement.getBoundingClientRect();
    if (parent.right > width + 1 || parent.left < -1) { return; }  // its parent is reported
    found.push(name(el) + " spans " + Math.round(box.left) + "–" + Math.round(box.right) + " px");
  }
});
document.querySelectorAll("main tr a[href], main tr button, main tr input[type=submit]").forEach(function (el) {
  var box = el.getBoundingClientRect();
  if (getComputedStyle(el).visibility === "hidden" || el.closest(".visually-hidden, [hidden]")) { return; }
  var left = 0, right = width, clip = el;
  while ((clip = clippedBy(clip))) {
    var edge = clip.getBoundingClientRect();
    left = Math.max(left, edge.left); right = Math.min(right, edge.right);
  }
  if (!box.width || box.left < left - 1 || box.right > right + 1) {
    found.push("action “" + el.textContent.trim().slice(0, 20) + "” (" + name(el) + ") is off screen at " +
      Math.round(box.left) + "–" + Math.round(box.right) + " px");
  }
});
return found;
"""

# The browser's own record of the navigation: a whole HTML document (not a fragment htmx fetches into a page),
# answered 200 at the address asked for (not a redirect).
PAGE_JS = """
var entry = performance.getEntriesByType("navigation")[0];
return entry.responseStatus === 200 && decodeURI(location.href) === decodeURI(arguments[0]) &&
  document.contentType === "text/html" && document.doctype !== null;
"""

AXE_JS = """
var done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: "tag", values: arguments[0]}, resultTypes: ["violations"]}).then(function (r) {
  done(r.violations.filter(function (v) { return v.impact === "serious" || v.impact === "critical"; })
    .map(function (v) {
      return v.id + " (" + v.impact + "): " + v.help + " — " +
        v.nodes.slice(0, 3).map(function (n) { return n.target.join(" "); }).join(", ");
    }));
}).catch(function (error) { done(["axe failed: " + error]); });
"""


@pytest.fixture
def browser():
    driver = headless_chrome(375, 812)
    driver.set_script_timeout(60)
    yield driver
    driver.quit()


def sessions_for(scene) -> dict[str, str]:
    client, sessions = Client(), {}
    for role, user in scene.users.items():
        if user is not None:
            client.cookies = SimpleCookie()
            client.force_login(user)
            sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions


def addresses(scene) -> list[str]:
    """Every route of the read-route map that may be a page, at each object the map gives it."""
    found = []
    for route in project_routes():
        if route.name.startswith(NOT_PAGES) or route.has_format or route.name not in ROUTES:
            continue
        builders = ROUTES[route.name] if isinstance(ROUTES[route.name], tuple) else (ROUTES[route.name],)
        found += [address(route, builder, scene) for builder in builders]
    return found


class Walker:
    def __init__(self, driver, base: str, sessions: dict[str, str]):
        self.driver, self.base, self.sessions, self.role = driver, base, sessions, None

    def as_role(self, role: str):
        if role != self.role:
            self.driver.get(self.base + "/offline/")  # a cookie is set on the site's own origin
            self.driver.delete_all_cookies()
            if role in self.sessions:
                self.driver.add_cookie({"name": settings.SESSION_COOKIE_NAME, "value": self.sessions[role]})
            self.role = role

    def open(self, url: str) -> bool:
        """Load the address; True when it answered a page (200, HTML) rather than a refusal or a redirect."""
        self.driver.get(self.base + url)
        return self.driver.execute_script(PAGE_JS, self.base + url)

    def axe(self) -> list[str]:
        if not self.driver.execute_script("return !!window.axe"):
            self.driver.execute_script(AXE.read_text())
        return self.driver.execute_async_script(AXE_JS, WCAG_TAGS)


class Problems(list):
    """What the walk finds, also written as it goes to artifacts/accessibility.txt for people to read."""

    def __init__(self, path: Path):
        super().__init__()
        path.parent.mkdir(parents=True, exist_ok=True)
        self.file = path.open("w", encoding="utf-8")

    def __iadd__(self, found):
        for line in found:
            self.file.write(line + "\n")
        self.file.flush()
        return super().__iadd__(found)


def test_staff_pages_fit_a_phone_and_every_page_passes_axe(live_server, browser):
    scene = build_scene()
    sessions = sessions_for(scene)
    walker = Walker(browser, live_server.url, sessions)
    problems = Problems(ARTIFACTS / "accessibility.txt")

    # 375 px: every reader's pages; staff pages must fit; each page is checked by axe the first time it is seen.
    pages, once = {}, {}
    for role in READERS:
        walker.as_role(role)
        pages[role] = []
        for url in addresses(scene):
            if not walker.open(url):
                continue
            pages[role].append(url)
            if role in STAFF_ROLES:
                problems += [
                    f"375 px, {role}, {url}: {found}" for found in browser.execute_script(OVERFLOW_JS)
                ]
            if url not in once:
                once[url] = role
                problems += [f"axe 375 px, {role}, {url}: {found}" for found in walker.axe()]
    # 1,280 px: axe once more over the same pages.
    browser.set_window_size(1280, 1000)
    for url, role in once.items():
        walker.as_role(role)
        walker.open(url)
        problems += [f"axe 1280 px, {role}, {url}: {found}" for found in walker.axe()]

    staff_pages = sum(len(pages[role]) for role in STAFF_ROLES)
    assert staff_pages > 6 * 15 and len(once) > 40, (
        staff_pages,
        len(once),
    )  # the walk really covers the site
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
