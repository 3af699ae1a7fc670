import pytest

from yiqi.catalog.search import search

pytestmark = pytest.mark.django_db


def names(result):
    return [hit.instrument.name for hit in result.hits]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("扫描电子显微镜", "sem"),  # a word
        ("电子显微镜", "sem"),
        ("显微镜", "tem"),  # a sub-word
        ("质谱", "lcms"),  # partial name: 液相色谱-质谱联用仪
        ("质谱", "icpms"),
        ("色谱", "lcms"),
        ("联用仪", "lcms"),
        ("衍射仪", "xrd"),
        ("X射线", "xrd"),
        ("zhipu", "icpms"),  # pinyin
        ("zhipuyi", "icpms"),
        ("zpy", "icpms"),  # initials
        ("yansheyi", "xrd"),
        ("SEM", "sem"),  # abbreviations and synonyms
        ("扫描电镜", "sem"),
        ("TEM", "tem"),
        ("透射电镜", "tem"),
        ("LC-MS", "lcms"),
        ("lcms", "lcms"),
        ("液质", "lcms"),
        ("ICP-MS", "icpms"),
        ("XRD", "xrd"),
        ("电镜", "sem"),
        ("scanning electron microscope", "sem"),  # English
        ("microscopes", "tem"),
        ("diffractometer", "xrd"),
        ("microscpe", "sem"),  # typos
        ("difractometer", "xrd"),
        ("spectrometr", "icpms"),
        ("JEM-F200", "tem"),  # model
        ("沃特世", "lcms"),  # manufacturer
        ("宝鸡测试研究院", "icpms"),  # unit
        ("材料分析测试中心", "sem"),  # sub-unit
        ("有机质谱仪", "lcms"),  # category
        ("痕量元素", "icpms"),  # functions
        ("三重四极杆", "lcms"),  # indicators
    ],
)
def test_finds(catalogue, query, expected):
    result = search(query)
    assert catalogue[expected].pk in result.ids, (query, names(result), result.query_terms)


def test_best_match_first(catalogue):
    assert search("场发射扫描电子显微镜").hits[0].id == catalogue["sem"].pk
    assert search("质谱仪").hits[0].id == catalogue["icpms"].pk
    assert search("液相色谱-质谱联用仪").hits[0].id == catalogue["lcms"].pk
    assert search("transmission electron microscope").hits[0].id == catalogue["tem"].pk


def test_unpublished_never_found(catalogue):
    result = search("扫描电子显微镜草稿")
    assert catalogue["draft"].pk not in result.ids
    assert catalogue["draft"].pk not in search("").ids


def test_several_words_must_all_match(catalogue):
    result = search("质谱 宝鸡")
    assert set(result.ids) == {catalogue["lcms"].pk, catalogue["icpms"].pk}
    assert search("质谱 液相").ids == [catalogue["lcms"].pk]


def test_correction_is_reported(catalogue):
    result = search("microscpe")
    assert result.corrections == {"microscpe": "microscope"}
    assert result.suggestions[0].kind == "spelling"


def test_highlights(catalogue):
    hit = next(h for h in search("质谱").hits if h.id == catalogue["lcms"].pk)
    assert hit.highlights["name"] == "液相色谱-<mark>质谱</mark>联用仪"
    assert hit.spans["name"] == [(5, 7)]
    hit = search("<b>SEM</b>").hits[0]
    assert "<b>" not in hit.highlights["name"]


def test_hits_carry_what_a_result_list_shows(catalogue, django_assert_num_queries):
    hits = search("质谱").hits
    with django_assert_num_queries(0):
        for hit in hits:
            assert hit.instrument.name and hit.instrument.unit.name and hit.instrument.category.name
            assert hit.instrument.original_value and hit.instrument.get_sharing_mode_display()
            assert hit.score > 0 and set(hit.highlights) == {
                "name",
                "name_en",
                "model_spec",
                "main_functions",
            }
