"""``manage.py simulate_devices``: simulated monitoring devices for some instruments, with a known ground truth.

Past days (``--days``) are generated at once (with the scenario's usage records, planted faked ones among them);
then the devices report live, ``--rate`` samples per second in all, until stopped (or ``--duration`` seconds).
Samples go over HTTP to ``--http URL`` like a device that cannot speak MQTT, or without it straight into the
ingestion service in this process. Interlock commands are answered over MQTT when a broker listens. ``--truth FILE``
receives what was generated: running intervals, daily hours, the planted items.
"""

import datetime as dt
import json
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yiqi.monitoring import simulation
from yiqi.monitoring.models import Device
from yiqi.monitoring.simulator import SHANGHAI, CommandResponder, Scenario
from yiqi.registry.models import Instrument, RegistrationStatus


def _positive(kind):
    def parse(value: str):
        number = kind(value)
        if number <= 0:
            raise ValueError("must be positive")
        return number

    return parse


class Command(BaseCommand):
    help = "Simulate monitoring devices (patterns, planted faked records and unrecorded runs, interlock answers)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--instruments", type=_positive(int), default=20, help="how many instruments (20)"
        )
        parser.add_argument(
            "--rate",
            type=_positive(float),
            default=None,
            help="live samples per second in all (instruments / 5)",
        )
        parser.add_argument(
            "--http", metavar="URL", help="post samples to URL/api/v1/telemetry/ (else in process)"
        )
        parser.add_argument("--days", type=int, default=0, help="first generate this many past days (0)")
        parser.add_argument(
            "--period", type=_positive(float), default=60, help="sample period of past days, s (60)"
        )
        parser.add_argument("--duration", type=float, default=0, help="live seconds, 0 = until stopped (0)")
        parser.add_argument("--truth", metavar="FILE", help="write the ground truth here (JSON)")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options):
        count, days = options["instruments"], options["days"]
        if not 0 <= days <= settings.YIQI_TELEMETRY_RETENTION_DAYS:
            raise CommandError(f"--days must be between 0 and {settings.YIQI_TELEMETRY_RETENTION_DAYS}")
        instruments = self._instruments(count)
        if not instruments:
            raise CommandError("no published instrument to simulate (load the demo data first)")
        now = timezone.now()
        truth = {}
        if days:
            start = dt.datetime.combine(
                now.astimezone(SHANGHAI).date() - dt.timedelta(days=days), dt.time(), SHANGHAI
            )
            past = Scenario(len(instruments), start, now, period=options["period"], seed=options["seed"])
            devices = simulation.provision(past, instruments)
            records = simulation.write_records(past, devices)
            self.stdout.write(f"{days} past days for {len(devices)} instruments, {records} usage records …")
            self._send(past, devices, options["http"], now)
            truth["past"] = past.truth()
        rate = options["rate"] or len(instruments) / 5
        live = Scenario(
            len(instruments),
            now,
            now + dt.timedelta(days=366),
            period=len(instruments) / rate,
            seed=options["seed"] + 1,
        )
        devices = simulation.provision(live, instruments)
        responder = self._responder()
        self.stdout.write(
            f"Live: {len(devices)} devices, a sample every {live.period:g} s each"
            f" ({'HTTP ' + options['http'] if options['http'] else 'in process'}); Ctrl-C stops."
        )
        try:
            self._live(live, devices, options["http"], options["duration"])
        except KeyboardInterrupt:
            pass
        finally:
            if responder is not None:
                responder.stop()
            if options["truth"]:
                live.end = max(timezone.now(), live.start + dt.timedelta(seconds=1))
                truth["live"] = live.truth()
                with open(options["truth"], "w", encoding="utf-8") as out:
                    json.dump(truth, out, ensure_ascii=False, indent=1)
                self.stdout.write(f"Ground truth written to {options['truth']}")

    def _instruments(self, count: int) -> list[Instrument]:
        """Instruments that already have a simulated device first (the demo's), then published ones by id."""
        simulated = list(
            Instrument.objects.filter(
                pk__in=Device.objects.filter(uid__startswith="sim-").values("instrument")
            ).order_by("pk")[:count]
        )
        more = count - len(simulated)
        if more > 0:
            simulated += list(
                Instrument.objects.filter(registration_status=RegistrationStatus.PUBLISHED)
                .exclude(pk__in=[i.pk for i in simulated])
                .order_by("pk")[:more]
            )
        return simulated

    def _send(self, scenario, devices, url, until) -> None:
        if url is None:
            totals = simulation.feed(scenario, devices, now=until)
            self.stdout.write(f"  accepted {totals['accepted']}, duplicates {totals['duplicates']}")
            return
        for device in devices:
            for body in simulation.messages(scenario, device, until=until):
                answer = simulation.post(url, device, body)
                if "error" in answer:
                    self.stderr.write(f"  {device.uid}: {answer['error']}")

    def _responder(self):
        try:
            responder = CommandResponder(settings.YIQI_MQTT_URL).start()
        except (OSError, TimeoutError):
            self.stdout.write("No MQTT broker: interlock commands are not answered.")
            return None
        self.stdout.write("Answering interlock commands over MQTT.")
        return responder

    def _live(self, scenario, devices, url, duration) -> None:
        started = time.monotonic()
        next_times = {
            device.uid: scenario.start + dt.timedelta(seconds=scenario.offset(device.index))
            for device in devices
        }
        step = dt.timedelta(seconds=scenario.period)
        while not duration or time.monotonic() - started < duration:
            now = timezone.now()
            for device in devices:
                samples = []
                while next_times[device.uid] <= now:
                    samples.append(scenario.sample(device.index, next_times[device.uid]))
                    next_times[device.uid] += step
                if samples:
                    self._deliver(scenario, device, samples, url, now)
            time.sleep(min(1.0, scenario.period / 2))

    def _deliver(self, scenario, device, samples, url, now) -> None:
        body = json.dumps({"samples": samples}).encode()
        if url:
            answer = simulation.post(url, device, body)
            if "error" in answer:
                self.stderr.write(f"{device.uid}: {answer['error']}")
            return
        simulation.deliver(device, body, now=now)
