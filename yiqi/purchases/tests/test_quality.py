"""The labelled planned purchases against a demo province: the evidence finds what a reviewer calls similar.

The province (units, people and instruments; no activity) is built once for this module inside a transaction that
is rolled back afterwards; ``bench/purchase_evidence.py`` prints the same figures with timings at full scale.
"""

import pytest
from django.db import transaction

from yiqi.catalog.cache import documents
from yiqi.purchases.quality import evaluate, load_cases

PROVINCE_INSTRUMENTS = 4_000
RECALL_FLOOR = 0.9
PRECISION_FLOOR = 0.8


@pytest.fixture(scope="module")
def province(django_db_setup, django_db_blocker):
    from yiqi.demo.builder import BuildOptions, DemoBuilder

    with django_db_blocker.unblock(), transaction.atomic():
        builder = DemoBuilder(BuildOptions(instruments=PROVINCE_INSTRUMENTS))
        builder.build(activity=False)
        documents.loaded = False
        yield builder.counts
        transaction.set_rollback(True)
    documents.loaded = False


def test_the_labelled_set_has_forty_planned_purchases_with_answers():
    cases = load_cases()
    assert len(cases) >= 40
    assert all(case.similar.codes or case.similar.names for case in cases)


@pytest.mark.django_db
def test_recall_and_precision_on_the_demo_province(province, capsys):
    report = evaluate()
    weakest = sorted(report["rows"], key=lambda r: r["recall_at_10"] + r["precision_at_5"])[:5]
    with capsys.disabled():
        print(
            f"\npurchase evidence on the demo province ({PROVINCE_INSTRUMENTS} instruments): {report['cases']} cases, "
            f"recall@10 {report['recall_at_10']:.3f}, precision@5 {report['precision_at_5']:.3f}; "
            f"without similar: {report['without_similar']}; weakest: {weakest}"
        )
    assert report["cases"] >= 40
    assert report["recall_at_10"] >= RECALL_FLOOR, weakest
    assert report["precision_at_5"] >= PRECISION_FLOOR, weakest
