"""``manage.py simulate_devices``: past days and live samples, in process or over HTTP, with the truth written."""

import json

import pytest
from django.core.management import call_command

from yiqi.monitoring.models import Device, Sample
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory
from yiqi.usage.models import UsageRecord


def test_in_process_fills_past_days_and_writes_the_truth(db, tmp_path, capsys):
    InstrumentFactory.create_batch(2, registration_status=RegistrationStatus.PUBLISHED)
    truth_file = tmp_path / "truth.json"
    call_command("simulate_devices", instruments=2, days=1, period=300, duration=0.01, truth=str(truth_file))
    truth = json.loads(truth_file.read_text())
    assert {"past", "live"} <= set(truth)
    assert [i["index"] for i in truth["past"]["instruments"]] == [0, 1]
    assert Device.objects.filter(uid__startswith="sim-").count() == 2
    assert (
        Sample.objects.count() >= 2 * 12 * 12 * 0.9
    )  # about a sample every 5 minutes since yesterday's midnight
    assert UsageRecord.objects.count() == sum(1 for r in truth["past"]["records"])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_over_http_the_telemetry_door_takes_the_samples(live_server):
    InstrumentFactory(registration_status=RegistrationStatus.PUBLISHED)
    call_command("simulate_devices", instruments=1, days=1, period=600, duration=0.01, http=live_server.url)
    assert Sample.objects.count() >= 6 * 12 * 0.9


def test_nothing_to_simulate_is_a_clear_error(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no published instrument"):
        call_command("simulate_devices", instruments=1, duration=0.01)
