"""Migration in: a province's instruments as national JSON records → checked in full, then written; then the same
file again (idempotent: nothing changes).

    PYTHONPATH=. python bench/exchange_migration.py                 # 16,000 instruments (every 10th customs)
    PYTHONPATH=. python bench/exchange_migration.py --instruments 2000

A fresh SQLite database in /tmp (``yiqi_bench_migration.sqlite3``, deleted first). Prints records/s of checking
(JSON Schema, then the registry's row checks), of writing, and of the repeated import.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import exchange_export  # noqa: E402  (the same database set-up and one instrument to copy)

exchange_export.DB = Path("/tmp/yiqi_bench_migration.sqlite3")


def national_file(instruments: int, code: str) -> bytes:
    from yiqi.exchange import records
    from yiqi.exchange.services import outbox

    built = [b for b in records.instrument_records(outbox.unit_codes(), 2025) if b.record_type in (4, 5)]
    instrument = next(b.payload for b in built if b.record_type == 4)
    items = []
    for n in range(instruments):
        inner = f"MIG{n:07d}"
        items.append(
            {"instruType": 4, **instrument, "insCode": code, "innerId": inner, "cname": f"迁入仪器{n}"}
        )
        if n % 10 == 0:
            customs = {"innerId": inner, "insCode": code, "declarationNumber": f"5301{n:014d}",
                       "importDate": "2020-01-01", "itemNumber": "1", "formname": "仪器"}  # fmt: skip
            items.append({"instruType": 5, **customs})
    return json.dumps(items, ensure_ascii=False).encode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--instruments", type=int, default=16_000)
    options = parser.parse_args()
    exchange_export.setup()
    exchange_export.populate(1, 0)
    from yiqi.exchange.models import UnitCode
    from yiqi.exchange.services import migration
    from yiqi.organizations.tests.factories import OrganizationFactory
    from yiqi.registry.models import Instrument

    target = OrganizationFactory(name="迁入单位")
    UnitCode.objects.create(unit=target, code="e" * 32)
    data = national_file(options.instruments, "e" * 32)
    for attempt in ("first", "again"):
        started = time.perf_counter()
        plan = migration.plan_json(data, None, "bench.json")
        checked = time.perf_counter() - started
        assert plan.ok, plan.errors[:5]
        started = time.perf_counter()
        summary = migration.apply(plan)
        written = time.perf_counter() - started
        unit = summary["units"][0]
        print(
            f"{attempt}: {plan.records} records ({len(data) / 2**20:.1f} MiB) checked in {checked:.1f} s "
            f"({plan.records / checked:,.0f}/s), written in {written:.1f} s; created {unit['created']}, "
            f"updated {unit['updated']}, unchanged {unit['unchanged']}, customs {unit['customs']}; "
            f"load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    assert Instrument.objects.filter(unit=target).count() == options.instruments


if __name__ == "__main__":
    sys.exit(main())
