import pytest

from yiqi.catalog.query import MAX_CLAUSES, MAX_TERMS
from yiqi.catalog.search import search

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    [
        "质谱" * 1000,  # 2,000 characters
        "x" * 10_000,
        "电镜 " * 700,
        "!!!???。。。，，，",
        "' OR 1=1 --",
        '"; DROP TABLE catalog_searchterm; --',
        "%_%",
        "<script>alert('x')</script>",
        "\x00\x01\x7f",
        "😀🔬🧪",
        "ＳＥＭ",  # full width
        "   ",
        "a b c d e f g h i j k l m n o p q r s t u v w x y z",
        " ".join(f"词{i}" for i in range(200)),
        " ".join(["microscope", "质谱", "zhipu", "lcms", "SEM", "红外", "xrd", "icp-ms", "拉曼", "nmr"] * 5),
    ],
)
def test_bad_input_gives_ordinary_results(catalogue, query):
    result = search(query)
    assert result.total >= 0
    assert len(result.hits) <= 20
    for hit in result.hits:
        assert "<script>" not in hit.highlights["name"]


@pytest.mark.parametrize("value", [None, 42, ["质谱"], {"q": 1}])
def test_non_text_queries_browse(catalogue, value):
    assert search(value).total == 5


def test_sql_like_text_is_only_text(catalogue):
    assert search("' OR 1=1 --").total in (0, 5)  # punctuation and stop words: nothing to search, or browse
    assert search("x' OR 'a'='a").total == 0
    assert search("%").total == 5  # nothing searchable: the whole catalogue


def test_script_is_escaped_in_highlights(catalogue):
    from yiqi.catalog.highlight import highlight

    marked, spans = highlight("<script>质谱</script>", ["质谱"])
    assert marked == "&lt;script&gt;<mark>质谱</mark>&lt;/script&gt;"
    assert spans == [(8, 10)]


def test_terms_per_query_are_capped(catalogue):
    from yiqi.catalog import query as q
    from yiqi.catalog.synonyms import SynonymTable

    words = " ".join(["microscope", "质谱", "lcms", "SEM", "红外", "xrd", "拉曼", "nmr", "衍射", "色谱"] * 3)
    units = q.units_of(words)
    vocab = q.candidate_strings(units, SynonymTable.load())[0]
    clauses, _ = q.build_clauses(units, vocab, SynonymTable.load(), {}, {})
    assert len(clauses) <= MAX_CLAUSES
    assert sum(len(a.terms) for c in clauses for a in c.alternatives) <= MAX_TERMS + 10


def test_bad_sort_and_paging_fall_back(catalogue):
    result = search("质谱", sort="'; DROP", page=-3, page_size=10**9)
    assert (result.sort, result.page, result.page_size) == ("relevance", 1, 100)
    assert result.total == 2


def test_unknown_words_are_reported_and_left_out(catalogue):
    result = search("质谱 火星车")
    assert result.total == 2 and result.ignored == ["火星车"]
    assert any(s.kind == "drop_words" for s in result.suggestions)
    nothing = search("火星车")
    assert nothing.total == 0 and nothing.hits == []
