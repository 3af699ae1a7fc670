"""A real browser (Debian's headless Chromium) over the public pages at phone and desktop widths.

Screenshots land in ``artifacts/screenshots/`` (``YIQI_ARTIFACTS`` overrides the folder) for people to look at.
CI installs Chromium; elsewhere the test is skipped when no Chromium is installed.
"""

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from yiqi.catalog.indexing import rebuild_index
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = (
    Path(os.environ.get("YIQI_ARTIFACTS", Path(__file__).resolve().parents[3] / "artifacts")) / "screenshots"
)
WIDTHS = {"phone": (375, 812), "desktop": (1280, 1000)}

pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="Chromium is not installed (apt-get install chromium)",
)


def chromium(*args: str) -> subprocess.CompletedProcess:
    assert CHROMIUM, "CI must install Chromium"
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--accept-lang=zh-CN,zh",
            *args,
        ],  # fmt: skip
        capture_output=True,
        text=True,
        timeout=90,
    )


@pytest.fixture
def published():
    instruments = [
        InstrumentFactory(registration_status=RegistrationStatus.PUBLISHED, name="场发射扫描电子显微镜"),
        InstrumentFactory(
            registration_status=RegistrationStatus.PUBLISHED,
            name="液相色谱-质谱联用仪",
            category_id="010201",
            model_spec="Xevo TQ-XS",
        ),
    ]
    rebuild_index()
    return instruments


# The live server needs committed data; the rollback restores the classification the migrations loaded. Pages
# drawn by Chromium, not the database: once, in the SQLite pass.
@pytest.mark.sqlite_once
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_public_pages_render_at_phone_and_desktop_widths(live_server, published):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pages = {
        "home": reverse("portal:home"),
        "results": "/catalog/?q=%E7%94%B5%E9%95%9C",  # 电镜
        "instrument": reverse("registry:instrument_detail", args=[published[0].pk]),
    }
    for name, path in pages.items():
        url = live_server.url + path
        dom = chromium("--dump-dom", url).stdout
        assert "</html>" in dom, f"{name}: the page did not load"
        if name == "results":
            assert "场发射扫描<mark>电子显微镜</mark>" in dom
        for label, (width, height) in WIDTHS.items():
            target = ARTIFACTS / f"{name}-{label}.png"
            target.unlink(missing_ok=True)
            chromium(f"--window-size={width},{height}", f"--screenshot={target}", url)
            assert target.exists() and target.stat().st_size > 5_000, f"no screenshot of {name} at {label}"


class FormControls(HTMLParser):
    """Collects form controls, the labels pointing at them, and images without alternative text."""

    def __init__(self):
        super().__init__()
        self.controls, self.labelled, self.images_without_alt = [], set(), 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label" and attrs.get("for"):
            self.labelled.add(attrs["for"])
        elif tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
            self.controls.append(attrs)
        elif tag == "img" and "alt" not in attrs:
            self.images_without_alt += 1


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/catalog/?q=%E7%94%B5%E9%95%9C", "/instruments/", "/organizations/"])
def test_every_form_control_has_a_label(published, client, path):
    parser = FormControls()
    parser.feed(client.get(path).content.decode())
    unlabelled = [
        c for c in parser.controls if c.get("id") not in parser.labelled and not c.get("aria-label")
    ]
    assert unlabelled == []
    assert parser.images_without_alt == 0
    assert re.search(
        r'<a class="visually-hidden-focusable[^"]*" href="#main"', client.get(path).content.decode()
    )
