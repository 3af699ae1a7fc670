"""The two drivers against real counterparts: pymodbus's own server as the relay, Mosquitto with a simulated
device answering commands (skipped when no broker listens)."""

import asyncio
import datetime as dt
import socket
import threading

import pytest
from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice

from yiqi.interlocks.drivers import LOCKED, UNLOCKED, AllowEntry
from yiqi.interlocks.drivers.modbus import ModbusRelayDriver
from yiqi.interlocks.drivers.mqtt import MqttDriver
from yiqi.interlocks.tests.helpers import BROKER_URL, broker_listening
from yiqi.monitoring.simulator import CommandResponder

UNTIL = dt.datetime(2026, 12, 7, 12, tzinfo=dt.UTC)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def relay():
    """A pymodbus TCP server holding 8 coils for device 1, all off; yields its port."""
    port, loop, holder, started = free_port(), asyncio.new_event_loop(), {}, threading.Event()
    device = SimDevice(
        1,
        simdata=(
            [SimData(0, count=8, values=False, datatype=DataType.BITS)],
            [SimData(0, count=1, values=False, datatype=DataType.BITS)],
            [SimData(0, count=1, values=0)],
            [SimData(0, count=1, values=0)],
        ),
    )

    async def serve():
        holder["server"] = ModbusTcpServer(device, address=("127.0.0.1", port))
        started.set()
        await holder["server"].serve_forever()

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    started.wait(5)
    for _ in range(100):  # serve_forever binds the port a moment after it is called
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            threading.Event().wait(0.05)
    yield port
    asyncio.run_coroutine_threadsafe(holder["server"].shutdown(), loop).result(5)
    thread.join(5)


def test_modbus_relay_switches_the_coil_and_reports_it(relay):
    driver = ModbusRelayDriver(host="127.0.0.1", port=relay, device_id=1, coil=3)
    assert driver.status().state == LOCKED
    answer = driver.unlock(user="zhang", until=UNTIL)
    assert (answer.ok, answer.state) == (True, UNLOCKED)
    assert driver.status().state == UNLOCKED
    assert ModbusRelayDriver(host="127.0.0.1", port=relay, coil=2).status().state == LOCKED  # its own coil
    answer = driver.lock()
    assert (answer.ok, answer.state) == (True, LOCKED)
    assert driver.status().state == LOCKED


def test_modbus_relay_out_of_reach_answers_not_ok_instead_of_raising():
    answer = ModbusRelayDriver(host="127.0.0.1", port=free_port(), timeout=0.5).unlock(
        user="zhang", until=UNTIL
    )
    assert not answer.ok and answer.error


def test_modbus_relay_refusing_an_address_is_not_ok(relay):
    answer = ModbusRelayDriver(host="127.0.0.1", port=relay, coil=500).unlock(user="zhang", until=UNTIL)
    assert not answer.ok and "refused" in answer.error


needs_broker = pytest.mark.skipif(not broker_listening(), reason="no MQTT broker at " + BROKER_URL)


@pytest.fixture
def responder():
    responder = CommandResponder(BROKER_URL).start()
    yield responder
    responder.stop()


@needs_broker
def test_mqtt_commands_are_acknowledged_by_the_device(responder):
    driver = MqttDriver(broker_url=BROKER_URL, unit_id=7, device_uid="sem-test-01", timeout=5)
    answer = driver.unlock(user="zhang", until=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
    assert (answer.ok, answer.state) == (True, UNLOCKED)
    assert answer.command_id
    assert responder.devices["sem-test-01"].user == "zhang"
    assert driver.status().state == UNLOCKED
    entry = AllowEntry("li", UNTIL, UNTIL + dt.timedelta(hours=2), booking=12)
    assert driver.push_allowlist([entry]).ok
    assert responder.devices["sem-test-01"].lets_in("li", UNTIL + dt.timedelta(minutes=5))
    assert not responder.devices["sem-test-01"].lets_in("zhang", UNTIL + dt.timedelta(minutes=5))
    assert driver.lock(reason="预约结束").state == LOCKED
    assert responder.devices["other-device"].locked  # nothing reached a device it was not meant for


@needs_broker
def test_mqtt_command_without_an_answer_times_out_not_ok():
    driver = MqttDriver(broker_url=BROKER_URL, unit_id=7, device_uid="nobody-listens", timeout=0.3)
    answer = driver.lock()
    assert not answer.ok and "no acknowledgement" in answer.error


def test_mqtt_broker_out_of_reach_answers_not_ok():
    driver = MqttDriver(
        broker_url=f"mqtt://127.0.0.1:{free_port()}", unit_id=7, device_uid="x-01", timeout=0.3
    )
    answer = driver.status()
    assert not answer.ok and "broker unreachable" in answer.error
