import pytest
from django.utils import translation

from yiqi.catalog.search import FACETS, search

pytestmark = pytest.mark.django_db


def counts(result, facet):
    return {value: count for value, _, count in result.facets[facet]}


def test_browse_lists_every_published_record_with_facets(catalogue):
    result = search("")
    assert result.total == 5
    assert set(result.facets) == set(FACETS)
    assert counts(result, "top_class") == {"010000": 5}
    assert counts(result, "middle_class") == {"010100": 2, "010200": 2, "010300": 1}
    assert counts(result, "city") == {"610100": 3, "610300": 2}
    assert counts(result, "value_band") == {"lt50": 1, "50-200": 1, "200-500": 2, "ge500": 1}
    assert counts(result, "sharing_mode") == {"external": 4, "internal": 1}
    assert counts(result, "operating_status") == {"normal": 4, "under_repair": 1}
    assert counts(result, "service_mode") == {"self_operation": 1, "commissioned_testing": 5}
    assert counts(result, "unit_kind") == {"university": 3, "research_institute": 2}
    labels = {value: label for value, label, _ in result.facets["city"]}
    assert labels == {"610100": "西安市", "610300": "宝鸡市"}
    assert {label for _, label, _ in result.facets["middle_class"]} == {
        "电子光学仪器",
        "质谱仪器",
        "X射线仪器",
    }
    unit_labels = {label for _, label, _ in result.facets["unit"]}
    assert unit_labels == {"西北测试大学", "宝鸡测试研究院"}


def test_counts_follow_the_query(catalogue):
    result = search("质谱")
    assert result.total == 2
    assert counts(result, "city") == {"610300": 2}
    assert counts(result, "sharing_mode") == {"external": 1, "internal": 1}


def test_filters_and_disjunctive_counts(catalogue):
    result = search("", filters={"city": "610100", "sharing_mode": ["external"]})
    assert result.total == 3
    # A facet's counts ignore its own filter, so the other values stay visible with their counts.
    assert counts(result, "city") == {"610100": 3, "610300": 1}
    assert counts(result, "sharing_mode") == {"external": 3}
    assert counts(result, "operating_status") == {"normal": 2, "under_repair": 1}
    both = search("显微镜", filters={"middle_class": "010100", "value_band": ["200-500", "ge500"]})
    assert sorted(both.ids) == sorted([catalogue["sem"].pk, catalogue["tem"].pk])


def test_filters_by_any_level_of_category_and_region(catalogue):
    assert search("", filters={"category": "010200"}).total == 2
    assert search("", filters={"category": "010000"}).total == 5
    assert search("", filters={"category": "010301"}).ids == [catalogue["xrd"].pk]
    assert search("", filters={"region": "610000"}).total == 5
    assert search("", filters={"region": "610302"}).total == 2
    unit = catalogue["lcms"].unit_id
    assert search("", filters={"unit": str(unit)}).total == 2
    assert search("", filters={"service_mode": "self_operation"}).ids == [catalogue["lcms"].pk]


def test_unknown_filters_and_values_give_ordinary_results(catalogue):
    assert search("", filters={"colour": "red"}).total == 5
    assert search("", filters={"city": "999999"}).total == 0
    assert search("", filters={"unit": "abc"}).total == 0
    assert search("", filters={"sharing_mode": ["external", "nonsense"]}).total == 4
    assert search("", filters="city=610100").total == 5
    assert search("", filters={"city": [None, ""]}).total == 5


def test_zero_results_suggest_dropping_filters(catalogue):
    result = search("质谱", filters={"city": "610100"})
    assert result.total == 0
    suggestion = next(s for s in result.suggestions if s.kind == "drop_filters")
    assert suggestion.total == 2 and suggestion.filters == {}
    result = search("质谱", filters={"city": "610100", "sharing_mode": "internal"})
    single = next(s for s in result.suggestions if s.kind == "drop_filter")
    assert single.filters == {"sharing_mode": ["internal"]} and single.total == 1
    assert single.label == "去掉“所在城市”筛选后有 1 台仪器"
    with translation.override("en"):
        result = search("质谱", filters={"city": "610100", "sharing_mode": "internal"})
    single = next(s for s in result.suggestions if s.kind == "drop_filter")
    assert single.label == "1 instruments without the “City” filter"


def test_sorting(catalogue):
    by_value = search("", sort="value").ids
    assert by_value[0] == catalogue["tem"].pk
    assert by_value[-1] == catalogue["xrd"].pk
    newest = search("", sort="newest")
    assert len(newest.ids) == 5
    assert search("显微镜", sort="value").ids == [catalogue["tem"].pk, catalogue["sem"].pk]


def test_relevance_ties_prefer_open_working_newer_records(catalogue):
    result = search("")
    ranked = result.ids
    # The internal-only and the under-repair records come last among equals.
    assert set(ranked[-2:]) == {catalogue["icpms"].pk, catalogue["xrd"].pk}
    assert ranked[-1] == catalogue["icpms"].pk  # sharing mode weighs before operating status


def test_paging(catalogue):
    first = search("", page_size=2)
    second = search("", page_size=2, page=2)
    third = search("", page_size=2, page=3)
    assert first.pages == 3
    assert len(first.ids) == len(second.ids) == 2 and len(third.ids) == 1
    assert len(set(first.ids + second.ids + third.ids)) == 5
    assert search("", page=99).ids == []
    assert search("", page="x", page_size="y").page_size == 20
