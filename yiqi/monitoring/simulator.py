"""Simulated monitoring devices with a known truth: what each instrument did, and what its records say.

A ``Scenario`` is deterministic (one seed): for every instrument and every local day it plans the instrument's
states — off at night, standby while switched on but idle, running while measuring — following working days and
Chinese public holidays (``core.workdays``), with breakdowns (days off), instruments left idle for the whole period,
instruments left on in standby all day, and sessions that run idle for a while after use. Every session has a usage
record from a booking, except the planted *unrecorded runs*; planted *faked records* claim use while the instrument
was off. ``truth()`` is what the pipeline must find: running intervals, daily hours, the planted items.

Devices report a sample every ``period`` seconds: gateways send the state they read from the instrument, power
sensors only the power they measure (the platform's thresholds turn it into a state).
"""

import datetime as dt
import json
import random
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import paho.mqtt.client as mqtt

from yiqi.core.workdays import is_workday

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFF, STANDBY, RUNNING = "off", "standby", "running"
SUSPECT, UNRECORDED = "suspect_record", "unrecorded_use"
GATEWAY, POWER_SENSOR = "gateway", "power_sensor"


@dataclass(frozen=True)
class Segment:
    start: dt.datetime  # UTC
    end: dt.datetime
    state: str


@dataclass(frozen=True)
class Record:
    """A usage record the scenario writes: from a booking session, or faked (``planted``)."""

    instrument: int
    start: dt.datetime
    end: dt.datetime
    planted: bool = False


@dataclass
class Profile:
    """How one simulated instrument behaves. Power in watts by state; thresholds sit between them."""

    index: int
    device_kind: str
    standby_w: float
    running_w: float
    sessions_per_day: float  # mean on a working day
    left_on: bool  # standby through the working day when not running
    long_idle: bool  # never runs in the scenario
    breakdown: tuple[dt.date, dt.date] | None  # off for these local days (inclusive)

    @property
    def thresholds(self) -> tuple[float, float]:
        """(standby above, running above) in watts, halfway between the levels the instrument draws."""
        return self.standby_w / 2, (self.standby_w + self.running_w) / 2

    def monitoring_profile(self, period: float) -> dict:
        """The ``MonitoringProfile`` fields a unit would set for this instrument: on above half the standby draw,
        running from halfway between standby and running draw (above the standby baseline), hysteresis below."""
        span = self.running_w - self.standby_w
        return {
            "signal": "power_w",
            "standby_baseline": self.standby_w,
            "on_threshold": self.standby_w / 2,
            "running_enter": span / 2,
            "running_exit": span * 0.4,
            "min_dwell_seconds": max(1, round(period)),
            "sample_period_seconds": max(1, round(period)),
            "gap_seconds": max(300, round(period * 5)),
        }


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), SHANGHAI)


def _at(day: dt.date, minutes: float) -> dt.datetime:
    return (local_midnight(day) + dt.timedelta(minutes=minutes)).astimezone(dt.UTC)


