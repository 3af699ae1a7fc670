"""Instrument list page and API list with two filters: median and p95 server time, SQLite and PostgreSQL.

    python bench/list_latency.py            # 16,000 instruments, both databases
    python bench/list_latency.py --full     # 110,000 instruments (national scale)

Server time is measured in-process through Django's full request stack (middleware, views, templates,
serialisers, database), without network.
"""

import argparse
import json
import sys
import time

from common import prepare, run_child, summarise

REQUESTS = 60


def measure() -> None:
    """Child process: time requests against the database in DATABASE_URL."""
    from common import setup_django

    setup_django()
    from django.test import Client

    from yiqi.accounts.models import User
    from yiqi.registry.models import InstrumentCategory

    middle_classes = list(
        InstrumentCategory.objects.filter(code__endswith="00")
        .exclude(code__endswith="0000")
        .values_list("code", flat=True)
    )
    admin = User.objects.get(username="admin")
    cases = {
        "page, anonymous": ("anonymous", "/instruments/?category={c}&sharing_mode=external"),
        "page, platform admin": ("admin", "/instruments/?category={c}&status=published"),
        "api, anonymous": ("anonymous", "/api/v1/instruments/?category={c}&sharing_mode=external"),
        "api, platform admin": ("admin", "/api/v1/instruments/?category={c}&status=published"),
    }
    results = {}
    for label, (who, template) in cases.items():
        client = Client()
        if who == "admin":
            client.force_login(admin)
        client.get(template.format(c=middle_classes[0]))  # warm-up
        samples = []
        for i in range(REQUESTS):
            url = template.format(c=middle_classes[i % len(middle_classes)])
            started = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        results[label] = summarise(samples)
    print(json.dumps(results))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--full", action="store_true", help="110,000 instruments instead of 16,000")
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return measure()
    instruments = 110_000 if args.full else 16_000
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    print(f"instrument list with two filters, {instruments} instruments, {REQUESTS} requests per case")
    for engine in engines:
        url = prepare(engine, instruments)
        results = json.loads(run_child(__file__, url, "--child"))
        for label, r in results.items():
            print(f"  {engine:8} {label:22} median {r['median_ms']:7.1f} ms   p95 {r['p95_ms']:7.1f} ms")


if __name__ == "__main__":
    sys.exit(main())
