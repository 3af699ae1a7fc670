"""Sustained telemetry ingestion: Mosquitto → ``manage.py ingest_telemetry`` → PostgreSQL, samples per second.

One run publishes the same kind of stream (QoS 1, ``--samples-per-message`` samples a message, default 100 as a
gateway batches them; 1 is a device sending each reading as it takes it, from many devices) to
three receivers in turn, interleaved so the shared machine's load falls on all alike: a bare ``mosquitto_sub``
(what the broker can deliver), one worker, two workers (shared subscription). Each stream has fresh timestamps so
every sample is new. A worker's rate is samples committed / time from the first publish to the last commit; a run
that stops gaining samples for ``STALL_SECONDS`` says how many were missing.

The run has a Mosquitto of its own (``BENCH_MQTT_PORT``, default 18830) set up as the README asks of production:
no per-session message cap (``max_queued_messages 0``), bytes as the bound. Mosquitto 2.0 applies
``max_queued_messages`` (default 1000) even to a connected subscriber whose socket has backed up, whatever its
Receive Maximum: a worker starved of CPU for a few seconds while a burst arrives loses QoS 1 messages past about
1,800 (measured), and earlier runs against the system broker ended with samples missing. ``--system-broker`` runs
against 127.0.0.1:1883 as it is configured, to see that. Each run prints the samples written, the worker's own
counts and the messages the broker dropped.

Each worker run also prints the CPU it cost per sample (from ``/proc``, while the stream lasted): the worker
process, the PostgreSQL backends it used, and the broker. On a shared machine that is the number to compare;
samples/s follow the load. ``--baseline DIR`` adds a fourth receiver, one worker running the code of another
checkout (``git worktree add DIR main``) on the same database, interleaved with the others: before and after.

    python bench/telemetry_ingest.py          # quick: 200 devices, 50,000 samples a stream, 1 round
    python bench/telemetry_ingest.py --full   # 1,000 devices, 500,000 samples a stream, 3 rounds
    python bench/telemetry_ingest.py --full --samples-per-message 1   # a message per reading
"""

import argparse
import datetime as dt
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import paho.mqtt.client as mqtt
import psycopg
from common import PG_BASE, PYTHON, ROOT, cpu_seconds, django_env, ensure_postgres_database, manage

BROKER_CONF = """\
listener {port} 127.0.0.1
allow_anonymous true
persistence false
sys_interval 1
max_queued_messages 0
max_queued_bytes 1073741824
"""
STALL_SECONDS = 20
OUTSTANDING = 50_000
SECRET = "bench-secret-0123456789abcdefghijklmnopqrstuv"
URL = os.environ.get("BENCH_TELEMETRY_URL", f"{PG_BASE}/yiqi_bench_telemetry")

SETUP = """
import django; django.setup()
from yiqi.monitoring.ingest import secret_digest
from yiqi.monitoring.models import Device
from yiqi.organizations.models import Organization
from yiqi.registry.models import Instrument, InstrumentCategory
from yiqi.organizations.tests.factories import OrganizationFactory
from yiqi.registry.tests.factories import InstrumentFactory
n = int({devices})
have = Device.objects.filter(uid__startswith="bench-").count()
if have < n:
    unit = Organization.objects.filter(name="基准测试单位").first() or OrganizationFactory(name="基准测试单位")
    # Asset numbers of their own: the factory's sequence starts again in every run that grows the set.
    instruments = [InstrumentFactory(unit=unit, asset_number=f"BENCH-{{have + k:05d}}")
                   for k in range((n - have + 4) // 5)]
    Device.objects.bulk_create(
        Device(uid=f"bench-{{i:05d}}", instrument=instruments[(i - have) // 5], unit=unit, kind="power",
               secret_digest=secret_digest("{secret}"))
        for i in range(have, n)
    )
print(Organization.objects.get(name="基准测试单位").pk)
"""


def setup(devices: int) -> int:
    ensure_postgres_database(URL)
    manage(URL, "migrate", "--noinput")
    result = subprocess.run(
        [PYTHON, "-c", SETUP.format(devices=devices, secret=SECRET)],
        cwd=ROOT,
        env={**django_env(URL), "DJANGO_SETTINGS_MODULE": "yiqi.settings"},
        check=True,
        capture_output=True,
        text=True,
    )
    return int(result.stdout.strip().splitlines()[-1])