@dataclass
class Scenario:
    instruments: int
    start: dt.datetime  # aware; the first sample
    end: dt.datetime  # aware; no sample at or after it
    period: float = 60.0  # seconds between one device's samples
    seed: int = 2026
    planted_share: float = 0.1  # of the instruments: one faked record each, and as many unrecorded runs
    _plans: dict = field(default_factory=dict, init=False, repr=False)

    # --- the plan -------------------------------------------------------------------------------------------

    @cached_property
    def days(self) -> list[dt.date]:
        first, last = self.start.astimezone(SHANGHAI).date(), self.end.astimezone(SHANGHAI).date()
        return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]

    @cached_property
    def profiles(self) -> list[Profile]:
        rng = random.Random(self.seed)
        profiles = []
        for index in range(self.instruments):
            breakdown = None
            if len(self.days) > 7 and rng.random() < 0.15:
                first = rng.choice(self.days[1:-3])
                breakdown = (first, first + dt.timedelta(days=rng.randint(1, 4)))
            standby = rng.uniform(40, 400)
            profiles.append(
                Profile(
                    index=index,
                    device_kind=GATEWAY if index % 2 == 0 else POWER_SENSOR,
                    standby_w=round(standby, 1),
                    running_w=round(standby * rng.uniform(3, 12), 1),
                    sessions_per_day=rng.choice((0.6, 1.2, 2.0, 2.8)),
                    left_on=rng.random() < 0.3,
                    long_idle=len(self.days) >= 30 and rng.random() < 0.08,
                    breakdown=breakdown,
                )
            )
        return profiles

    def _rng(self, *key) -> random.Random:
        # Seeded from text: stable across processes (``hash()`` of a string is not).
        return random.Random(":".join(map(str, (self.seed, *key))))

    def _planted(self, kind: str) -> set[int]:
        """The instruments that carry one planted item of ``kind`` (unrecorded use: only those that run at all)."""
        rng = self._rng("planted", kind)
        candidates = [p.index for p in self.profiles if kind != UNRECORDED or self._sessions(p.index)]
        count = min(len(candidates), max(1, round(self.instruments * self.planted_share)))
        return set(rng.sample(candidates, count))

    def day_plan(
        self, index: int, day: dt.date
    ) -> tuple[list[Segment], list[tuple[dt.datetime, dt.datetime]]]:
        """(the day's non-off segments, the sessions) of one instrument; everything else is off."""
        key = (index, day)
        if key not in self._plans:
            self._plans[key] = self._plan(self.profiles[index], day)
        return self._plans[key]

    def _plan(self, profile: Profile, day: dt.date):
        rng = self._rng("day", profile.index, day.toordinal())
        broken = profile.breakdown and profile.breakdown[0] <= day <= profile.breakdown[1]
        if broken:
            return [], []
        working = is_workday(day)[0]
        if working:
            count = min(
                4, int(rng.expovariate(1 / profile.sessions_per_day)) if profile.sessions_per_day else 0
            )
        else:
            count = 1 if rng.random() < 0.08 else 0  # the odd weekend or holiday overtime
        if profile.long_idle:
            count = 0
        segments, sessions = [], []
        minute = rng.uniform(8 * 60 + 15, 9 * 60 + 30)
        day_end = 19 * 60
        for _ in range(count):
            length = rng.uniform(60, 180)
            if minute + length > day_end:
                break
            sessions.append((minute, minute + length))
            segments.append([minute, minute + length, RUNNING])
            # Left on idle after the measurement (not use); a few seconds of it would be below any dwell.
            idle = 0 if rng.random() < 0.3 else rng.uniform(3, 60)
            segments.append([minute + length, minute + length + idle, STANDBY])
            minute += length + idle + rng.uniform(20, 120)
        if profile.left_on and working:
            segments = _fill_standby(segments, start=segments[0][0] if segments else 8 * 60 + 30, end=20 * 60)
        return (
            [Segment(_at(day, a), _at(day, b), state) for a, b, state in segments if b > a],
            [(_at(day, a), _at(day, b)) for a, b in sessions],
        )

    def segments(self, index: int) -> list[Segment]:
        """Every non-off segment of the instrument within the scenario, in order."""
        out = []
        for day in self.days:
            for segment in self.day_plan(index, day)[0]:
                start, end = max(segment.start, self.start), min(segment.end, self.end)
                if end > start:
                    out.append(Segment(start, end, segment.state))
        return out

    def forget(self, index: int) -> None:
        """Drop one instrument's planned days (a large scenario read instrument by instrument stays small)."""
        for day in self.days:
            self._plans.pop((index, day), None)

    def state_at(self, index: int, moment: dt.datetime) -> str:
        day = moment.astimezone(SHANGHAI).date()
        for segment in self.day_plan(index, day)[0]:
            if segment.start <= moment < segment.end:
                return segment.state
        return OFF

    # --- samples --------------------------------------------------------------------------------------------

    def offset(self, index: int) -> float:
        """Devices do not report in step: each starts at its own fraction of the period."""
        return self.period * index / max(self.instruments, 1)

    def sample(self, index: int, moment: dt.datetime, rng: random.Random | None = None) -> dict:
        """The wire sample a device sends at ``moment`` (contract: ``t``, ``state`` and/or ``power_w``)."""
        profile = self.profiles[index]
        state = self.state_at(index, moment)
        rng = rng or self._rng("noise", index, int(moment.timestamp() * 1000))
        level = {OFF: 0.0, STANDBY: profile.standby_w, RUNNING: profile.running_w}[state]
        power = max(0.0, level * rng.uniform(0.95, 1.05) + (rng.uniform(0, 2) if state == OFF else 0))
        sample = {"t": round(moment.timestamp(), 3), "power_w": round(power, 1)}
        if profile.device_kind == GATEWAY:
            sample["state"] = state
        return sample

    def sample_times(self, index: int):
        moment = self.start + dt.timedelta(seconds=self.offset(index))
        step = dt.timedelta(seconds=self.period)
        while moment < self.end:
            yield moment
            moment += step

    def samples(self, index: int):
        rng = self._rng(
            "noise", index
        )  # one stream per device: seeding per sample would cost more than the rest
        for moment in self.sample_times(index):
            yield self.sample(index, moment, rng)

    # --- what is recorded -----------------------------------------------------------------------------------

    @cached_property
    def records(self) -> list[Record]:
        """A booking's usage record for every session but the planted unrecorded ones, plus the faked records."""
        unrecorded, faked = self._planted(UNRECORDED), self._planted(SUSPECT)
        self._unrecorded_runs: list[tuple[int, dt.datetime, dt.datetime]] = []
        records = []
        for profile in self.profiles:
            rng = self._rng("records", profile.index)
            sessions = self._sessions(profile.index)
            skipped = rng.choice(sessions) if profile.index in unrecorded and sessions else None
            for start, end in sessions:
                if (start, end) == skipped:
                    self._unrecorded_runs.append((profile.index, start, end))
                    continue
                # Booked time brackets the run by a few minutes.
                margin = dt.timedelta(minutes=rng.uniform(0, 10))
                records.append(Record(profile.index, start - margin, end + margin))
            faked_record = self._faked_record(profile, rng) if profile.index in faked else None
            if faked_record is not None:
                records.append(faked_record)
        return records

    def _sessions(self, index: int) -> list[tuple[dt.datetime, dt.datetime]]:
        sessions = [s for day in self.days for s in self.day_plan(index, day)[1]]
        return [(a, b) for a, b in sessions if a >= self.start and b <= self.end]

    def _faked_record(self, profile: Profile, rng: random.Random) -> Record | None:
        """A record of 1–3 hours in the evening of a day the instrument was off by then (or broken); None when the
        scenario has no such evening (a few hours long)."""
        days = [day for day in self.days if local_midnight(day) < self.end]
        for _ in range(50):
            day = rng.choice(days)
            start = _at(day, rng.uniform(20 * 60 + 30, 21 * 60))
            end = start + dt.timedelta(hours=rng.uniform(1, 3))
            if self.start <= start and end <= self.end and self._off_throughout(profile.index, start, end):
                return Record(profile.index, start, end, planted=True)
        return None

    def _off_throughout(self, index: int, start: dt.datetime, end: dt.datetime) -> bool:
        return not any(s.start < end and start < s.end for s in self.segments(index))

    # --- the truth ------------------------------------------------------------------------------------------

    def running_intervals(self, index: int) -> list[tuple[dt.datetime, dt.datetime]]:
        return [(s.start, s.end) for s in self.segments(index) if s.state == RUNNING]

    def daily_hours(self, index: int) -> dict[dt.date, float]:
        """Running hours per local day (a session never crosses midnight)."""
        hours: dict[dt.date, float] = defaultdict(float)
        for start, end in self.running_intervals(index):
            hours[start.astimezone(SHANGHAI).date()] += (end - start).total_seconds() / 3600
        return dict(hours)

    def planted_items(self) -> list[dict]:
        records = self.records  # fills the unrecorded runs too
        items = [
            {"kind": SUSPECT, "instrument": r.instrument, "start": r.start, "end": r.end}
            for r in records
            if r.planted
        ]
        items += [
            {"kind": UNRECORDED, "instrument": index, "start": start, "end": end}
            for index, start, end in self._unrecorded_runs
        ]
        return items

    def truth(self) -> dict:
        """Everything the pipeline should find, as JSON-ready data (times ISO 8601 in UTC)."""
        iso = dt.datetime.isoformat
        return {
            "period_s": self.period,
            "start": iso(self.start),
            "end": iso(self.end),
            "instruments": [
                {
                    "index": p.index,
                    "device_kind": p.device_kind,
                    "thresholds_w": p.thresholds,
                    "running": [[iso(a), iso(b)] for a, b in self.running_intervals(p.index)],
                    "daily_hours": {
                        day.isoformat(): round(h, 4) for day, h in self.daily_hours(p.index).items()
                    },
                    "long_idle": p.long_idle,
                    "breakdown": [d.isoformat() for d in p.breakdown] if p.breakdown else None,
                }
                for p in self.profiles
            ],
            "records": [
                {"instrument": r.instrument, "start": iso(r.start), "end": iso(r.end), "planted": r.planted}
                for r in self.records
            ],
            "planted": [
                item | {"start": iso(item["start"]), "end": iso(item["end"])} for item in self.planted_items()
            ],
        }


