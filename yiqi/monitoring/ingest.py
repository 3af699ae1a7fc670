"""Telemetry intake shared by both doors (HTTP ``POST /api/v1/telemetry/`` and the MQTT worker).

``check_message`` is the one validation: it authenticates the device, reads the samples and sorts each into a row
to write or a rejection reason. ``write_batch`` writes the rows of any number of checked messages in one
transaction — on PostgreSQL a binary COPY, straight into the samples or, when a batch repeats stored samples,
through a staging table and ``ON CONFLICT DO NOTHING``; multi-row inserts with ``ON CONFLICT DO NOTHING``
elsewhere: a repeated sample (same device and time) counts once — together with the devices' last-seen times, the
roll-up's dirty marks and the rejection counters.

Both run once per sample at tens of thousands a second, so they keep to plain lookups and build one tuple per
sample (``bench/telemetry_ingest.py`` prints the CPU each sample costs).
"""

import datetime as dt
import hashlib
import hmac
import json
import math
import time
from collections import Counter
from dataclasses import dataclass, field
from operator import itemgetter

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .models import Device, MachineState, RejectionReason

STATES = frozenset(MachineState.values)
READINGS = frozenset(("state", "power_w", "current_a"))  # a sample needs one of these
INF = math.inf
SHORT_TIME_LIMIT = 1e10  # seconds since 1970 (year 2286): a float time below it converts without a check
FROM_TIMESTAMP = dt.datetime.fromtimestamp
MAX_SIGNALS = 32
UTC = dt.UTC


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class DeviceInfo:
    id: int
    uid: str
    unit_id: int
    instrument_id: int
    secret_digest: str
    revoked: bool


class DeviceDirectory:
    """Devices by uid, each re-read from the database after ``ttl`` seconds so that a rotated or revoked secret
    stops working within that time (0: every lookup reads)."""

    def __init__(self, ttl: float = 10.0):
        self.ttl = ttl
        self._entries: dict[str, tuple[float, DeviceInfo | None]] = {}

    FIELDS = ("id", "uid", "unit_id", "instrument_id", "secret_digest", "revoked_at")

    def _fresh(self, uid: str, now: float) -> bool:
        cached = self._entries.get(uid)
        return cached is not None and now - cached[0] < self.ttl

    def get(self, uid: str) -> DeviceInfo | None:
        now = time.monotonic()
        if self._fresh(uid, now):
            return self._entries[uid][1]
        row = Device.objects.filter(uid=uid).values_list(*self.FIELDS).first()
        info = DeviceInfo(*row[:5], revoked=row[5] is not None) if row else None
        if self.ttl:
            self._entries[uid] = (now, info)
        return info

    def load(self, uids) -> None:
        """Read the devices among ``uids`` that are not fresh here in one query (a worker's batch from many devices
        costs one lookup, not one per device, every ``ttl``)."""
        now = time.monotonic()
        stale = {uid for uid in uids if uid and not self._fresh(uid, now)}
        if not stale or not self.ttl:
            return
        found = {
            row[1]: DeviceInfo(*row[:5], revoked=row[5] is not None)
            for row in Device.objects.filter(uid__in=stale).values_list(*self.FIELDS)
        }
        for uid in stale:
            self._entries[uid] = (now, found.get(uid))


