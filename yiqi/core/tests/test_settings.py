"""Production settings are safe by default."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

# manage.py in a process of its own, without DATABASE_URL: the same run whichever database the suite uses.
pytestmark = pytest.mark.sqlite_once


def manage(*args, **env):
    """manage.py in production mode (explicit: a developer's .env would otherwise select development)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    environment.update(DJANGO_ENV="production", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_deploy_check_passes_with_production_settings():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", DJANGO_SECRET_KEY="x" * 64 + "-production-secret-key"
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_debug_is_off_unless_asked():
    result = manage(
        "shell", "-c", "from django.conf import settings; print(settings.DEBUG)", DJANGO_SECRET_KEY="k" * 60
    )
    assert result.stdout.strip().endswith("False")
