"""The unit administrator's page for the unit's own systems: keys and webhook secrets shown once, revoking and
disabling, the delivery log; nobody else's keys."""

import pytest

from yiqi.exchange.models import UnitKey, Webhook

pytestmark = pytest.mark.django_db


def test_a_unit_admin_issues_a_key_sees_it_once_and_revokes_it(world, client_for):
    admin = client_for(world.users["unit_admin_a"])
    answer = admin.post(
        "/exchange/systems/keys/",
        {"unit": world.unit_a.pk, "name": "实验室 LIMS", "scopes": ["read", "write_instruments"], "days": 30},
    )
    key = UnitKey.objects.get()
    assert answer.status_code == 200 and key.prefix in answer.content.decode()
    secret = answer.context["secret"]
    assert secret.startswith(key.prefix + ".")
    page = admin.get("/exchange/systems/").content.decode()
    assert "实验室 LIMS" in page and secret not in page
    admin.post(f"/exchange/systems/keys/{key.pk}/revoke/")
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_a_webhook_secret_is_shown_once_and_bad_input_is_told_by_field(world, client_for):
    admin = client_for(world.users["unit_admin_a"])
    refused = admin.post(
        "/exchange/systems/webhooks/", {"unit": world.unit_a.pk, "url": "not a url", "events": []}
    )
    assert refused.status_code == 400 and set(refused.context["webhook_form"].errors) == {"url", "events"}
    assert not Webhook.objects.exists()
    answer = admin.post(
        "/exchange/systems/webhooks/",
        {
            "unit": world.unit_a.pk,
            "url": "https://lims.example.edu.cn/hooks",
            "events": ["service.completed"],
        },
    )
    hook = Webhook.objects.get()
    assert answer.context["secret"] == hook.secret
    assert hook.secret not in admin.get("/exchange/systems/").content.decode()
    admin.post(f"/exchange/systems/webhooks/{hook.pk}/disable/")
    hook.refresh_from_db()
    assert not hook.is_active


def test_only_unit_admins_reach_the_page_and_only_their_units_keys(world, client_for):
    assert client_for(world.users["officer_a"]).get("/exchange/systems/").status_code == 403
    other = client_for(world.users["unit_admin_a"]).post(
        "/exchange/systems/keys/", {"unit": world.unit_b.pk, "name": "x", "scopes": ["read"]}
    )
    assert other.status_code == 400 and "unit" in other.context["key_form"].errors
    assert not UnitKey.objects.exists()
