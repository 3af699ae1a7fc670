import socket

from django.conf import settings

BROKER_URL = getattr(settings, "YIQI_MQTT_URL", "mqtt://127.0.0.1:1883")


def broker_listening() -> bool:
    from yiqi.interlocks.drivers.mqtt import broker_address

    host, port, *_ = broker_address(BROKER_URL)
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False