def payloads(unit: int, devices: int, total: int, base: dt.datetime, each: int) -> list[tuple[str, bytes]]:
    """Exactly ``total`` samples in messages of ``each``, round-robin over devices, each device's samples one second
    apart, all in the past."""
    messages = []
    for m in range(total // each):
        d, round_ = m % devices, m // devices
        start = base + dt.timedelta(seconds=round_ * each)
        samples = [
            {"t": (start + dt.timedelta(seconds=i)).timestamp(), "power_w": 100.0 + (i % 7)}
            for i in range(each)
        ]
        topic = f"yiqi/telemetry/{unit}/bench-{d:05d}"
        messages.append((topic, json.dumps({"key": SECRET, "samples": samples}).encode()))
    return messages


class Broker:
    """Where the run publishes: a Mosquitto of its own (started and stopped here), or the system one."""

    def __init__(self, system: bool):
        self.port = 1883 if system else int(os.environ.get("BENCH_MQTT_PORT", "18830"))
        self.proc = None
        if not system:
            self.dir = tempfile.TemporaryDirectory(prefix="bench-mqtt-")
            conf = Path(self.dir.name) / "mosquitto.conf"
            conf.write_text(BROKER_CONF.format(port=self.port))
            self.proc = subprocess.Popen(["mosquitto", "-c", str(conf)], stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 10
            while not self._listening():
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise SystemExit(f"mosquitto did not start on port {self.port}")
                time.sleep(0.1)

    def _listening(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            return True
        except OSError:
            return False

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def dropped(self) -> int | None:
        """Messages the broker dropped since it started ($SYS, retained; every second on our own broker)."""
        out = subprocess.run(
            ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(self.port), "-C", "1", "-W", "15",
             "-t", "$SYS/broker/publish/messages/dropped"],
            capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
        return int(out) if out.isdigit() else None

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.proc.pid) if self.proc is not None else 0.0

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
            self.dir.cleanup()


def publish(broker: Broker, messages) -> float:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"bench-pub-{uuid.uuid4().hex[:6]}")
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.connect("127.0.0.1", broker.port)
    client.loop_start()
    started = time.perf_counter()
    infos = []
    for topic, body in messages:
        if len(infos) >= OUTSTANDING:  # QoS 1 message ids are 16-bit: paho refuses past 65,535 outstanding
            infos[-OUTSTANDING].wait_for_publish(60)
        infos.append(client.publish(topic, body, qos=1))
    for info in infos:
        info.wait_for_publish(60)
    unpublished = sum(not info.is_published() for info in infos)
    if unpublished:
        print(f"  !! {unpublished} messages not acknowledged by the broker within 60 s")
    client.loop_stop()
    client.disconnect()
    return started


def count(conn) -> int:
    return conn.execute("SELECT count(*) FROM monitoring_sample").fetchone()[0]


def backends_cpu(conn) -> float:
    """CPU seconds of this database's other backends (the workers' connections) since they started."""
    pids = conn.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    ).fetchall()
    return sum(cpu_seconds(pid) for (pid,) in pids)


