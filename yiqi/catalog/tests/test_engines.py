"""SQLite and PostgreSQL give the same results: scores are integers computed in Python from the same
postings, so the expected values below hold on both (the suite runs on each engine in CI)."""

import pytest

from yiqi.catalog.search import search

pytestmark = pytest.mark.django_db

QUERIES = ["质谱", "显微镜", "zpy", "SEM", "microscpe", "宝鸡 质谱", "射线", ""]


def fingerprint(catalogue) -> dict:
    key = {instrument.pk: name for name, instrument in catalogue.items()}
    out = {}
    for text in QUERIES:
        result = search(text, filters={"top_class": "010000"})
        out[text] = [[key[hit.id], hit.score] for hit in result.hits]
        out[text + " facets"] = {
            f: [[v, n] for v, _, n in values] for f, values in result.facets.items() if f != "unit"
        }
    return out


EXPECTED = {
    "质谱": [["lcms", 4000000006045600], ["icpms", 4000000005992800]],
    "质谱 facets": {
        "top_class": [["010000", 2]],
        "middle_class": [["010200", 2]],
        "city": [["610300", 2]],
        "unit_kind": [["research_institute", 2]],
        "value_band": [["50-200", 1], ["200-500", 1]],
        "service_mode": [["self_operation", 1], ["commissioned_testing", 2]],
        "sharing_mode": [["external", 1], ["internal", 1]],
        "operating_status": [["normal", 2]],
        "free_this_week": [],
        "domestic": [],
    },
    "显微镜": [["sem", 4000000004769600], ["tem", 4000000004769600]],
    "显微镜 facets": {
        "top_class": [["010000", 2]],
        "middle_class": [["010100", 2]],
        "city": [["610100", 2]],
        "unit_kind": [["university", 2]],
        "value_band": [["200-500", 1], ["ge500", 1]],
        "service_mode": [["commissioned_testing", 2]],
        "sharing_mode": [["external", 2]],
        "operating_status": [["normal", 2]],
        "free_this_week": [],
        "domestic": [],
    },
    "zpy": [["icpms", 4000000005093880], ["lcms", 4000000004231920]],
    "zpy facets": {
        "top_class": [["010000", 2]],
        "middle_class": [["010200", 2]],
        "city": [["610300", 2]],
        "unit_kind": [["research_institute", 2]],
        "value_band": [["50-200", 1], ["200-500", 1]],
        "service_mode": [["self_operation", 1], ["commissioned_testing", 2]],
        "sharing_mode": [["external", 1], ["internal", 1]],
        "operating_status": [["normal", 2]],
        "free_this_week": [],
        "domestic": [],
    },
    "SEM": [["sem", 4000000007033400]],
    "SEM facets": {
        "top_class": [["010000", 1]],
        "middle_class": [["010100", 1]],
        "city": [["610100", 1]],
        "unit_kind": [["university", 1]],
        "value_band": [["200-500", 1]],
        "service_mode": [["commissioned_testing", 1]],
        "sharing_mode": [["external", 1]],
        "operating_status": [["normal", 1]],
        "free_this_week": [],
        "domestic": [],
    },
    "microscpe": [["sem", 4000000002623280], ["tem", 4000000002623280]],
    "microscpe facets": {
        "top_class": [["010000", 2]],
        "middle_class": [["010100", 2]],
        "city": [["610100", 2]],
        "unit_kind": [["university", 2]],
        "value_band": [["200-500", 1], ["ge500", 1]],
        "service_mode": [["commissioned_testing", 2]],
        "sharing_mode": [["external", 2]],
        "operating_status": [["normal", 2]],
        "free_this_week": [],
        "domestic": [],
    },
    "宝鸡 质谱": [["lcms", 4000000008043200], ["icpms", 4000000007990400]],
    "宝鸡 质谱 facets": {
        "top_class": [["010000", 2]],
        "middle_class": [["010200", 2]],
        "city": [["610300", 2]],
        "unit_kind": [["research_institute", 2]],
        "value_band": [["50-200", 1], ["200-500", 1]],
        "service_mode": [["self_operation", 1], ["commissioned_testing", 2]],
        "sharing_mode": [["external", 1], ["internal", 1]],
        "operating_status": [["normal", 2]],
        "free_this_week": [],
        "domestic": [],
    },
    "射线": [["xrd", 1000000009910700]],
    "射线 facets": {
        "top_class": [["010000", 1]],
        "middle_class": [["010300", 1]],
        "city": [["610100", 1]],
        "unit_kind": [["university", 1]],
        "value_band": [["lt50", 1]],
        "service_mode": [["commissioned_testing", 1]],
        "sharing_mode": [["external", 1]],
        "operating_status": [["under_repair", 1]],
        "free_this_week": [],
        "domestic": [],
    },
    "": [["sem", 0], ["tem", 0], ["lcms", 0], ["xrd", 0], ["icpms", 0]],
    " facets": {
        "top_class": [["010000", 5]],
        "middle_class": [["010100", 2], ["010200", 2], ["010300", 1]],
        "city": [["610100", 3], ["610300", 2]],
        "unit_kind": [["university", 3], ["research_institute", 2]],
        "value_band": [["lt50", 1], ["50-200", 1], ["200-500", 2], ["ge500", 1]],
        "service_mode": [["self_operation", 1], ["commissioned_testing", 5]],
        "sharing_mode": [["external", 4], ["internal", 1]],
        "operating_status": [["normal", 4], ["under_repair", 1]],
        "free_this_week": [],
        "domestic": [],
    },
}


def test_same_results_on_every_engine(catalogue):
    assert fingerprint(catalogue) == EXPECTED
