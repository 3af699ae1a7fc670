"""The MQTT ingestion worker (``manage.py ingest_telemetry``).

paho's network thread only puts each message on a queue (``on_message``). One writer thread takes what is waiting
(up to ``batch_messages``), checks each message with the same ``ingest.check_message`` as the HTTP door, limits the
rate per device over the whole batch (one count per device, not per message), writes the lot in one transaction
(``ingest.write_batch``) and only then acknowledges the messages (QoS 1, ``manual_ack``).
If the database is gone the writer keeps the batch, acknowledges nothing, reconnects with back-off and writes it when
the database is back; the broker holds what the worker has not acknowledged (up to its in-flight window) and resends
it after a reconnection (persistent session), so an acknowledged sample is always committed and a resent one counts
once (ON CONFLICT).

The in-flight window (MQTT 5 Receive Maximum) is the largest MQTT allows: a broker keeps only so many messages
queued per session beyond it (Mosquitto's ``max_queued_messages``, 1000 by default) and silently drops QoS 1
messages past that. With a window of 1000 a burst of more than ~2000 messages ahead of the writer lost the rest;
with 65535 the worker holds the backlog itself (memory: the messages' bytes) and the broker drops nothing while the
worker is connected.

Several workers share the stream through the shared subscription ``$share/<group>/yiqi/telemetry/+/+``.
"""

import logging
import queue
import threading
import uuid
from dataclasses import dataclass
from urllib.parse import urlparse

import paho.mqtt.client as mqtt
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, close_old_connections, connection
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from .ingest import Checked, DeviceDirectory, RateLimiter, check_message, write_batch
from .models import RejectionReason

log = logging.getLogger(__name__)

TOPIC = "yiqi/telemetry/+/+"
RECEIVE_MAXIMUM = 65535  # MQTT 5's largest in-flight window (see above)


@dataclass
class Message:
    topic: str
    payload: bytes
    mid: int
    qos: int


def parse_topic(topic: str) -> tuple[int | None, str]:
    """``yiqi/telemetry/<unit_id>/<device_uid>`` -> (unit id, uid); (None, "") when it is not such a topic."""
    parts = topic.split("/")
    if len(parts) != 4 or parts[:2] != ["yiqi", "telemetry"] or not parts[2].isdigit():
        return None, ""
    return int(parts[2]), parts[3]


@dataclass
class Stats:
    messages: int = 0
    inserted: int = 0
    duplicates: int = 0
    rejected: int = 0
    batches: int = 0
    retries: int = 0
    held: int = (
        0  # received but not written when the worker stopped (unacknowledged: the broker resends them)
    )


