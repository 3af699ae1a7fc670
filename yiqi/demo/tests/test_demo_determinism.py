"""The same seed builds the same province and another seed another one (by natural keys: primary keys and
timestamps may differ). Each build starts from an empty database, so these do not share the module's build."""

import hashlib

import pytest
from django.db import transaction

from yiqi.accounts.models import RoleAssignment, User
from yiqi.demo.tests.conftest import build
from yiqi.organizations.models import Organization, SubUnit
from yiqi.registry.models import Instrument

pytestmark = pytest.mark.django_db


def fingerprint() -> str:
    """Everything the demo generates, by natural keys (primary keys and timestamps may differ)."""
    rows = [
        sorted(
            Organization.objects.values_list(
                "name",
                "kind",
                "credit_code",
                "region_id",
                "address",
                "postcode",
                "supervising_department__name",
            )
        ),
        sorted(SubUnit.objects.values_list("unit__name", "name", "kind")),
        sorted(User.objects.values_list("username", "full_name", "email", "phone", "is_superuser")),
        sorted(
            RoleAssignment.objects.values_list(
                "user__username", "role", "department__name", "organization__name"
            ),
            key=str,
        ),
        sorted(
            Instrument.objects.values_list(
                "unit__credit_code",
                "asset_number",
                "kind",
                "name",
                "category_id",
                "original_value",
                "manufacturer",
                "model_spec",
                "acceptance_date",
                "registration_status",
                "registration_due",
                "published_at",
                "sharing_mode",
                "parent__asset_number",
                "sub_unit__name",
                "manager__username",
                "contact_phone",
            ),
            key=str,
        ),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def fingerprint_of_build(seed: int):
    """Build, fingerprint, and roll the build back so the next one starts from an empty database."""
    with transaction.atomic():
        build(seed=seed)
        result = fingerprint()
        transaction.set_rollback(True)
    return result


def test_same_seed_gives_the_same_data_and_another_seed_does_not():
    first = fingerprint_of_build(11)
    assert fingerprint_of_build(11) == first
    assert fingerprint_of_build(12) != first
