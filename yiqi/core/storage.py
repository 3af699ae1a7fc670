"""Private files: stored outside anything a web server serves, handed out only by views that have checked who asks.

``private_file_response`` is the one way such a file reaches a browser. The response carries the content type the
upload check verified (or ``application/octet-stream``), ``X-Content-Type-Options: nosniff`` and
``Content-Security-Policy: sandbox``, so even a file that slipped past the check can never run as a page of the
site; it is a download unless the caller says it is a verified raster image. Behind nginx
(``YIQI_ACCEL_REDIRECT_PREFIX`` set) Django only answers the headers and nginx sends the bytes from an ``internal``
location mapped to ``PRIVATE_MEDIA_ROOT`` (README, "Serving private files").
"""

import logging
import os
import shutil
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

logger = logging.getLogger(__name__)

# Image types a browser renders only as pictures: these alone may be shown inline. Never SVG (a document that can
# hold scripts) nor anything else.
INLINE_CONTENT_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
FALLBACK_CONTENT_TYPE = "application/octet-stream"
# No scripts, no forms, no plugins, no same-origin access, whatever the file turns out to be.
SANDBOX_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'"


class PrivateStorage(FileSystemStorage):
    """Files that are never served as media (imports, attachments, results, evidence); views hand them out after
    checks, through ``private_file_response``."""

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)


def private_storage():
    return PrivateStorage()


def private_file_response(
    field_file, *, content_type: str | None, filename: str, inline: bool = False
) -> HttpResponse:
    """The response handing out ``field_file`` (a file field's value in private storage) under the safe headers.

    ``content_type`` is the type the upload check verified, or None when unknown (served as a download of
    ``application/octet-stream``). ``inline`` is honoured only for JPEG, PNG and WebP. A file missing on disk is a
    404, not a 500."""
    content_type = content_type or FALLBACK_CONTENT_TYPE
    inline = inline and content_type in INLINE_CONTENT_TYPES
    storage = field_file.storage
    if not isinstance(storage, PrivateStorage):
        raise ValueError("private_file_response serves files in private storage only")
    name = field_file.name
    if not name or not storage.exists(name):
        raise Http404
    prefix = settings.YIQI_ACCEL_REDIRECT_PREFIX
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix + quote(name)
    else:
        try:
            handle = storage.open(name, "rb")
        except (FileNotFoundError, IsADirectoryError) as error:
            raise Http404 from error
        response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_POLICY
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    # Browsers may keep it a while; shared caches never (a record can go back to draft).
    response["Cache-Control"] = "private, max-age=600"
    return response


def copy_stored_files(names, *, source_root, target_root) -> tuple[list[str], list[str]]:
    """Copy the files ``names`` (relative storage names) from ``source_root`` to ``target_root`` under the same
    names, so the rows naming them need no change (moving attachments from public ``MEDIA_ROOT`` to
    ``PRIVATE_MEDIA_ROOT``). Returns (copied, missing) names. The originals stay: ``remove_stored_files`` deletes
    them once the caller's transaction has committed. Idempotent: a file already in place with the same size is
    left alone; a name that would climb out of its root is never touched."""
    source, target = Path(source_root).resolve(), Path(target_root).resolve()
    copied, missing = [], []
    for name in names:
        origin, destination = _inside(source, name), _inside(target, name)
        if origin is None or destination is None or not origin.is_file():
            if destination is None or not destination.is_file():
                missing.append(name)
            continue
        if not (destination.is_file() and destination.stat().st_size == origin.stat().st_size):
            destination.parent.mkdir(parents=True, exist_ok=True)
            partial = destination.with_name(destination.name + ".copying")
            shutil.copy2(origin, partial)
            os.replace(partial, destination)
        copied.append(name)
    for name in missing:
        logger.warning("stored file %s is in neither %s nor %s", name, source, target)
    return copied, missing


def remove_stored_files(names, *, root) -> None:
    """Delete ``names`` under ``root`` (the originals, after ``copy_stored_files`` and the commit)."""
    root = Path(root).resolve()
    for name in names:
        path = _inside(root, name)
        if path is not None:
            path.unlink(missing_ok=True)


def _inside(root: Path, name: str) -> Path | None:
    """``root / name`` if that stays inside ``root`` (a stored name never climbs out of its folder)."""
    path = (root / name).resolve()
    return path if path.is_relative_to(root) and path != root else None
