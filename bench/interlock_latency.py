"""Interlock command → acknowledged enable over the local MQTT broker, with a simulated device answering.

    python bench/interlock_latency.py            # 200 enables, one after another, then 50 in 10 parallel threads
    python bench/interlock_latency.py --full     # 2,000 and 500

Each enable is what ``yiqi.interlocks.services.enable`` sends: ``MqttDriver.unlock`` opens a connection, subscribes
to the device's acknowledgement topic, publishes the command (QoS 1) and waits for the answer with its id. The device
is ``yiqi.monitoring.simulator.CommandResponder``. Goal: p95 < 2 s. Needs Mosquitto (``YIQI_MQTT_URL``).
"""

import argparse
import datetime as dt
import json
import time
from concurrent.futures import ThreadPoolExecutor

from common import setup_django, summarise


def enable_once(driver_class, url: str, n: int) -> float:
    driver = driver_class(broker_url=url, unit_id=1, device_uid=f"bench-{n % 20:02d}", timeout=10)
    began = time.perf_counter()
    answer = driver.unlock(user="bench", until=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
    elapsed = (time.perf_counter() - began) * 1000
    if not (answer.ok and answer.state == "unlocked"):
        raise RuntimeError(f"enable not acknowledged: {answer}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true")
    options = parser.parse_args()
    setup_django()
    from django.conf import settings

    from yiqi.interlocks.drivers.mqtt import MqttDriver
    from yiqi.monitoring.simulator import CommandResponder

    url = settings.YIQI_MQTT_URL
    serial, parallel = (2000, 500) if options.full else (200, 50)
    responder = CommandResponder(url).start()
    try:
        one_by_one = [enable_once(MqttDriver, url, n) for n in range(serial)]
        with ThreadPoolExecutor(max_workers=10) as pool:
            concurrent = list(pool.map(lambda n: enable_once(MqttDriver, url, n), range(parallel)))
    finally:
        responder.stop()
    result = {
        "broker": url,
        "one_by_one": summarise(one_by_one),
        "ten_in_parallel": summarise(concurrent),
        "goal_p95_ms": 2000,
    }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
