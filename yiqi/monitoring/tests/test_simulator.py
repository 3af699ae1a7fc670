"""The simulator's scenario is deterministic and realistic, and its ground truth is consistent with its samples."""

import datetime as dt

from yiqi.core.workdays import is_workday
from yiqi.monitoring.simulator import (
    GATEWAY,
    RUNNING,
    SHANGHAI,
    SUSPECT,
    UNRECORDED,
    Scenario,
    SimulatedInterlock,
)

START = dt.datetime(2026, 9, 21, tzinfo=SHANGHAI)  # a Monday; the National Day holiday falls inside
END = START + dt.timedelta(days=21)


def scenario(**kwargs) -> Scenario:
    return Scenario(**({"instruments": 30, "start": START, "end": END, "period": 60, "seed": 7} | kwargs))


def test_same_seed_same_truth_other_seed_other_truth():
    assert scenario().truth() == scenario().truth()
    assert scenario().truth()["instruments"] != scenario(seed=8).truth()["instruments"]


def test_instruments_run_in_working_hours_and_rarely_on_days_off():
    s = scenario()
    runs = [run for p in s.profiles for run in s.running_intervals(p.index)]
    assert runs
    for start, end in runs:
        local_start, local_end = start.astimezone(SHANGHAI), end.astimezone(SHANGHAI)
        assert dt.time(8) <= local_start.time() and local_end.date() == local_start.date()
    off_day_runs = [r for r in runs if not is_workday(r[0].astimezone(SHANGHAI).date())[0]]
    assert len(off_day_runs) < len(runs) * 0.1  # the National Day week and weekends are mostly quiet


def test_broken_instruments_do_not_run_while_broken():
    s = scenario(instruments=60)
    broken = [p for p in s.profiles if p.breakdown]
    assert broken
    for profile in broken:
        first, last = profile.breakdown
        assert all(
            not first <= start.astimezone(SHANGHAI).date() <= last
            for start, _ in s.running_intervals(profile.index)
        )


def test_samples_follow_the_truth_at_every_sample_time():
    s = scenario(instruments=4, end=START + dt.timedelta(days=3))
    for index in range(4):
        runs = s.running_intervals(index)
        for sample in s.samples(index):
            moment = dt.datetime.fromtimestamp(sample["t"], dt.UTC)
            running = any(a <= moment < b for a, b in runs)
            low, high = s.profiles[index].thresholds
            assert (sample["power_w"] > high) == running
            if s.profiles[index].device_kind == GATEWAY:
                assert (sample["state"] == RUNNING) == running
            else:
                assert "state" not in sample


def test_planted_items_are_what_they_claim():
    s = scenario()
    planted = s.planted_items()
    assert {item["kind"] for item in planted} == {SUSPECT, UNRECORDED}
    for item in planted:
        runs = s.running_intervals(item["instrument"])
        records = [r for r in s.records if r.instrument == item["instrument"] and not r.planted]
        if item["kind"] == SUSPECT:  # a record while the instrument was off
            assert not any(
                g.start < item["end"] and item["start"] < g.end for g in s.segments(item["instrument"])
            )
        else:  # a run no record covers
            assert (item["start"], item["end"]) in runs
            assert not any(r.start < item["end"] and item["start"] < r.end for r in records)


def test_every_other_run_has_its_record():
    s = scenario()
    unrecorded = {(i["instrument"], i["start"]) for i in s.planted_items() if i["kind"] == UNRECORDED}
    for profile in s.profiles:
        for start, end in s.running_intervals(profile.index):
            if (profile.index, start) in unrecorded:
                continue
            assert any(r.instrument == profile.index and r.start <= start and end <= r.end for r in s.records)


def test_simulated_interlock_answers_commands_and_keeps_the_allowlist():
    device, now = SimulatedInterlock(), dt.datetime(2026, 12, 7, 9, tzinfo=dt.UTC)
    until = (now + dt.timedelta(hours=1)).isoformat()
    assert device.handle({"id": "1", "action": "status"}, now) == {"id": "1", "ok": True, "state": "locked"}
    assert (
        device.handle({"id": "2", "action": "unlock", "user": "zhang", "until": until}, now)["state"]
        == "unlocked"
    )
    assert device.state(now + dt.timedelta(hours=2)) == "locked"  # its own auto-off at ``until``
    assert device.handle({"id": "3", "action": "unlock"}, now)["ok"] is False
    assert device.handle({"id": "4", "action": "reboot"}, now)["ok"] is False
    entry = {"user": "li", "from": now.isoformat(), "until": until, "booking": 5}
    assert device.handle({"id": "5", "action": "allowlist", "entries": [entry]}, now)["ok"]
    assert device.lets_in("li", now + dt.timedelta(minutes=30)) and not device.lets_in(
        "li", now - dt.timedelta(1)
    )