def _fill_standby(segments: list[list], *, start: float, end: float) -> list[list]:
    """Standby in every gap between ``start`` and ``end`` (an instrument left switched on all day)."""
    filled, cursor = [], start
    for a, b, state in sorted(segments):
        if a > cursor:
            filled.append([cursor, a, STANDBY])
        filled.append([max(a, cursor), b, state])
        cursor = max(cursor, b)
    if cursor < end:
        filled.append([cursor, end, STANDBY])
    return _merge(filled)


def _merge(segments: list[list]) -> list[list]:
    merged: list[list] = []
    for a, b, state in segments:
        if merged and merged[-1][2] == state and merged[-1][1] >= a:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b, state])
    return merged


# --- the device's side of interlock commands ---------------------------------------------------------------------


@dataclass
class SimulatedInterlock:
    """A device's relay or logon lock as it answers the platform's commands (contract: ``action`` lock / unlock /
    status / allowlist → ``{"id", "ok", "state", "error"}``). Unlocked until the ``until`` it was given; with the
    network cut it still lets in a user whose pushed allow-list entry covers the moment."""

    locked: bool = True
    user: str = ""
    until: dt.datetime | None = None
    allowlist: list[dict] = field(default_factory=list)

    def handle(self, command: dict, now: dt.datetime | None = None) -> dict:
        now = now or dt.datetime.now(dt.UTC)
        action = command.get("action")
        try:
            if action == "unlock":
                self.user, self.until = str(command["user"]), dt.datetime.fromisoformat(command["until"])
                self.locked = False
            elif action == "lock":
                self.locked, self.user, self.until = True, "", None
            elif action == "allowlist":
                self.allowlist = [
                    {
                        "user": e["user"],
                        "from": dt.datetime.fromisoformat(e["from"]),
                        "until": dt.datetime.fromisoformat(e["until"]),
                        "booking": e.get("booking"),
                    }
                    for e in command.get("entries", [])
                ]
            elif action != "status":
                return {
                    "id": command.get("id"),
                    "ok": False,
                    "state": self.state(now),
                    "error": "unknown action",
                }
        except (KeyError, TypeError, ValueError) as error:
            return {
                "id": command.get("id"),
                "ok": False,
                "state": self.state(now),
                "error": f"bad command: {error}",
            }
        return {"id": command.get("id"), "ok": True, "state": self.state(now)}

    def state(self, now: dt.datetime) -> str:
        if not self.locked and (self.until is None or now < self.until):
            return "unlocked"
        return "locked"

    def lets_in(self, user: str, now: dt.datetime) -> bool:
        """Offline: may ``user`` start now on the strength of the pushed allow-list alone?"""
        return any(e["user"] == user and e["from"] <= now < e["until"] for e in self.allowlist)


