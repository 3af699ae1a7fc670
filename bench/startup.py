"""``make run`` from a fresh clone: seconds to the first HTTP 200 on ``/`` and until the whole demo is built.

Clones this checkout's HEAD into a temporary directory, creates its venv with ``make .venv/.installed`` (timed
apart: it is the package install, not our start-up), then starts ``make run`` on its own port and polls ``/`` and
``var/demo.log`` ("Demo data built" is written after the last demo part). Prints the times and the load average.

Usage: python bench/startup.py [--full] [--port 8765] [--keep]   (default 300 instruments; --full: 3,000, the
``make run`` default)
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DONE = "Demo data built"


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="3,000 instruments (make run's default)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--timeout", type=float, default=3600, help="give up after this many seconds")
    parser.add_argument("--keep", action="store_true", help="keep the clone (its var/ holds the logs)")
    args = parser.parse_args()
    instruments = 3000 if args.full else 300
    base = Path(tempfile.mkdtemp(prefix="yiqi-startup-"))
    clone = base / "yiqi"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "PYTHONPATH"))}
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    started = time.monotonic()
    subprocess.run(["make", "--no-print-directory", ".venv/.installed"], cwd=clone, env=env, check=True)
    print(f"venv (make .venv/.installed): {time.monotonic() - started:.1f} s")

    print(f"load before: {loadavg()}")
    log = (base / "make-run.log").open("w")
    started = time.monotonic()
    run = subprocess.Popen(
        ["make", "--no-print-directory", "run", f"PORT={args.port}", f"DEMO_INSTRUMENTS={instruments}"],
        cwd=clone,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopped as a whole below
    )
    first = demo = None
    demo_log = clone / "var" / "demo.log"
    try:
        while time.monotonic() - started < args.timeout and run.poll() is None:
            now = time.monotonic() - started
            if first is None and answers(f"http://127.0.0.1:{args.port}/"):
                first = now
                print(f"first HTTP 200 on /: {first:.1f} s")
            if demo is None and demo_log.exists() and DONE in demo_log.read_text(errors="replace"):
                demo = now
                print(f"whole demo built ({instruments} instruments): {demo:.1f} s")
            if first is not None and demo is not None:
                break
            time.sleep(0.25)
        if (
            first is not None
            and demo is not None
            and not answers(f"http://127.0.0.1:{args.port}/instruments/")
        ):
            print("the instrument list did not answer 200 after the demo was built")
    finally:
        print(f"load after: {loadavg()}")
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGTERM)
            run.wait(timeout=30)
        log.close()
        if demo_log.exists():
            print("".join(line for line in demo_log.read_text().splitlines(True) if "phases" in line), end="")
        if args.keep:
            print(f"kept: {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)
    if first is None or demo is None:
        sys.exit(f"not finished: first page {first}, demo {demo} (see {base} with --keep)")


if __name__ == "__main__":
    main()
