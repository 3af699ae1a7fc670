"""Run every benchmark in this folder in turn, passing the arguments through (e.g. ``--full``)."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [
    "import_spreadsheet.py",
    "list_latency.py",
    "search_latency.py",
    "usage_totals.py",
    "availability_latency.py",
    "booking_concurrency.py",
    "notification_mail.py",
    "vouchers_redemption.py",
    "monitoring_accuracy.py",
    "interlock_latency.py",
    "purchase_evidence.py",
]

if __name__ == "__main__":
    for script in SCRIPTS:
        print(f"== {script}", flush=True)
        subprocess.run([sys.executable, str(HERE / script), *sys.argv[1:]], check=True)