class RateLimiter:
    """Per device at most ``burst`` samples in each window of ``burst / per_minute`` minutes: on average
    ``per_minute`` a minute, and a device that was cut off may send its backlog at once. The count lives in the
    Django cache (Redis in production), so the HTTP processes and every MQTT worker share one count per device.

    A worker limits a whole batch at once (``limit``): one count per device in it, and on Redis one pipelined round
    trip for them all. Counted per message, a stream of one reading a message cost a cache round trip per sample
    (a fifth of a worker's time with the in-process cache, more with Redis)."""

    def __init__(self, per_minute: int | None = None, burst: int | None = None):
        self.burst = burst or settings.YIQI_TELEMETRY_RATE_BURST
        per_second = (per_minute or settings.YIQI_TELEMETRY_RATE_PER_MINUTE) / 60.0
        self.window = max(1, round(self.burst / per_second))  # seconds

    def take_many(self, wanted: dict[str, int]) -> dict[str, int]:
        """How many of its ``wanted`` samples each device may send now."""
        window = int(time.time() // self.window)
        keys = {uid: f"yiqi:telemetry-rate:{uid}:{self.window}:{window}" for uid in wanted}
        used = self._add({keys[uid]: n for uid, n in wanted.items()})
        return {uid: max(0, min(n, self.burst - (used[keys[uid]] - n))) for uid, n in wanted.items()}

    def limit(self, messages: list["Checked"]) -> None:
        """Cut each device's rows in ``messages`` to what it may send, in order, counting the rest refused."""
        wanted = Counter()
        for message in messages:
            if message.rows:
                wanted[message.device.uid] += len(message.rows)
        if not wanted:
            return
        left = self.take_many(wanted)
        for message in messages:
            if message.rows:
                uid = message.device.uid
                granted = min(len(message.rows), left[uid])
                left[uid] -= granted
                if granted < len(message.rows):
                    message.refuse(RejectionReason.RATE_LIMITED, len(message.rows) - granted)
                    message.rows = message.rows[:granted]

    def _add(self, amounts: dict[str, int]) -> dict[str, int]:
        """Add to each key's count; the counts after. Redis: INCRBY and an expiry for a new key, pipelined."""
        backend = caches["default"]  # ``cache`` is a proxy: not an instance of any backend
        if isinstance(backend, RedisCache):
            pipe = backend._cache.get_client(write=True).pipeline(transaction=False)
            for key, n in amounts.items():
                stored = backend.make_and_validate_key(key)
                pipe.incrby(stored, n)
                pipe.expire(stored, self.window + 60, nx=True)
            counts = pipe.execute()[::2]
            return dict(zip(amounts, counts, strict=True))
        return {key: self._add_one(key, n) for key, n in amounts.items()}

    def _add_one(self, key: str, n: int) -> int:
        try:  # the window's count exists but for a device's first message in it: one call, not two
            return cache.incr(key, n)
        except ValueError:
            cache.add(key, 0, timeout=self.window + 60)
            try:
                return cache.incr(key, n)
            except ValueError:  # expired between add and incr
                cache.set(key, n, timeout=self.window + 60)
                return n


# One row of monitoring_sample: device, t, instrument, state, power_w, current_a, signals (a dict or None)
Row = tuple[int, dt.datetime, int, str, float | None, float | None, dict | None]


@dataclass
class Checked:
    """What one message or request came to."""

    device: DeviceInfo | None = None
    claimed_uid: str = ""
    rows: list[Row] = field(default_factory=list)
    rejected: Counter = field(default_factory=Counter)
    duplicates: int = 0  # repeated inside the message; ``write_batch`` adds those already stored

    def refuse(self, reason: str, count: int = 1) -> "Checked":
        self.rejected[reason] += max(count, 1)
        return self


def _finite(value) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer beyond any float
        return False


def _number(value) -> bool:
    """A JSON number (``True`` is not one)."""
    kind = type(value)
    return kind is float or kind is int or (kind is not bool and isinstance(value, int | float))


def _read_time(value) -> dt.datetime | str:
    """The sample time as an aware UTC datetime, or the rejection reason."""
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return RejectionReason.MALFORMED
        if parsed.tzinfo is None:  # a time without its offset means nothing
            return RejectionReason.MALFORMED
        return parsed.astimezone(UTC)
    if not _number(value):
        return RejectionReason.MALFORMED
    if not _finite(value):
        return RejectionReason.NOT_FINITE
    try:
        return dt.datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return RejectionReason.TOO_OLD if value < 0 else RejectionReason.FUTURE


def _reading(value) -> float | str | None:
    """A power or current reading: None when absent, a float when good, else the rejection reason."""
    if value is None:
        return None
    if not _number(value) or value < 0:
        return RejectionReason.MALFORMED
    if not _finite(value):
        return RejectionReason.NOT_FINITE
    return float(value)


def _signals(signals) -> dict | str | None:
    """Named signals (None when empty), or the rejection reason."""
    if not isinstance(signals, dict) or len(signals) > MAX_SIGNALS:
        return RejectionReason.MALFORMED
    for name, value in signals.items():
        if not _number(value) or len(name) > 64:
            return RejectionReason.MALFORMED
        if not _finite(value):
            return RejectionReason.NOT_FINITE
    return signals or None


def _check_sample(sample, earliest: dt.datetime, latest: dt.datetime, device_id: int, instrument_id: int):
    """The sample's row, or the reason it is refused (``RejectionReason`` members are str, rows tuples).
    Once per sample, so the usual shape (a float time, float readings) takes the short way round."""
    if not isinstance(sample, dict):
        return RejectionReason.MALFORMED
    get = sample.get
    state, power, current = get("state"), get("power_w"), get("current_a")
    if "t" not in sample or (
        state is None and power is None and current is None and not sample.keys() & READINGS
    ):
        return RejectionReason.MISSING_FIELDS
    t = sample["t"]
    if type(t) is float and 0.0 <= t < SHORT_TIME_LIMIT:
        t = FROM_TIMESTAMP(t, UTC)
    else:
        t = _read_time(t)
        if type(t) is not dt.datetime:
            return t
    if state is None:
        state = ""
    elif type(state) is not str or (state and state not in STATES):
        return RejectionReason.MALFORMED
    if type(power) is not float or not 0.0 <= power < INF:  # NaN fails every comparison
        power = _reading(power)
        if type(power) is not float and power is not None:
            return power
    if type(current) is not float or not 0.0 <= current < INF:
        current = _reading(current)
        if type(current) is not float and current is not None:
            return current
    if not state and power is None and current is None:
        return RejectionReason.MISSING_FIELDS
    signals = get("signals")
    if signals is not None:
        signals = _signals(signals)
        if type(signals) is not dict and signals is not None:
            return signals
    if t > latest:
        return RejectionReason.FUTURE
    if t < earliest:
        return RejectionReason.TOO_OLD
    return (device_id, t, instrument_id, state, power, current, signals)


def check_message(
    uid: str,
    body: bytes,
    *,
    directory: DeviceDirectory,
    limiter: RateLimiter | None,
    secret: str | None = None,
    unit_id: int | None = None,
    now: dt.datetime | None = None,
) -> Checked:
    """Authenticate and read one batch of samples.

    HTTP passes the ``secret`` from its ``Authorization`` header and a body ``{"samples": [...]}``; MQTT passes no
    secret (it is the body's ``key``) and the ``unit_id`` of the topic, which must be the device's unit.
    Message-wide refusals count every sample the message held (one when it could not be read). ``limiter=None``:
    the caller limits the rate itself, over a batch of messages (``RateLimiter.limit``).
    """
    checked = Checked(claimed_uid=uid[:64])
    if len(body) > settings.YIQI_TELEMETRY_MAX_BYTES:
        return checked.refuse(RejectionReason.TOO_LARGE)
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return checked.refuse(RejectionReason.MALFORMED)
    if not isinstance(payload, dict):
        return checked.refuse(RejectionReason.MALFORMED)
    samples = payload.get("samples")
    held = len(samples) if isinstance(samples, list) else 1
    if secret is None:
        secret = payload.get("key")
    device = directory.get(uid) if uid else None
    if device is None or (unit_id is not None and device.unit_id != unit_id):
        return checked.refuse(RejectionReason.UNKNOWN_DEVICE, held)
    if device.revoked:
        return checked.refuse(RejectionReason.REVOKED_DEVICE, held)
    if not isinstance(secret, str) or not hmac.compare_digest(secret_digest(secret), device.secret_digest):
        return checked.refuse(RejectionReason.WRONG_SECRET, held)
    checked.device = device
    if not isinstance(samples, list):
        return checked.refuse(
            RejectionReason.MISSING_FIELDS if samples is None else RejectionReason.MALFORMED
        )
    if len(samples) > settings.YIQI_TELEMETRY_MAX_SAMPLES:
        return checked.refuse(RejectionReason.TOO_LARGE, held)
    now = now or timezone.now()
    earliest = now - dt.timedelta(days=settings.YIQI_TELEMETRY_RETENTION_DAYS)
    latest = now + dt.timedelta(seconds=settings.YIQI_TELEMETRY_MAX_FUTURE_SECONDS)
    seen: set[dt.datetime] = set()
    good: list[Row] = []
    device_id, instrument_id = device.id, device.instrument_id
    for sample in samples:
        result = _check_sample(sample, earliest, latest, device_id, instrument_id)
        if type(result) is not tuple:
            checked.rejected[result] += 1
        elif result[1] in seen:
            checked.duplicates += 1
        else:
            seen.add(result[1])
            good.append(result)
    checked.rows = good
    if limiter is not None:
        limiter.limit([checked])
    return checked


# --- writing ---------------------------------------------------------------------------------------------------

COLUMNS = "device_id, t, instrument_id, state, power_w, current_a, signals, received_at"
ROW_COLUMNS = "device_id, t, instrument_id, state, power_w, current_a, signals"  # a ``Row``
# COPY in binary: numbers and times go as they are, neither side formats or parses text.
ROW_TYPES = ("int8", "timestamptz", "int8", "text", "float8", "float8", "jsonb")
STAGING = "monitoring_sample_incoming"
STAGING_TABLE = (
    f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGING} (device_id bigint, t timestamptz, instrument_id bigint, "
    "state text, power_w double precision, current_a double precision, signals jsonb) ON COMMIT DELETE ROWS"
)


class _Repeats:
    """Whether the last batch held samples already stored (a message sent again after a reconnection, whose
    neighbours in the broker's queue are likely resent too)."""

    seen = False


def _insert_postgresql(cursor, rows: list[Row], received_at: dt.datetime) -> int:
    """COPY straight into the samples, twice as cheap for the database as ``INSERT ... ON CONFLICT``; a sample
    already stored fails that COPY, which is undone to its savepoint, and the rows go through a staging table and
    ``ON CONFLICT DO NOTHING`` instead — so do the next batches, until one holds no repeat."""
    if not _Repeats.seen:
        try:
            with transaction.atomic():
                _copy(
                    cursor, f"monitoring_sample ({COLUMNS})", (*ROW_TYPES, "timestamptz"), rows, received_at
                )
            return len(rows)
        except IntegrityError:
            _Repeats.seen = True
    cursor.execute(STAGING_TABLE)
    _copy(cursor, f"{STAGING} ({ROW_COLUMNS})", ROW_TYPES, rows)
    cursor.execute(
        f"INSERT INTO monitoring_sample ({COLUMNS}) SELECT {ROW_COLUMNS}, %s FROM {STAGING} ON CONFLICT DO NOTHING",
        [received_at],
    )
    _Repeats.seen = cursor.rowcount < len(rows)
    return cursor.rowcount


def _copy(cursor, target: str, types: tuple, rows: list[Row], *extra) -> None:
    """COPY ``rows`` (each followed by ``extra``) into ``target`` in binary."""
    raw = cursor.cursor  # psycopg's own cursor, for COPY; its errors become Django's like every other
    with connection.wrap_database_errors, raw.copy(f"COPY {target} FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(types)
        if extra:
            for row in rows:
                copy.write_row((*row, *extra))
        else:
            for row in rows:
                copy.write_row(row)


def _insert_portable(cursor, rows: list[Row], received_at: dt.datetime) -> int:
    adapt = connection.ops.adapt_datetimefield_value
    inserted = 0
    received = adapt(received_at)
    for start in range(0, len(rows), 100):
        chunk = rows[start : start + 100]
        values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
        params = [
            p
            for row in chunk
            for p in (row[0], adapt(row[1]), *row[2:6], row[6] and json.dumps(row[6]), received)
        ]
        cursor.execute(
            f"INSERT INTO monitoring_sample ({COLUMNS}) VALUES {values} ON CONFLICT DO NOTHING", params
        )
        inserted += cursor.rowcount
    return inserted


def _mark_devices(cursor, spans: dict[int, dt.datetime], received_at: dt.datetime) -> None:
    """Last seen = now; dirty from = the earliest sample time written, whichever is earlier."""
    adapt = connection.ops.adapt_datetimefield_value
    items = sorted(spans.items())  # a fixed order, so two writers never deadlock on device rows
    if connection.vendor == "postgresql":
        values = ", ".join(["(%s::bigint, %s::timestamptz)"] * len(items))
        cursor.execute(
            "UPDATE monitoring_device d SET last_seen = GREATEST(d.last_seen, %s::timestamptz), "
            f"dirty_from = LEAST(d.dirty_from, v.earliest) FROM (VALUES {values}) v(id, earliest) WHERE d.id = v.id",
            [received_at, *[p for item in items for p in item]],
        )
        return
    cursor.executemany(
        "UPDATE monitoring_device SET last_seen = %s, dirty_from = CASE WHEN dirty_from IS NULL OR dirty_from > %s "
        "THEN %s ELSE dirty_from END WHERE id = %s",
        [(adapt(received_at), adapt(t), adapt(t), device_id) for device_id, t in items],
    )


def _count_rejections(cursor, counts: Counter, day: dt.date) -> None:
    """``counts`` maps (reason, claimed uid) to samples refused."""
    if not counts:
        return
    cursor.executemany(
        "INSERT INTO monitoring_rejectedsamplecount (day, reason, device_uid, count) VALUES (%s, %s, %s, %s) "
        "ON CONFLICT (day, reason, device_uid) DO UPDATE "
        "SET count = monitoring_rejectedsamplecount.count + excluded.count",
        [
            (connection.ops.adapt_datefield_value(day), reason, uid, n)
            for (reason, uid), n in sorted(counts.items())
        ],
    )


@dataclass
class BatchResult:
    inserted: int
    duplicates: int


def write_batch(messages: list[Checked], *, now: dt.datetime | None = None) -> BatchResult:
    """Write the checked messages in one transaction; on a database error nothing of it is kept (retry it whole)."""
    now = now or timezone.now()
    rows: list[Row] = []
    spans: dict[int, dt.datetime] = {}
    rejections: Counter = Counter()
    duplicates = 0
    for message in messages:
        duplicates += message.duplicates
        for reason, n in message.rejected.items():
            rejections[(reason, message.claimed_uid)] += n
        if message.rows:
            rows.extend(message.rows)
            earliest = min(map(itemgetter(1), message.rows))
            device_id = message.device.id
            spans[device_id] = min(spans.get(device_id, earliest), earliest)
    inserted = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if rows:
            insert = _insert_postgresql if connection.vendor == "postgresql" else _insert_portable
            inserted = insert(cursor, rows, now)
        if spans:
            _mark_devices(cursor, spans, now)
        _count_rejections(cursor, rejections, timezone.localdate(now))
    return BatchResult(inserted=inserted, duplicates=duplicates + len(rows) - inserted)