def run_workers(
    broker: Broker, workers: int, messages, samples: int, conn, root: Path = ROOT
) -> tuple[float, dict]:
    """(samples/s, CPU µs per sample of the workers, their PostgreSQL backends and the broker)."""
    # A fresh group per run: the sessions of earlier workers keep their share of a group for an hour.
    env = {
        **django_env(URL),
        "YIQI_MQTT_URL": broker.url,
        "YIQI_MQTT_SHARE_GROUP": f"bench-{uuid.uuid4().hex[:8]}",
        "YIQI_TELEMETRY_RATE_BURST": "1000000",
    }
    ready = [Path(tempfile.gettempdir()) / f"bench-worker-{uuid.uuid4().hex}" for _ in range(workers)]
    procs = [
        subprocess.Popen(
            [
                PYTHON,
                str(root / "manage.py"),
                "ingest_telemetry",
                "--client-id",
                f"bench-worker-{w}-{uuid.uuid4().hex[:4]}",
                "--ready-file",
                str(ready[w]),
            ],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,  # the warnings and the final counts: a few lines
            stderr=subprocess.STDOUT,
            text=True,
        )
        for w in range(workers)
    ]
    while not all(path.exists() for path in ready):  # Django start-up and subscription
        time.sleep(0.1)
    for path in ready:
        path.unlink()
    conn.execute(  # the workers' connections of an earlier run are gone, not idle, before this one is measured
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    cpu_before = [cpu_seconds(proc.pid) for proc in procs] + [broker.cpu_seconds()]
    before = count(conn)
    started = publish(broker, messages)
    # Wait for every sample, giving up only when nothing has been written for STALL_SECONDS.
    written, progressed = 0, time.perf_counter()
    while written < samples and time.perf_counter() - progressed < STALL_SECONDS:
        time.sleep(0.05)
        now_written = count(conn) - before
        if now_written > written:
            written, progressed = now_written, time.perf_counter()
    elapsed = progressed - started
    cpu_after = [cpu_seconds(proc.pid) for proc in procs] + [broker.cpu_seconds()]
    per_sample = 1e6 / max(written, 1)
    cpu = {
        "worker": (sum(cpu_after[:-1]) - sum(cpu_before[:-1])) * per_sample,
        "postgres": backends_cpu(conn) * per_sample,
        "broker": (cpu_after[-1] - cpu_before[-1]) * per_sample,
    }
    for proc in procs:
        proc.terminate()
    outputs = [proc.communicate(timeout=60)[0] for proc in procs]
    if written < samples:
        print(f"  !! only {written} of {samples} samples written")
    for w, output in enumerate(outputs):
        for line in output.splitlines()[-6:]:
            print(f"     worker {w}: {line}")
    return written / elapsed, cpu


def run_subscriber(broker: Broker, messages, samples: int) -> float:
    # MQTT 5 with the worker's in-flight window and a fresh group: with MQTT 3's 20 in flight plus 1,000 queued, a
    # subscriber starved of CPU loses messages past that and would wait for them for ever.
    proc = subprocess.Popen(
        ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(broker.port), "-q", "1", "-V", "5", "-D", "connect", "receive-maximum", "65535",
         "-t", f"$share/benchsub-{uuid.uuid4().hex[:8]}/yiqi/telemetry/+/+", "-C", str(len(messages))],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(0.5)
    started = publish(broker, messages)
    try:
        proc.wait(600)
    except subprocess.TimeoutExpired:
        proc.kill()
        print("  !! mosquitto_sub did not receive every message within 600 s")
    return samples / (time.perf_counter() - started)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", action="store_true")
    parser.add_argument(
        "--system-broker", action="store_true", help="publish to 127.0.0.1:1883 as configured"
    )
    parser.add_argument(
        "--baseline", type=Path, help="another checkout whose worker runs too, interleaved (before/after)"
    )
    parser.add_argument(
        "--samples-per-message", type=int, default=100, help="default 100 (a gateway's batch)"
    )
    args = parser.parse_args()
    devices, samples, rounds = (1000, 500_000, 3) if args.full else (200, 50_000, 1)
    unit = setup(devices)
    broker = Broker(args.system_broker)
    try:
        run_all(broker, unit, devices, samples, rounds, args.baseline, args.samples_per_message)
    finally:
        broker.stop()


def run_all(
    broker: Broker, unit: int, devices: int, samples: int, rounds: int, baseline: Path | None, each: int
) -> None:
    where = (
        "system broker :1883" if broker.proc is None else f"own broker :{broker.port} (max_queued_messages 0)"
    )
    print(
        f"{where}; {devices} devices, {samples:,} samples a stream in messages of {each}, {rounds} round(s)"
    )
    print(f"machine: {os.cpu_count()} cores; load {os.getloadavg()}")
    results = {"mosquitto_sub": [], "1 worker": [], "2 workers": []}
    if baseline:
        results["baseline 1 worker"] = []
    costs = {name: [] for name in results if name != "mosquitto_sub"}
    base = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    with psycopg.connect(URL, autocommit=True) as conn:
        stream = 0
        for _ in range(rounds):
            for name in results:
                stream += 1
                rounds_per_device = -(-samples // each // devices)
                span = dt.timedelta(seconds=rounds_per_device * each + 10)
                messages = payloads(unit, devices, samples, base + stream * span, each)
                dropped = broker.dropped()
                cpu = ""
                if name == "mosquitto_sub":
                    rate = run_subscriber(broker, messages, samples)
                else:
                    workers, root = int(name.split()[-2]), baseline if name.startswith("baseline") else ROOT
                    rate, used = run_workers(broker, workers, messages, samples, conn, root)
                    costs[name].append(used)
                    cpu = "; CPU µs/sample " + ", ".join(f"{k} {v:.1f}" for k, v in used.items())
                results[name].append(rate)
                after = broker.dropped()
                dropped = "?" if None in (dropped, after) else after - dropped
                print(
                    f"  {name:17} {rate:10,.0f} samples/s   (load {os.getloadavg()[0]:.2f}; broker dropped "
                    f"{dropped}{cpu})",
                    flush=True,
                )
    best = {name: max(rates) for name, rates in results.items()}
    print("best of each:")
    for name, rate in best.items():
        cpu = ""
        if costs.get(name):
            least = min(costs[name], key=lambda c: sum(c.values()))
            cpu = "   CPU µs/sample (least of the rounds) " + ", ".join(
                f"{k} {v:.1f}" for k, v in least.items()
            )
        print(f"  {name:17} {rate:10,.0f} samples/s{cpu}")
    print(f"ratio 1 worker / mosquitto_sub: {best['1 worker'] / best['mosquitto_sub']:.2f}")
    print(f"ratio 2 workers / 1 worker:     {best['2 workers'] / best['1 worker']:.2f}")
    if baseline:
        print(f"ratio 1 worker / baseline:      {best['1 worker'] / best['baseline 1 worker']:.2f}")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    sys.exit(main())
