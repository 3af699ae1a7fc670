"""The catalogue as a visitor uses it: the search page, shareable facet links, the API, the instrument page."""

import pytest
from django.urls import reverse

URL = "/catalog/"


def test_search_page_finds_published_instruments_with_highlighted_words(catalogue, client):
    page = client.get(URL, {"q": "电子显微镜"}).content.decode()
    assert "场发射扫描<mark>电子显微镜</mark>" in page
    assert "场发射透射<mark>电子显微镜</mark>" in page
    assert "扫描电子显微镜草稿" not in page


def test_facet_links_are_shareable_and_narrow_the_results(catalogue, client):
    response = client.get(URL, {"q": "质谱"})
    assert response.context["result"].total == 2
    assert "?q=%E8%B4%A8%E8%B0%B1&amp;sharing_mode=internal" in response.content.decode()
    narrowed = client.get(URL, {"q": "质谱", "sharing_mode": "internal"})
    assert [hit.instrument.name for hit in narrowed.context["result"].hits] == ["电感耦合等离子体质谱仪"]
    assert 'aria-current="true"' in narrowed.content.decode()


def test_zero_results_suggest_what_to_change(catalogue, client):
    response = client.get(URL, {"q": "质谱", "operating_status": "under_repair"})
    assert response.context["result"].total == 0
    page = response.content.decode()
    assert "没有找到符合条件的仪器" in page
    assert response.context["result"].suggestions, "dropping the filter is suggested"
    assert all(s.url.startswith("?") for s in response.context["result"].suggestions)


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 2000},
        {"q": "!!!???。。。"},
        {"q": "' OR 1=1 --"},
        {"q": "<script>alert(1)</script>"},
        {"unit": "not-a-unit", "city": "999999"},
        {"page": "99999999999"},
        {"page": "-3", "sort": "nonsense", "page_size": "100000"},
    ],
)
def test_bad_input_gives_a_normal_page(catalogue, client, params):
    response = client.get(URL, params)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    api = client.get("/api/v1/search/", params)
    assert api.status_code == 200


def test_api_has_the_same_results_facets_and_counts_as_the_page(catalogue, client):
    params = {"q": "质谱", "sharing_mode": "external"}
    page = client.get(URL, params).context["result"]
    body = client.get("/api/v1/search/", params).json()
    assert body["total"] == page.total == 1
    assert [r["id"] for r in body["results"]] == page.ids
    assert body["results"][0]["highlights"]["name"] == "液相色谱-<mark>质谱</mark>联用仪"
    assert {v["value"]: v["count"] for v in body["facets"]["sharing_mode"]["values"]} == {
        f.value: f.count for f in page.facets["sharing_mode"]
    }
    assert body["facets"]["sharing_mode"]["title"] == "共享方式"


def test_instrument_page_shows_related_instruments_and_a_printable_sheet(catalogue, client):
    sem = catalogue["sem"]
    page = client.get(reverse("registry:instrument_detail", args=[sem.pk])).content.decode()
    assert "本单位其他仪器" in page and catalogue["tem"].name in page
    assert catalogue["draft"].name not in page
    sheet = client.get(reverse("registry:instrument_sheet", args=[sem.pk]))
    assert sheet.status_code == 200 and sem.model_spec in sheet.content.decode()
    assert client.get(reverse("registry:instrument_sheet", args=[catalogue["draft"].pk])).status_code == 404


def test_home_page_searches_the_catalogue(catalogue, client):
    page = client.get(reverse("portal:home")).content.decode()
    assert f'action="{URL}"' in page
