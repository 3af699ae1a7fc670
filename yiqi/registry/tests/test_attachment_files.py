"""Instrument photos and documents are private files: served only through the record's own view, to those who may
see the record, and never as a page of the site (finding 2 of "Safe to put on the internet")."""

import importlib
import io
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from yiqi.core.storage import private_storage
from yiqi.registry.models import InstrumentAttachment

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"0" * 64
WEBP = b"RIFF\x40\x00\x00\x00WEBPVP8 " + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"0" * 64


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def client_as(user=None) -> Client:
    """A fresh browser: logged in as ``user``, or anonymous."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def upload(client, instrument, name, content, kind, title=""):
    response = client.post(
        reverse("registry:attachment_upload", args=[instrument.pk]),
        {"kind": kind, "title": title, "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 302
    return instrument.attachments.order_by("-pk").first()


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def stored_files(root) -> list[Path]:
    root = Path(root)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def assert_safe_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].split(";")[0] == "sandbox"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["Cache-Control"].startswith("private")


def test_an_uploaded_photo_is_stored_privately_and_no_media_url_reaches_it(world):
    client = client_as(world.users["officer_a"])
    photo = upload(client, world.published_a, "电镜.png", PNG, "photo", title="外观")

    assert (Path(settings.PRIVATE_MEDIA_ROOT) / photo.file.name).read_bytes() == PNG
    assert stored_files(settings.MEDIA_ROOT) == []
    page = client.get(reverse("registry:instrument_detail", args=[world.published_a.pk])).content.decode()
    assert f'src="{photo.get_absolute_url()}"' in page
    assert f"/{settings.MEDIA_URL}" not in page and photo.file.name not in page
    for anyone in (client_as(), client):
        assert anyone.get(f"/{settings.MEDIA_URL}{photo.file.name}").status_code == 404


@pytest.mark.parametrize(
    "name, content, kind, content_type, disposition",
    [
        ("photo.png", PNG, "photo", "image/png", "inline"),
        ("photo.jpg", JPEG, "photo", "image/jpeg", "inline"),
        ("photo.webp", WEBP, "photo", "image/webp", "inline"),
        ("manual.pdf", PDF, "document", "application/pdf", "attachment"),
        (
            "manual.docx",
            docx(),
            "document",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "attachment",
        ),
    ],
    ids=["png", "jpg", "webp", "pdf", "docx"],
)
def test_a_stored_file_is_served_with_its_verified_type_and_the_safe_headers(
    world, name, content, kind, content_type, disposition
):
    attachment = upload(client_as(world.users["officer_a"]), world.published_a, name, content, kind)
    response = client_as().get(attachment.get_absolute_url())

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith(disposition)
    assert_safe_headers(response)
    assert body(response) == content


def test_a_document_keeps_its_title_as_the_download_name(world):
    attachment = upload(
        client_as(world.users["officer_a"]), world.published_a, "x.pdf", PDF, "document", title="使用说明"
    )
    response = client_as().get(attachment.get_absolute_url())
    assert "filename*=utf-8''%E4%BD%BF%E7%94%A8%E8%AF%B4%E6%98%8E.pdf" in response["Content-Disposition"]


@pytest.mark.parametrize(
    "stored_name, content, kind",
    [
        (
            "instruments/2025/01/page.html",
            b"%PDF-1.4\n<html><script>alert(document.cookie)</script>",
            "document",
        ),
        ("instruments/2025/01/logo.svg", b"\x89PNG\r\n\x1a\n<svg onload='alert(1)'/>", "photo"),
        ("instruments/2025/01/fake.png", b"<html><script>alert(1)</script>", "photo"),
    ],
    ids=["html-with-pdf-magic", "svg-with-png-magic", "html-named-png"],
)
def test_a_file_stored_before_the_upload_check_can_never_render_as_a_page(world, stored_name, content, kind):
    """Files from before the check (the finding's .html and .svg) are still served, but only as downloads of
    unknown bytes, sandboxed, never sniffed."""
    name = private_storage().save(stored_name, ContentFile(content))
    attachment = InstrumentAttachment.objects.create(
        instrument=world.published_a, kind=kind, file=name, title=Path(stored_name).name
    )
    response = client_as().get(attachment.get_absolute_url())

    assert response.status_code == 200
    assert_safe_headers(response)
    if stored_name.endswith(".png"):  # a verified raster type by its name: shown as an image, never sniffed
        assert response["Content-Type"] == "image/png"
    else:
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment")
    assert "html" not in response["Content-Type"] and "svg" not in response["Content-Type"]
    page = client_as().get(reverse("registry:instrument_detail", args=[world.published_a.pk]))
    assert "<img" not in page.content.decode() or stored_name.endswith(".png")


@pytest.mark.parametrize(
    "name, content, kind",
    [
        ("page.html", b"%PDF-1.4\n<html><script>alert(1)</script></html>", "document"),
        (
            "logo.svg",
            b"\x89PNG\r\n\x1a\n<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
            "photo",
        ),
    ],
)
def test_the_findings_disguised_uploads_are_refused_and_nothing_is_stored(world, name, content, kind):
    client_as(world.users["officer_a"]).post(
        reverse("registry:attachment_upload", args=[world.published_a.pk]),
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
    )
    assert not world.published_a.attachments.exists()
    assert stored_files(settings.MEDIA_ROOT) == [] and stored_files(settings.PRIVATE_MEDIA_ROOT) == []


@pytest.mark.parametrize(
    "who, status",
    [
        ("anonymous", 404),
        ("unit_admin_b", 404),
        ("department_admin_b", 404),
        ("external_user", 404),
        ("expert", 404),
        ("officer_a", 200),
        ("unit_admin_a", 200),
        ("manager_a", 200),
        ("technician_a", 200),
        ("department_admin_a", 200),
        ("platform_admin", 200),
    ],
)
def test_a_drafts_files_are_as_private_as_the_draft(world, who, status):
    document = upload(client_as(world.users["officer_a"]), world.draft_a, "plan.pdf", PDF, "document")
    photo = upload(client_as(world.users["officer_a"]), world.draft_a, "p.png", PNG, "photo")
    client = client_as(world.users[who])
    for attachment in (document, photo):
        assert client.get(attachment.get_absolute_url()).status_code == status


@pytest.mark.parametrize("who", ["anonymous", "unit_admin_b", "external_user", "officer_a"])
def test_a_published_instruments_files_are_public(world, who):
    document = upload(client_as(world.users["officer_a"]), world.published_a, "p.pdf", PDF, "document")
    client = client_as(world.users[who])
    assert client.get(document.get_absolute_url()).status_code == 200


def test_a_file_is_reached_only_under_its_own_instrument(world):
    secret = upload(client_as(world.users["officer_a"]), world.draft_a, "plan.pdf", PDF, "document")
    client = client_as()
    # The draft's attachment id under a published instrument's address reveals nothing.
    url = reverse("registry:attachment_file", args=[world.published_a.pk, secret.pk])
    assert client.get(url).status_code == 404


def test_a_file_missing_on_disk_is_a_404_not_an_error(world):
    attachment = upload(client_as(world.users["officer_a"]), world.published_a, "p.pdf", PDF, "document")
    attachment.file.delete(save=False)
    assert client_as().get(attachment.get_absolute_url()).status_code == 404


def test_behind_nginx_the_view_hands_the_file_to_an_internal_location(world, settings):
    settings.YIQI_ACCEL_REDIRECT_PREFIX = "/_protected/"
    photo = upload(client_as(world.users["officer_a"]), world.published_a, "p.png", PNG, "photo")
    document = upload(client_as(world.users["officer_a"]), world.published_a, "d.pdf", PDF, "document")

    for attachment, content_type in ((photo, "image/png"), (document, "application/pdf")):
        response = client_as().get(attachment.get_absolute_url())
        assert response.status_code == 200
        assert response["X-Accel-Redirect"] == f"/_protected/{attachment.file.name}"
        assert response["Content-Type"] == content_type
        assert_safe_headers(response)
        assert body(response) == b""
    draft = upload(client_as(world.users["officer_a"]), world.draft_a, "d.pdf", PDF, "document")
    client = client_as()
    refused = client.get(draft.get_absolute_url())
    assert refused.status_code == 404 and not refused.has_header("X-Accel-Redirect")


def test_the_migration_moves_existing_files_out_of_public_media(
    world, settings, django_capture_on_commit_callbacks
):
    """Migration registry 0007 on files uploaded before it: out of MEDIA_ROOT, into private storage, same rows."""
    media, private = Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)
    names = ["instruments/2025/01/photo.png", "instruments/2025/02/page.html"]
    for name in names:
        (media / name).parent.mkdir(parents=True, exist_ok=True)
        (media / name).write_bytes(PNG)
    rows = [
        InstrumentAttachment.objects.create(instrument=world.draft_a, kind="photo", file=name)
        for name in names
    ]
    gone = InstrumentAttachment.objects.create(
        instrument=world.draft_a, kind="document", file="instruments/2025/03/lost.pdf"
    )
    migration = importlib.import_module("yiqi.registry.migrations.0007_private_attachments")
    schema_editor = SimpleNamespace(connection=SimpleNamespace(alias="default"))

    with django_capture_on_commit_callbacks(execute=True):
        migration.to_private(django_apps, schema_editor)

    assert stored_files(media) == []
    for row in rows:
        row.refresh_from_db()
        assert (private / row.file.name).read_bytes() == PNG
    assert not (private / gone.file.name).exists()
    # Run again (an interrupted deployment re-run): nothing changes, nothing fails.
    with django_capture_on_commit_callbacks(execute=True):
        migration.to_private(django_apps, schema_editor)
    assert sorted(p.relative_to(private).as_posix() for p in stored_files(private)) == sorted(names)
    # Served through the view now, the .html as an inert download.
    assert (
        client_as(world.users["officer_a"]).get(rows[1].get_absolute_url())["Content-Type"]
        == "application/octet-stream"
    )


def test_the_api_lists_a_records_files_with_addresses_that_keep_the_records_visibility(world):
    from yiqi.accounts.tokens import issue_token

    document = upload(client_as(world.users["officer_a"]), world.draft_a, "plan.pdf", PDF, "document")
    _row, token = issue_token(world.users["officer_a"])
    staff = Client(HTTP_AUTHORIZATION=f"Token {token}")  # an API client: a token, no session

    record = staff.get(reverse("api-instrument-detail", args=[world.draft_a.pk])).json()
    assert [(a["id"], a["kind"], a["content_type"]) for a in record["attachments"]] == [
        (document.pk, "document", "application/pdf")
    ]
    url = record["attachments"][0]["url"]
    assert url.startswith("http://testserver/api/v1/") and settings.MEDIA_URL not in url
    response = staff.get(url)
    assert response.status_code == 200 and body(response) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert_safe_headers(response)
    for outsider in (client_as(), client_as(world.users["unit_admin_b"])):
        assert outsider.get(url).status_code == 404
