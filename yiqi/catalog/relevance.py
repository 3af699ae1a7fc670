"""The relevance test set of the catalogue search and its metrics.

Each case (``data/relevance_cases.txt``) is a query and the instrument *kinds* that answer it — classification
codes or canonical names — written from instrument knowledge, so a hit is right when it is an instrument of that
kind, whatever words it shares with the query. ``evaluate()`` runs every case against the current index and
reports, overall and by query kind: success@10 (the top 10 hold a right-kind hit), precision@10 (the share of
right-kind hits in the top 10) and MRR (reciprocal rank of the first right-kind hit). ``manage.py
search_relevance`` prints them; the suite keeps floors under them on the demo province.
"""

import statistics
from collections.abc import Callable
from dataclasses import dataclass

from .search import search
from .text import DATA_DIR

CASES_FILE = DATA_DIR / "relevance_cases.txt"


@dataclass(frozen=True)
class Case:
    query: str
    kind: str  # chinese, partial, pinyin, initials, abbreviation, english, typo, model, function, multiword
    codes: tuple[str, ...]  # classification codes: 6 digits; "xxxx00" a middle class, "xx0000" a top class
    names: tuple[str, ...]  # canonical instrument names

    def answers(self, category: str, name: str) -> bool:
        """Is an instrument of this class and name one of the kinds the query asks for?"""
        if name in self.names:
            return True
        for code in self.codes:
            if code.endswith("0000") and code != "990000":
                matched = category[:2] == code[:2]
            elif code.endswith("00") and code != "990000":
                matched = category[:4] == code[:4]
            else:
                matched = category == code
            if matched:
                return True
        return False


def load_cases(path=CASES_FILE) -> list[Case]:
    cases, kind = [], ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if "|" not in line:
            kind = line
            continue
        query, answers = (part.strip() for part in line.split("|", 1))
        words = answers.split()
        codes = tuple(w for w in words if w.isdigit() and len(w) == 6)
        cases.append(Case(query, kind, codes, tuple(w for w in words if w not in codes)))
    return cases


CASES = load_cases()


def evaluate(cases=CASES, k: int = 10, run: Callable | None = None) -> dict:
    """success@k, precision@k and MRR over the cases, overall and by query kind.

    ``run(query, k)`` returns the top hits as ``(category code, name)`` pairs; by default the catalogue search.
    """
    run = run or _catalogue_hits
    rows = []
    for case in cases:
        hits = run(case.query, k)[:k]
        right = [case.answers(category, name) for category, name in hits]
        first = next((rank for rank, ok in enumerate(right, 1) if ok), None)
        rows.append(
            {
                "query": case.query,
                "kind": case.kind,
                "hits": len(hits),
                "success": 1.0 if first else 0.0,
                "precision": sum(right) / len(hits) if hits else 0.0,
                "rr": 1 / first if first else 0.0,
            }
        )
    return {"queries": len(rows), **_means(rows), "by_kind": _by_kind(rows), "rows": rows}


def _means(rows: list[dict]) -> dict:
    return {
        metric: statistics.fmean(r[metric] for r in rows) if rows else 0.0
        for metric in ("success", "precision", "rr")
    }


def _by_kind(rows: list[dict]) -> dict:
    kinds = dict.fromkeys(r["kind"] for r in rows)
    return {
        kind: {
            "queries": sum(r["kind"] == kind for r in rows),
            **_means([r for r in rows if r["kind"] == kind]),
        }
        for kind in kinds
    }


def _catalogue_hits(query: str, k: int) -> list[tuple[str, str]]:
    return [(hit.instrument.category_id, hit.instrument.name) for hit in search(query, page_size=k).hits]


def report_lines(report: dict, worst: int = 10) -> list[str]:
    """The report as text: overall, by query kind, and the weakest queries."""
    lines = [
        f"{report['queries']} queries: success@10 {report['success']:.3f}, precision@10 "
        f"{report['precision']:.3f}, MRR {report['rr']:.3f}"
    ]
    for kind, numbers in report["by_kind"].items():
        lines.append(
            f"  {kind:13} {numbers['queries']:3} queries  success@10 {numbers['success']:.3f}  "
            f"precision@10 {numbers['precision']:.3f}  MRR {numbers['rr']:.3f}"
        )
    weakest = sorted(report["rows"], key=lambda r: (r["success"] + r["precision"] + r["rr"], r["query"]))
    for row in weakest[:worst]:
        lines.append(
            f"  weakest: {row['query']!r:34} precision {row['precision']:.2f}  rr {row['rr']:.2f}"
            f"  ({row['hits']} hits)"
        )
    return lines
