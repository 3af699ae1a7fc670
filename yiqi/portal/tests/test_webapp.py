"""The installable web app: a phone finds the manifest and its icons, installs the worker and has a page offline."""

import json

from django.contrib.staticfiles import finders
from django.urls import reverse


def test_every_page_names_the_manifest_the_icon_and_the_worker(client, db):
    page = client.get(reverse("portal:home")).content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert 'rel="apple-touch-icon"' in page
    assert '<meta name="service-worker" content="/sw.js">' in page


def test_the_manifest_makes_the_site_installable(client, db):
    response = client.get(reverse("webapp_manifest"))
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["name"] and manifest["short_name"] == "仪器共享"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon["src"]
        with open(path, "rb") as png:
            header = png.read(24)
        width, height = int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
        assert header.startswith(b"\x89PNG") and f"{width}x{height}" == icon["sizes"]


def test_the_manifest_speaks_the_visitors_language(client, db):
    client.cookies["django_language"] = "en"
    manifest = json.loads(client.get(reverse("webapp_manifest")).content)
    assert manifest["lang"] == "en" and manifest["short_name"] == "Instruments"


def test_the_service_worker_is_a_script_for_the_whole_site(client, db):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    script = response.content.decode()
    shell = json.loads(script.split("var SHELL = ", 1)[1].split(";\n", 1)[0])
    assert "/offline/" in shell and "/static/css/yiqi.css" in shell and "/static/js/yiqi.js" in shell
    assert all(finders.find(url.removeprefix("/static/")) for url in shell if url.startswith("/static/"))
    assert "caches.match(OFFLINE)" in script and 'request.mode === "navigate"' in script


def test_the_offline_page_speaks_both_languages_and_shows_nobody_s_data(client, db, django_user_model):
    client.force_login(django_user_model.objects.create_user("lin", full_name="林晓"))
    page = client.get(reverse("offline")).content.decode()
    assert "暂时无法连接" in page and "No connection" in page
    assert "林晓" not in page and "csrfmiddlewaretoken" not in page
