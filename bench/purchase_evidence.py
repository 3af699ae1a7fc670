"""Duplicate-purchase evidence: the similar instruments of a planned purchase with last year's hours and the
rule's draft opinion (``yiqi.purchases.evidence.build``), and the labelled set's quality at that scale.

    python bench/purchase_evidence.py            # 16,000 instruments, SQLite
    python bench/purchase_evidence.py --full     # 110,000 instruments (national scale)

Times ``evidence.build`` in process (server time, no HTTP) for every planned purchase of the labelled set
(``yiqi/purchases/data/similar_cases.txt``), each filed by a different unit, after one warm-up that loads the
search cache (timed apart). Then recall@10 and precision@5 of the set, and the same without the class signal
(text and specifications only), to show what the text similarity carries by itself.
"""

import argparse
import json
import sys
import time

from common import manage, prepare, run_child, setup_django, summarise

ROUNDS = 3


def measure() -> None:
    setup_django()
    from yiqi.organizations.models import Organization
    from yiqi.purchases import evidence, quality
    from yiqi.purchases.models import PurchaseApplication, ReviewRules
    from yiqi.registry.models import Instrument, InstrumentCategory

    rules = ReviewRules.current()
    cases = quality.load_cases()
    units = list(Organization.objects.filter(is_management_unit=True).order_by("pk")[: len(cases)])
    categories = InstrumentCategory.objects.in_bulk([c.category for c in cases])

    def application(i, case):
        return PurchaseApplication(
            unit=units[i % len(units)],
            name=case.name,
            category=categories[case.category],
            functions=case.description,
            specifications=case.description,
        )

    started = time.perf_counter()
    evidence.build(application(0, cases[0]), rules)
    warm_ms = (time.perf_counter() - started) * 1000
    samples, similar_counts = [], []
    for _ in range(ROUNDS):
        for i, case in enumerate(cases):
            started = time.perf_counter()
            found = evidence.build(application(i, case), rules)
            samples.append((time.perf_counter() - started) * 1000)
            similar_counts.append(len(found["similar"]))
    report = quality.evaluate(cases)
    text_only = quality.evaluate([quality.PurchaseCase("", c.name, c.description, c.similar) for c in cases])
    print(
        json.dumps(
            {
                "instruments": Instrument.objects.count(),
                "first_call_ms": round(warm_ms, 1),
                "evidence": summarise(samples),
                "similar_rows_median": sorted(similar_counts)[len(similar_counts) // 2],
                "cases": report["cases"],
                "recall_at_10": round(report["recall_at_10"], 3),
                "precision_at_5": round(report["precision_at_5"], 3),
                "text_only_recall_at_10": round(text_only["recall_at_10"], 3),
                "text_only_precision_at_5": round(text_only["precision_at_5"], 3),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", action="store_true", help="110,000 instruments")
    parser.add_argument("--instruments", type=int)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        measure()
        return
    instruments = args.instruments or (110_000 if args.full else 16_000)
    url = prepare("sqlite", instruments)
    manage(url, "rebuild_search_index")
    print(f"sqlite, {instruments} instruments:")
    print(run_child("bench/purchase_evidence.py", url, "--child"))


if __name__ == "__main__":
    sys.exit(main())
