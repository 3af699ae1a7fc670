"""The labelled set of planned purchases and how well the evidence finds what a reviewer would call similar.

Each case (``data/similar_cases.txt``) is a planned purchase — intended class, name, functions and key
specifications — and the kinds of registered instrument that could meet the same need (canonical names or class
codes), written from instrument knowledge. Against a province, ``evaluate()`` reports per case and on average:

* recall@10: the similar instruments among the first 10, over the similar instruments there are (at most 10 —
  a province with 60 FE-SEMs cannot show them all in 10 rows);
* precision@5: the share of the first 5 that are similar.

Cases whose kinds the province does not hold are counted apart (nothing to find).
"""

import statistics
from dataclasses import dataclass
from pathlib import Path

from yiqi.catalog.relevance import Case
from yiqi.catalog.similar import similar_instruments
from yiqi.registry.models import Instrument, RegistrationStatus

CASES_FILE = Path(__file__).parent / "data" / "similar_cases.txt"


@dataclass(frozen=True)
class PurchaseCase:
    category: str
    name: str
    description: str
    similar: Case  # which registered instruments count as similar

    def is_similar(self, category: str, name: str) -> bool:
        return self.similar.answers(category, name)


def load_cases(path=CASES_FILE) -> list[PurchaseCase]:
    cases = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        planned, answers = (part.strip() for part in line.split("||", 1))
        category, name, description = (part.strip() for part in planned.split("|", 2))
        words = answers.split()
        codes = tuple(w for w in words if w.isdigit() and len(w) == 6)
        names = tuple(w for w in words if w not in codes)
        cases.append(PurchaseCase(category, name, description, Case(name, "purchase", codes, names)))
    return cases


def evaluate(cases: list[PurchaseCase] | None = None, province: str = "") -> dict:
    cases = load_cases() if cases is None else cases
    published = list(
        Instrument.objects.filter(registration_status=RegistrationStatus.PUBLISHED).values_list(
            "pk", "category_id", "name"
        )
    )
    kinds = {pk: (category, name) for pk, category, name in published}
    rows, empty = [], []
    for case in cases:
        relevant = sum(case.is_similar(*kind) for kind in kinds.values())
        if not relevant:
            empty.append(case.name)
            continue
        found = similar_instruments(
            f"{case.name} {case.description}", category_code=case.category, specifications=case.description,
            province=province, limit=10,
        )  # fmt: skip
        right = [case.is_similar(*kinds[s.instrument_id]) for s in found if s.instrument_id in kinds]
        top5 = right[:5]
        rows.append(
            {
                "case": case.name,
                "relevant": relevant,
                "recall_at_10": sum(right[:10]) / min(10, relevant),
                "precision_at_5": sum(top5) / len(top5) if top5 else 0.0,
            }
        )
    return {
        "cases": len(rows),
        "without_similar": empty,
        "recall_at_10": statistics.fmean(r["recall_at_10"] for r in rows) if rows else 0.0,
        "precision_at_5": statistics.fmean(r["precision_at_5"] for r in rows) if rows else 0.0,
        "rows": rows,
    }
