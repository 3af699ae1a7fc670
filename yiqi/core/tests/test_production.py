"""The production profile as a browser and an attacker meet it: collected static files, security headers, no
inline script or style the Content-Security-Policy would refuse, no server banner. (.ci/production.sh proves the
same through nginx and gunicorn.)"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from yiqi.core.tests.browser import CHROMEDRIVER, CHROMIUM, headless_chrome

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
STATIC_REFERENCE = re.compile(r'(?:src|href)="(/static/[^"]+)"')


# Programs in a process of their own without DATABASE_URL (manage.py, gunicorn), collectstatic and a browser: the same
# whichever database the suite uses, so once, in the SQLite pass (marked on each).
@pytest.mark.sqlite_once
def test_production_profile_uses_the_manifest_storage():
    """The storage the test below collects with is the one production configures."""
    code = "from django.conf import settings; print(settings.STORAGES['staticfiles']['BACKEND'])"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    environment.update(DJANGO_ENV="production", DJANGO_SECRET_KEY="p" * 60)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip().splitlines()[-1] == PRODUCTION_STORAGES["staticfiles"]["BACKEND"], (
        result.stderr
    )


@pytest.mark.sqlite_once
@pytest.mark.django_db
def test_collectstatic_with_the_production_storage_then_pages_and_their_files_are_served(tmp_path):
    """collectstatic used to stop with MissingFileError (Bootstrap's CSS named a .map that is not shipped), and
    without a manifest every page was a 500."""
    static_root = tmp_path / "static"
    with override_settings(
        STATIC_ROOT=static_root, STORAGES=PRODUCTION_STORAGES, DEBUG=False, WHITENOISE_USE_FINDERS=False
    ):
        call_command("collectstatic", "--noinput", verbosity=0)
        assert (static_root / "staticfiles.json").exists()

        client = Client()  # a new handler: WhiteNoise indexes the collected folder when it loads
        home = client.get("/")
        assert home.status_code == 200
        body = home.content.decode()
        references = set(STATIC_REFERENCE.findall(body))
        assert any(re.search(r"/bootstrap\.min\.[0-9a-f]{12}\.css$", url) for url in references), references
        for url in references:  # every file the page names is there, under its hashed name
            response = client.get(url)
            assert response.status_code == 200, url
            # Read it through; closing it by hand would fire request_finished and drop the test's connection.
            assert b"".join(response.streaming_content) if response.streaming else response.content

        catalogue = client.get(reverse("catalog:search"))
        assert catalogue.status_code == 200


PAGES = ["portal:home", "catalog:search", "registry:instrument_list", "accounts:login", "api-docs"]


@pytest.mark.parametrize("page", PAGES)
def test_pages_carry_the_security_headers(client, db, page):
    response = client.get(reverse(page))
    assert response.status_code == 200
    policy = dict(
        (part.split(" ", 1) + [""])[:2]
        for part in map(str.strip, response["Content-Security-Policy"].split(";"))
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'", "scripts from this site's own files only"
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    if page != "api-docs":  # Swagger UI's page keeps its own inline <style>
        assert policy["style-src"] == "'self'"
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_the_api_docs_run_no_inline_script(client, db):
    body = client.get(reverse("api-docs")).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)
    assert client.get(reverse("api-docs") + "?script").status_code == 200


def test_the_booking_calendar_styles_itself_with_the_pages_nonce(bookable, client):
    """FullCalendar injects a <style>; the page hands it the nonce the policy names, and nothing else inline."""
    response = client.get(reverse("booking:availability", args=[bookable.pk]))
    assert response.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    body = response.content.decode()
    assert f'<meta name="csp-nonce" content="{nonce}">' in body
    assert "static/js/booking-calendar.js" in body
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)


def _templates():
    folders = [ROOT / "yiqi" / "templates", *sorted((ROOT / "yiqi").glob("*/templates"))]
    return sorted(path for folder in folders for path in folder.rglob("*.html"))


INLINE = {
    "an inline <script> without the nonce": re.compile(
        r"<script(?![^>]*\b(?:src|nonce)=)[^>]*>(?!\s*</script>)"
    ),
    "an inline <style> without the nonce": re.compile(r"<style(?![^>]*\bnonce=)[^>]*>"),
    'a style="…" attribute': re.compile(r"""\sstyle\s*=\s*["']"""),
    'an event handler attribute (on…="…")': re.compile(r"""<[^>]*\son[a-z]+\s*=\s*["']"""),
    "a javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def test_templates_have_nothing_inline_that_the_policy_refuses():
    templates = _templates()
    assert len(templates) > 50
    found = [
        f"{path.relative_to(ROOT)}: {what}"
        for path in templates
        for what, pattern in INLINE.items()
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert not found, "\n".join(found)


def test_the_static_files_the_templates_name_exist():
    named = {
        name
        for path in _templates()
        for name in re.findall(r"""{%\s*static\s+['"]([^'"]+)['"]""", path.read_text(encoding="utf-8"))
    }
    assert "js/yiqi.js" in named
    missing = [
        name for name in named if not (ROOT / "static" / name).exists() and "drf_spectacular" not in name
    ]
    assert not missing


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.sqlite_once
def test_gunicorn_with_the_deploy_config_names_no_server_software(tmp_path):
    """gunicorn answered with "Server: gunicorn" (and its version, in errors) — a free hint to an attacker."""
    port = _free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    environment.update(DJANGO_ENV="development", GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="1")
    server = subprocess.Popen(
        [Path(sys.executable).with_name("gunicorn"), "-c", "deploy/gunicorn.conf.py", "yiqi.wsgi"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/static/css/yiqi.css", timeout=5
                ) as answer:
                    headers = answer.headers
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        assert "gunicorn" not in headers.get("Server", "").lower()
        assert "Content-Security-Policy" in headers and "Permissions-Policy" in headers
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_deploy_recipe_states_what_the_readme_promises():
    nginx = (ROOT / "deploy" / "nginx" / "yiqi.conf").read_text()
    assert "server_tokens off;" in nginx
    assert "client_max_body_size 25m;" in nginx
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in nginx
    assert re.search(r"location /_protected/ \{\s*internal;", nginx)
    assert "return 301 https://" in nginx
    gunicorn_config = (ROOT / "deploy" / "gunicorn.conf.py").read_text()
    assert re.search(r"^timeout = 120$", gunicorn_config, re.MULTILINE)
    web = (ROOT / "deploy" / "systemd" / "yiqi-web.service").read_text()
    assert "gunicorn -c" in web and "deploy/gunicorn.conf.py" in web
    assert "run_huey" in (ROOT / "deploy" / "systemd" / "yiqi-tasks.service").read_text()


@pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER) and not os.environ.get("CI"),
    reason="Chromium and ChromeDriver are not installed (apt-get install chromium chromium-driver)",
)
@pytest.mark.sqlite_once
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_browser_reports_no_policy_violation_and_the_scripts_run(world, bookable, live_server):
    """The policy is only right if the site's own pages pass it: Chromium reports every refused script or style
    in its console. The pages with scripts of their own (booking calendar, usage chart) must also draw."""
    driver = headless_chrome(capabilities={"goog:loggingPrefs": {"browser": "ALL"}})
    try:
        session = Client()
        session.force_login(world.users["unit_admin_a"])
        driver.get(live_server.url + "/")
        driver.add_cookie(
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.cookies[settings.SESSION_COOKIE_NAME].value,
            }
        )
        visited = {}
        for path, drawn in [
            ("/", None),
            (reverse("catalog:search") + "?q=电镜", None),
            (reverse("registry:instrument_detail", args=[bookable.pk]), None),
            (reverse("booking:availability", args=[bookable.pk]), "#booking-calendar .fc-timegrid"),
            (reverse("usage:dashboard"), "#usage-chart canvas"),
            (reverse("registry:instrument_sheet", args=[bookable.pk]), None),
        ]:
            driver.get(live_server.url + path)
            if drawn:
                deadline = time.monotonic() + 15
                while not driver.find_elements("css selector", drawn) and time.monotonic() < deadline:
                    time.sleep(0.2)
                assert driver.find_elements("css selector", drawn), f"{path}: {drawn} was not drawn"
            visited[path] = [entry["message"] for entry in driver.get_log("browser")]
        refused = {
            path: [m for m in messages if "Content Security Policy" in m or "Refused to" in m]
            for path, messages in visited.items()
        }
        assert not any(refused.values()), refused
    finally:
        driver.quit()
