from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from yiqi.catalog.cache import documents

SMALL = {"instruments": 300, "units": 20}


def build(seed=2026, **options) -> str:
    out = StringIO()
    call_command("demo_data", seed=seed, stdout=out, **{**SMALL, **options})
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_province(django_db_setup, django_db_blocker, tmp_path_factory):
    """The small demo province (seed 2026) built once for the module's checks, which only read it (each test's
    own writes are rolled back as usual); the build is rolled back at the module's end. Its uploads land in a
    folder of its own: the per-test media folder does not exist yet when it is built. Returns the command's
    output."""
    root = tmp_path_factory.mktemp("demo")
    with (
        override_settings(MEDIA_ROOT=root / "media", PRIVATE_MEDIA_ROOT=root / "private"),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield build()
        transaction.set_rollback(True)
    documents.loaded = False  # the search cache may hold the rolled-back documents