class IngestWorker:
    def __init__(
        self,
        *,
        url: str | None = None,
        group: str | None = None,
        client_id: str | None = None,
        batch_messages: int = 500,
        receive_maximum: int = RECEIVE_MAXIMUM,
        device_ttl: float = 10.0,
    ):
        self.url = urlparse(url or settings.YIQI_MQTT_URL)
        self.group = group or settings.YIQI_MQTT_SHARE_GROUP
        self.client_id = client_id or f"yiqi-ingest-{uuid.uuid4().hex[:8]}"
        self.batch_messages = batch_messages
        self.receive_maximum = receive_maximum
        self.inbox: queue.Queue[Message] = queue.Queue()
        self.directory = DeviceDirectory(ttl=device_ttl)
        self.limiter = RateLimiter()
        self.stats = Stats()
        self.stopping = threading.Event()
        self.subscribed = threading.Event()
        self.client = self._client()

    # --- MQTT side (paho's thread) --------------------------------------------------------------------------------

    def _client(self) -> mqtt.Client:
        client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2,
            client_id=self.client_id,
            protocol=mqtt.MQTTv5,
            manual_ack=True,
        )
        if self.url.username:
            client.username_pw_set(self.url.username, self.url.password)
        if self.url.scheme == "mqtts":
            client.tls_set()
        client.on_connect = self._on_connect
        client.on_message = self._on_message
        client.on_subscribe = self._on_subscribe
        client.on_disconnect = self._on_disconnect
        client.reconnect_delay_set(1, 30)
        return client

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            log.warning("MQTT connection refused: %s", reason_code)
            return
        client.subscribe(f"$share/{self.group}/{TOPIC}", qos=1)

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties):
        # Ready only once the broker confirmed: a message published before that reaches no worker.
        if all(not code.is_failure for code in reason_codes):
            self.subscribed.set()
        else:
            log.warning("MQTT subscription refused: %s", reason_codes)

    def _on_disconnect(self, client, userdata, flags, reason_code, properties):
        if not self.stopping.is_set():
            log.warning("MQTT connection lost (%s), reconnecting", reason_code)

    def _on_message(self, client, userdata, message):
        self.inbox.put(Message(message.topic, message.payload, message.mid, message.qos))

    def connect(self) -> None:
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = (
            3600  # unacknowledged messages wait an hour for this worker to return
        )
        properties.ReceiveMaximum = self.receive_maximum
        self.client.connect(
            self.url.hostname or "127.0.0.1",
            self.url.port or (8883 if self.url.scheme == "mqtts" else 1883),
            keepalive=30,
            clean_start=False,
            properties=properties,
        )
        self.client.loop_start()

    # --- writer side ----------------------------------------------------------------------------------------------

    def _take(self, wait: float) -> list[Message]:
        try:
            batch = [self.inbox.get(timeout=wait)]
        except queue.Empty:
            return []
        while len(batch) < self.batch_messages:
            try:
                batch.append(self.inbox.get_nowait())
            except queue.Empty:
                break
        return batch

    def _check(self, message: Message) -> Checked:
        unit_id, uid = parse_topic(message.topic)
        try:
            if unit_id is None:
                return Checked(claimed_uid=uid).refuse(RejectionReason.UNKNOWN_DEVICE)
            return check_message(
                uid, message.payload, directory=self.directory, limiter=None, unit_id=unit_id
            )
        except DatabaseError:
            raise
        except Exception:  # a message must never stop the worker
            log.exception("telemetry message could not be checked")
            return Checked(claimed_uid=uid[:64]).refuse(RejectionReason.MALFORMED)

    def _write(self, batch: list[Message]) -> None:
        """Check and write ``batch`` until it is committed, then acknowledge it."""
        delay = 0.5
        while True:
            try:
                self.directory.load(parse_topic(message.topic)[1] for message in batch)
                checked = [self._check(message) for message in batch]
                self.limiter.limit(checked)
                result = write_batch(checked)
                break
            except (OperationalError, InterfaceError, DatabaseError) as error:
                self.stats.retries += 1
                log.warning("database unavailable, holding %d messages: %s", len(batch), error)
                try:
                    connection.close()
                except Exception:  # the connection may be half-dead
                    log.debug("closing a broken connection failed", exc_info=True)
                if self.stopping.wait(delay):
                    raise
                delay = min(delay * 2, 10.0)
        for message in batch:
            self.client.ack(message.mid, message.qos)
        self.stats.messages += len(batch)
        self.stats.batches += 1
        self.stats.inserted += result.inserted
        self.stats.duplicates += result.duplicates
        self.stats.rejected += sum(sum(c.rejected.values()) for c in checked)

    def run(self, *, until=None) -> Stats:
        """Write batches until stopped (or ``until()`` is true)."""
        self.connect()
        try:
            while not self.stopping.is_set() and not (until and until()):
                batch = self._take(0.2)
                if batch:
                    self._write(batch)
                else:
                    close_old_connections()
        finally:
            self.stats.held = self.inbox.qsize()
            self.client.loop_stop()
            self.client.disconnect()
            connection.close()  # this thread's own connection
        return self.stats

    def stop(self) -> None:
        self.stopping.set()
