"""What the server side spends during a load step, read from /proc, PostgreSQL and Redis (Linux only).

CPU seconds per process group: gunicorn (masters with their workers; a worker recycled after ``max_requests`` is
counted through its master's reaped-children times), the PostgreSQL backends serving the bench database, the Huey
consumer, Locust itself (it shares the machine) and the whole machine. A sampler thread meanwhile looks at what
queues: connections waiting in each gunicorn listen socket's accept queue, backends waiting on a lock, tasks waiting
in Huey's Redis list.
"""

import os
import threading
import time
from dataclasses import dataclass, field

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            raw = f.read()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2 :].split()  # fields from "state" on; the name may hold spaces


def cpu_seconds(pid: int, reaped: bool = False) -> float:
    """utime + stime (+ the reaped children's, for a gunicorn master) of one process, 0 once it is gone."""
    fields = _stat(pid)
    if fields is None:
        return 0.0
    ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if reaped else 0)
    return ticks / TICK


def children(pid: int) -> list[int]:
    """The process's children, by their parent id (this kernel has no /proc/<pid>/task/<tid>/children)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(int(entry))
            if fields is not None and int(fields[1]) == pid:
                found.append(int(entry))
    return found


def machine_busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, all cores."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / TICK, sum(values) / TICK


def accept_queue(port: int) -> int:
    """Connections accepted by the kernel and not yet taken by a gunicorn worker (the LISTEN socket's rx_queue)."""
    wanted = f"{port:04X}"
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            parts = line.split()
            if parts[1].endswith(":" + wanted) and parts[3] == "0A":
                return int(parts[4].split(":")[1], 16)
    return 0


@dataclass
class Step:
    """Counters for one load step."""

    started: float = 0.0
    wall: float = 0.0
    cpu: dict = field(default_factory=dict)  # group -> CPU seconds
    machine_busy: float = 0.0
    samples: int = 0
    accept_max: int = 0
    accept_sum: int = 0
    lock_waits_max: int = 0
    lock_waits_sum: int = 0
    huey_max: int = 0
    huey_last: int = 0
    workers_running_sum: float = 0.0


class Probe:
    """Counts one step at a time: ``start()``, load, ``stop()`` → :class:`Step`."""

    def __init__(self, database_url: str, redis_url: str, masters: dict[int, int], huey_pid: int):
        import psycopg
        import redis

        self.masters = masters  # port -> gunicorn master pid
        self.huey_pid = huey_pid
        self.db = psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True)
        self.db_name = database_url.rsplit("/", 1)[1]
        self.redis = redis.Redis.from_url(redis_url)
        self.backends: dict[int, list[float]] = {}  # pid -> [CPU at first sight, latest CPU]
        self.locust_pid: int | None = None
        self.locust_cpu = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _gunicorn_cpu(self) -> float:
        return sum(
            cpu_seconds(master, reaped=True) + sum(cpu_seconds(w) for w in children(master))
            for master in self.masters.values()
        )

    def _watch_backends(self, first: bool) -> int:
        rows = self.db.execute(
            "SELECT pid, wait_event_type FROM pg_stat_activity WHERE datname = %s", [self.db_name]
        ).fetchall()
        for pid, _wait in rows:
            now = cpu_seconds(pid)
            if pid in self.backends:
                self.backends[pid][1] = max(self.backends[pid][1], now)
            else:  # a backend opened during the step spent all it has on the step
                self.backends[pid] = [now if first else 0.0, now]
        return sum(1 for _pid, wait in rows if wait == "Lock")

    def _sample(self, step: Step) -> None:
        while not self._stop.wait(0.5):
            locks = self._watch_backends(first=False)
            queued = sum(accept_queue(port) for port in self.masters)
            huey = self.redis.llen("huey.redis.yiqi")
            running = 0
            for master in self.masters.values():
                running += sum(1 for w in children(master) if (_stat(w) or ["S"])[0] == "R")
            if self.locust_pid:
                self.locust_cpu = max(self.locust_cpu, cpu_seconds(self.locust_pid, reaped=True))
            step.samples += 1
            step.accept_sum += queued
            step.accept_max = max(step.accept_max, queued)
            step.lock_waits_sum += locks
            step.lock_waits_max = max(step.lock_waits_max, locks)
            step.huey_max = max(step.huey_max, huey)
            step.huey_last = huey
            step.workers_running_sum += running

    def start(self, locust_pid: int) -> Step:
        self.backends = {}
        self._watch_backends(first=True)
        self.locust_pid, self.locust_cpu = locust_pid, 0.0
        step = Step(started=time.monotonic())
        step.cpu = {"gunicorn": self._gunicorn_cpu(), "huey": cpu_seconds(self.huey_pid)}
        step.machine_busy = machine_busy_seconds()[0]
        self._stop.clear()
        self._thread = threading.Thread(target=self._sample, args=(step,), daemon=True)
        self._thread.start()
        return step

    def stop(self, step: Step) -> Step:
        self._watch_backends(first=False)
        step.cpu["gunicorn"] = self._gunicorn_cpu() - step.cpu["gunicorn"]
        step.cpu["huey"] = cpu_seconds(self.huey_pid) - step.cpu["huey"]
        step.cpu["postgres"] = sum(last - first for first, last in self.backends.values())
        step.cpu["locust"] = self.locust_cpu
        step.machine_busy = machine_busy_seconds()[0] - step.machine_busy
        step.wall = time.monotonic() - step.started
        self._stop.set()
        if self._thread:
            self._thread.join()
        return step

    def close(self) -> None:
        self.db.close()
