"""The pipeline scored against the simulator's ground truth (small; ``bench/monitoring_accuracy.py`` is larger):
interval boundaries within one sample period, daily hours within 1 %, planted suspect records and unrecorded runs
found with precision and recall of at least 0.95."""

import datetime as dt

import pytest
from django.utils import timezone

from yiqi.monitoring import reconciliation, rollup, simulation
from yiqi.monitoring.simulator import SHANGHAI, SUSPECT, UNRECORDED, Scenario
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario():
    today = timezone.now().astimezone(SHANGHAI).date()
    start = dt.datetime.combine(today - dt.timedelta(days=8), dt.time(), SHANGHAI)
    return Scenario(
        instruments=4, start=start, end=start + dt.timedelta(days=5), period=30, seed=13, planted_share=0.5
    )


def test_pipeline_matches_the_ground_truth(world, scenario):
    instruments = InstrumentFactory.create_batch(
        scenario.instruments, unit=world.unit_a, registration_status=RegistrationStatus.PUBLISHED
    )
    devices = simulation.provision(scenario, instruments)
    simulation.write_records(scenario, devices)
    now = timezone.now()
    fed = simulation.feed(scenario, devices, now=now)
    assert fed["rejected"] == 0 and fed["duplicates"] == 0
    assert fed["accepted"] == sum(1 for d in devices for _ in scenario.sample_times(d.index))
    rollup.roll_up(now=now)
    reconciliation.reconcile(scenario.start, scenario.end, now=now)

    result = simulation.score(scenario, devices)
    assert result["intervals"] >= 5
    assert result["boundaries_within_one_period"] == 1.0, result
    assert result["days_within_1_percent"] == 1.0, result
    for kind in (SUSPECT, UNRECORDED):
        assert result[kind]["planted"] >= 2
        assert result[kind]["precision"] >= 0.95 and result[kind]["recall"] >= 0.95, result

    # Sending everything again changes nothing: each sample counts once.
    again = simulation.feed(scenario, devices, now=now)
    assert again["accepted"] == 0 and again["duplicates"] == fed["accepted"]
