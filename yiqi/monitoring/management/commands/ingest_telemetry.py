"""Run one MQTT ingestion worker; start several (here or on other machines) to share the load."""

import logging
import signal
import threading
import time
from pathlib import Path

from django.core.management.base import BaseCommand

from yiqi.monitoring.worker import IngestWorker


class Command(BaseCommand):
    help = "Receive device telemetry over MQTT (shared subscription) and write it in batches."

    def add_arguments(self, parser):
        parser.add_argument("--url", help="broker, default settings.YIQI_MQTT_URL")
        parser.add_argument(
            "--group", help="shared-subscription group, default settings.YIQI_MQTT_SHARE_GROUP"
        )
        parser.add_argument(
            "--client-id",
            help="stable id per worker, so the broker resends what this worker left unacknowledged when it returns",
        )
        parser.add_argument("--batch-messages", type=int, default=500)
        parser.add_argument(
            "--seconds", type=float, default=0, help="stop after this long (0: run until stopped)"
        )
        parser.add_argument("--ready-file", help="created once subscribed (for scripts that start workers)")

    def handle(self, *args, **options):
        logging.getLogger("yiqi.monitoring").setLevel(logging.INFO)
        worker = IngestWorker(
            url=options["url"],
            group=options["group"],
            client_id=options["client_id"],
            batch_messages=options["batch_messages"],
        )
        if options["ready_file"]:
            ready_file = Path(options["ready_file"])
            threading.Thread(
                target=lambda: worker.subscribed.wait() and ready_file.touch(), daemon=True
            ).start()
        signal.signal(signal.SIGTERM, lambda *_: worker.stop())
        signal.signal(signal.SIGINT, lambda *_: worker.stop())
        deadline = None
        if options["seconds"]:
            deadline = time.monotonic() + options["seconds"]
        stats = worker.run(until=(lambda: time.monotonic() >= deadline) if deadline else None)
        self.stdout.write(
            f"messages={stats.messages} inserted={stats.inserted} duplicates={stats.duplicates} "
            f"rejected={stats.rejected} batches={stats.batches} retries={stats.retries} held={stats.held}"
        )
