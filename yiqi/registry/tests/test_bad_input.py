"""Malformed instrument records through the API and the web form: a 400 on the field, nothing saved."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import user_with_role
from yiqi.core.validators import RICH_TEXT_MAX_CHARS
from yiqi.organizations.tests.factories import OrganizationFactory
from yiqi.registry.models import Instrument
from yiqi.registry.services import prepare_instrument
from yiqi.registry.tests.factories import InstrumentFactory
from yiqi.registry.tests.test_api import new_instrument_payload

pytestmark = pytest.mark.django_db

INSTRUMENTS = "/api/v1/instruments/"


@pytest.fixture
def unit():
    return OrganizationFactory(name="甲大学")


@pytest.fixture
def officer(unit):
    client = APIClient()
    client.force_authenticate(user_with_role(Role.INFORMATION_OFFICER, organization=unit))
    return client


def refused(response, field: str) -> str:
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body, body
    return " ".join(body[field])


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("acceptance_date", "9999-12-31", "今天"),  # OverflowError in the working-day calendar before
        ("acceptance_date", "0001-01-01", "1950"),
        ("acceptance_date", "1949-12-31", "1950"),
        ("start_of_use_date", "0001-01-01", "1950"),
        ("start_of_use_date", "9999-12-31", "今天"),
    ],
)
def test_dates_outside_1950_to_today_are_field_errors(unit, officer, field, value, words):
    response = officer.post(INSTRUMENTS, new_instrument_payload(unit, **{field: value}), format="json")
    assert words in refused(response, field)
    assert not Instrument.objects.exists()


def test_an_update_to_year_9999_changes_nothing(unit, officer):
    instrument = InstrumentFactory(unit=unit, acceptance_date=dt.date(2025, 9, 26))
    response = officer.patch(
        f"{INSTRUMENTS}{instrument.pk}/", {"acceptance_date": "9999-12-31"}, format="json"
    )
    refused(response, "acceptance_date")
    instrument.refresh_from_db()
    assert instrument.acceptance_date == dt.date(2025, 9, 26)


def test_the_deadline_is_not_computed_for_an_impossible_date():
    instrument = Instrument(acceptance_date=dt.date(9999, 12, 31))
    prepare_instrument(instrument)  # no OverflowError: validation reports the field
    assert instrument.registration_due is None


def test_the_last_sane_day_is_accepted(unit, officer):
    today = timezone.localdate().isoformat()
    response = officer.post(INSTRUMENTS, new_instrument_payload(unit, acceptance_date=today), format="json")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("field", ["open_policy", "usage_rules"])
def test_rich_text_is_limited_to_20000_characters(unit, officer, field):
    huge = "<p>" + "开放共享" * 250_000 + "</p>"  # 1 MB
    message = refused(
        officer.post(INSTRUMENTS, new_instrument_payload(unit, **{field: huge}), format="json"), field
    )
    assert "20000" in message
    assert not Instrument.objects.exists()
    fits = "<p>" + "x" * (RICH_TEXT_MAX_CHARS - 7) + "</p>"
    response = officer.post(INSTRUMENTS, new_instrument_payload(unit, **{field: fits}), format="json")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    "field", ["name", "name_en", "asset_number", "contact_name", "manufacturer", "model_spec"]
)
@pytest.mark.parametrize("bad", ["\x1b[31m", "\u202e", "\x07", "\n", "\u2066", "\x85"])
def test_control_characters_in_names_and_numbers_are_field_errors(unit, officer, field, bad):
    value = "电镜" + bad + "01"
    response = officer.post(INSTRUMENTS, new_instrument_payload(unit, **{field: value}), format="json")
    assert "控制字符" in refused(response, field)
    assert not Instrument.objects.exists()


@pytest.mark.parametrize("phone", ["029\x0088881234", "029-8888\u202e1234", "029-8888\t1234"])
def test_control_characters_in_the_phone_number_are_field_errors(unit, officer, phone):
    response = officer.post(INSTRUMENTS, new_instrument_payload(unit, contact_phone=phone), format="json")
    refused(response, "contact_phone")
    assert not Instrument.objects.exists()


def test_a_phone_number_ending_in_a_newline_is_refused_where_nothing_trims_it():
    # The spreadsheet import and the admin validate the model; "$" used to match before a final newline.
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        Instrument._meta.get_field("contact_phone").run_validators("029-88881234\n")


def test_the_web_form_refuses_the_same(unit, client):
    user = user_with_role(Role.INFORMATION_OFFICER, organization=unit)
    client.force_login(user)
    data = new_instrument_payload(unit, name="电镜\u202e01", acceptance_date="9999-12-31")
    response = client.post("/instruments/new/", data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "name" in form.errors and "acceptance_date" in form.errors
    assert not Instrument.objects.exists()
