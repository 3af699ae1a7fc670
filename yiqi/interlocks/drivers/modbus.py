"""A Modbus-TCP relay (pymodbus): one coil switches the instrument's power; on = unlocked.

A relay knows nothing of users or times: the platform's schedule (auto-off) is what turns it off again.
"""

import datetime as dt
from dataclasses import dataclass

from pymodbus.client import ModbusTcpClient
from pymodbus.exceptions import ModbusException

from . import LOCKED, UNLOCKED, Ack, Driver


@dataclass
class ModbusRelayDriver(Driver):
    host: str
    port: int = 502
    device_id: int = 1
    coil: int = 0
    timeout: float = 3.0

    def _call(self, write: bool | None) -> Ack:
        client = ModbusTcpClient(self.host, port=self.port, timeout=self.timeout, retries=1)
        try:
            if not client.connect():
                return Ack(ok=False, error=f"cannot connect to {self.host}:{self.port}")
            if write is not None:
                answer = client.write_coil(self.coil, write, device_id=self.device_id)
                if answer.isError():
                    return Ack(ok=False, error=f"relay refused the write: {answer}")
            answer = client.read_coils(self.coil, count=1, device_id=self.device_id)
            if answer.isError():
                return Ack(ok=False, error=f"relay refused the read: {answer}")
            state = UNLOCKED if answer.bits[0] else LOCKED
            if write is not None and (state == UNLOCKED) != write:
                return Ack(ok=False, state=state, error="relay did not switch")
            return Ack(ok=True, state=state)
        except (ModbusException, OSError) as error:
            return Ack(ok=False, error=str(error))
        finally:
            client.close()

    def lock(self, *, reason: str = "") -> Ack:
        return self._call(False)

    def unlock(self, *, user: str, until: dt.datetime, reason: str = "") -> Ack:
        return self._call(True)

    def status(self) -> Ack:
        return self._call(None)
