"""Drivers that switch an instrument on and off: one interface, one implementation per kind of hardware.

``lock`` cuts the instrument off (power relay open, PC logon locked), ``unlock`` lets a named user work until a
time, ``status`` asks the device which it is in. Every call answers an ``Ack`` — drivers never raise for a device
that refuses or does not answer, so the services can record what happened and carry on.
"""

import datetime as dt
from dataclasses import dataclass, field

LOCKED, UNLOCKED = "locked", "unlocked"


@dataclass(frozen=True)
class Ack:
    """What the device answered: ``ok`` False with ``error`` when it refused, failed or did not answer."""

    ok: bool
    state: str = ""  # LOCKED, UNLOCKED, or "" when unknown
    error: str = ""
    command_id: str = ""


@dataclass(frozen=True)
class AllowEntry:
    """One booking the device may honour on its own (a network cut must not lock out a running session)."""

    user: str
    starts: dt.datetime
    ends: dt.datetime
    booking: int

    def as_wire(self) -> dict:
        return {
            "user": self.user,
            "from": self.starts.isoformat(),
            "until": self.ends.isoformat(),
            "booking": self.booking,
        }


@dataclass
class Driver:
    """The interface. ``supports_allowlist``: whether the device can keep an allow-list of its own (a bare relay
    cannot; the platform's schedule is its only guard)."""

    supports_allowlist: bool = field(default=False, init=False)

    def lock(self, *, reason: str = "") -> Ack:
        raise NotImplementedError

    def unlock(self, *, user: str, until: dt.datetime, reason: str = "") -> Ack:
        raise NotImplementedError

    def status(self) -> Ack:
        raise NotImplementedError

    def push_allowlist(self, entries: list[AllowEntry]) -> Ack:
        return Ack(ok=False, error="allow-list not supported")