class CommandResponder:
    """Simulated devices answering interlock commands over MQTT: subscribes to every device's command topic and
    acknowledges each command on the device's ack topic. ``devices`` (uid → ``SimulatedInterlock``) shows their
    state; ``delay`` seconds before answering stands for a slow device."""

    def __init__(self, broker_url: str, *, delay: float = 0.0):
        self.devices: dict[str, SimulatedInterlock] = defaultdict(SimulatedInterlock)
        self.delay = delay
        self.lock = threading.Lock()
        parts = urlsplit(broker_url)
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv311)
        if parts.username:
            self.client.username_pw_set(parts.username, parts.password)
        self.client.on_message = self._on_message
        self.client.on_connect = lambda client, *args: client.subscribe("yiqi/cmd/+/+", qos=1)
        self.ready = threading.Event()
        self.client.on_subscribe = lambda *args: self.ready.set()
        self.client.connect(parts.hostname or "127.0.0.1", parts.port or 1883, keepalive=30)

    def _on_message(self, client, userdata, message):
        try:
            _root, _cmd, unit, uid = message.topic.split("/")
            command = json.loads(message.payload)
        except ValueError:
            return
        if not isinstance(command, dict):
            return
        if self.delay:
            threading.Event().wait(self.delay)
        with self.lock:
            ack = self.devices[uid].handle(command)
        client.publish(f"yiqi/ack/{unit}/{uid}", json.dumps(ack), qos=1)

    def start(self, timeout: float = 5.0) -> "CommandResponder":
        self.client.loop_start()
        if not self.ready.wait(timeout):
            raise TimeoutError("the broker did not confirm the command subscription")
        return self

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()
