"""Commands over MQTT (the contract in the monitoring README): publish to ``yiqi/cmd/<unit>/<device>`` with QoS 1,
wait for the device's answer with the same ``id`` on ``yiqi/ack/<unit>/<device>``.

Each command opens its own short connection: commands are rare (a few per booking), and a connection per command
keeps a web or task process free of a long-lived network thread. Locally a round trip takes milliseconds.
"""

import datetime as dt
import json
import threading
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt

from . import Ack, AllowEntry, Driver


def command_topic(unit_id, device_uid: str) -> str:
    return f"yiqi/cmd/{unit_id}/{device_uid}"


def ack_topic(unit_id, device_uid: str) -> str:
    return f"yiqi/ack/{unit_id}/{device_uid}"


def broker_address(url: str) -> tuple[str, int]:
    """(host, port) of an ``mqtt://`` or ``mqtts://`` (TLS) broker URL."""
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or (8883 if parts.scheme == "mqtts" else 1883)


def new_client(url: str, name: str) -> mqtt.Client:
    """A connected client (``mqtt[s]://[user:pass@]host[:port]``); its network loop is the caller's to start."""
    parts = urlsplit(url)
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=name, protocol=mqtt.MQTTv311)
    if parts.username:
        client.username_pw_set(parts.username, parts.password)
    if parts.scheme == "mqtts":
        client.tls_set()
    client.connect(*broker_address(url), keepalive=30)
    return client


@dataclass
class MqttDriver(Driver):
    broker_url: str
    unit_id: int
    device_uid: str
    timeout: float = 5.0

    def __post_init__(self):
        self.supports_allowlist = True

    def _command(self, payload: dict) -> Ack:
        command_id = str(uuid.uuid4())
        payload = {"id": command_id, **payload}
        subscribed, answered = threading.Event(), threading.Event()
        answer: dict = {}

        def on_message(client, userdata, message):
            try:
                data = json.loads(message.payload)
            except ValueError:
                return  # not an answer we can read; keep waiting for ours
            if isinstance(data, dict) and data.get("id") == command_id:
                answer.update(data)
                answered.set()

        try:
            client = new_client(self.broker_url, f"yiqi-cmd-{command_id[:13]}")
        except OSError as error:
            return Ack(ok=False, error=f"broker unreachable: {error}", command_id=command_id)
        client.on_subscribe = lambda *args: subscribed.set()
        client.on_message = on_message
        client.loop_start()
        try:
            client.subscribe(ack_topic(self.unit_id, self.device_uid), qos=1)
            if not subscribed.wait(self.timeout):
                return Ack(ok=False, error="broker did not confirm the subscription", command_id=command_id)
            client.publish(command_topic(self.unit_id, self.device_uid), json.dumps(payload), qos=1)
            if not answered.wait(self.timeout):
                return Ack(
                    ok=False, error=f"no acknowledgement within {self.timeout:g} s", command_id=command_id
                )
        finally:
            client.disconnect()
            client.loop_stop()
        return Ack(
            ok=answer.get("ok") is True,
            state=str(answer.get("state") or ""),
            error=str(answer.get("error") or ""),
            command_id=command_id,
        )

    def lock(self, *, reason: str = "") -> Ack:
        return self._command({"action": "lock", "reason": reason})

    def unlock(self, *, user: str, until: dt.datetime, reason: str = "") -> Ack:
        return self._command({"action": "unlock", "user": user, "until": until.isoformat(), "reason": reason})

    def status(self) -> Ack:
        return self._command({"action": "status"})

    def push_allowlist(self, entries: list[AllowEntry]) -> Ack:
        return self._command({"action": "allowlist", "entries": [entry.as_wire() for entry in entries]})
