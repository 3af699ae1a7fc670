"""The relevance test set on the 16,000-instrument demo province: the floors of issue 11.

The province (units, people and instruments; no service activity, which search does not read) is built once
for this module inside a transaction that is rolled back afterwards. ``manage.py search_relevance`` prints the
same report for any database.
"""

import pytest
from django.db import transaction

from yiqi.catalog.cache import documents
from yiqi.catalog.relevance import CASES, evaluate, report_lines

PROVINCE_INSTRUMENTS = 16_000
SUCCESS_FLOOR = 0.97
PRECISION_FLOOR = 0.85
MRR_FLOOR = 0.90
KINDS = {"chinese", "partial", "pinyin", "initials", "abbreviation", "english", "typo", "model", "function"}


@pytest.fixture(scope="module")
def province(django_db_setup, django_db_blocker):
    from yiqi.demo.builder import BuildOptions, DemoBuilder

    with django_db_blocker.unblock(), transaction.atomic():
        builder = DemoBuilder(BuildOptions(instruments=PROVINCE_INSTRUMENTS))
        builder.build(activity=False)
        yield builder.counts
        transaction.set_rollback(True)
    documents.loaded = False


def test_the_set_is_large_and_covers_every_kind_of_query():
    assert len(CASES) >= 150
    assert {case.kind for case in CASES} >= KINDS
    assert all(case.codes or case.names for case in CASES)


@pytest.mark.django_db
def test_right_kind_of_instrument_on_the_demo_province(province, capsys):
    report = evaluate()
    with capsys.disabled():
        print(f"\nsearch relevance on the demo province ({PROVINCE_INSTRUMENTS} instruments):")
        print("\n".join(report_lines(report, worst=5)))
    weakest = sorted(report["rows"], key=lambda r: r["success"] + r["precision"] + r["rr"])[:5]
    assert report["success"] >= SUCCESS_FLOOR, weakest
    assert report["precision"] >= PRECISION_FLOOR, weakest
    assert report["rr"] >= MRR_FLOOR, weakest
    for kind, numbers in report["by_kind"].items():
        assert numbers["success"] >= 0.9, (kind, numbers)
