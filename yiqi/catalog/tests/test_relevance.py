"""The relevance test set on a demo province: recall@10 and MRR must stay above a floor.

``manage.py search_relevance`` prints the same numbers for any database (e.g. the 16,000-instrument demo).
"""

from io import StringIO

import pytest
from django.core.management import call_command

from yiqi.catalog.indexing import rebuild_index
from yiqi.catalog.relevance import CASES, evaluate

pytestmark = pytest.mark.django_db

RECALL_FLOOR = 0.9
MRR_FLOOR = 0.8


def test_the_set_is_large_and_varied():
    assert len(CASES) >= 80
    kinds = {case.kind for case in CASES}
    assert {"chinese", "partial", "pinyin", "initials", "abbreviation", "english", "typo"} <= kinds


@pytest.mark.parametrize("seed", [2026])
def test_recall_and_mrr_on_the_demo_province(seed, capsys):
    call_command("demo_data", instruments=2000, units=60, seed=seed, stdout=StringIO())
    rebuild_index()
    report = evaluate()
    with capsys.disabled():
        print(
            f"\nsearch relevance, demo seed {seed}: {report['queries']} queries, "
            f"recall@10 {report['recall_at_k']:.3f}, MRR {report['mrr']:.3f}"
        )
    assert report["queries"] >= 80, report["skipped"]
    weakest = sorted(report["rows"], key=lambda r: r["recall"] + r["rr"])[:5]
    assert report["recall_at_k"] >= RECALL_FLOOR, weakest
    assert report["mrr"] >= MRR_FLOOR, weakest
    for kind, numbers in report["by_kind"].items():
        assert numbers["recall"] >= 0.75, (kind, numbers)
