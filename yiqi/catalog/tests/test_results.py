"""What a person scans: the kind asked for first, identical instruments collapsed, variety across units, ties
broken by free slots and distance, sort by rating, the free-slots facet, labels in the reader's language."""

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from yiqi.booking.tests.factories import BookingFactory, bookable_instrument, local
from yiqi.catalog.availability import refresh_free_slots
from yiqi.catalog.indexing import rebuild_index
from yiqi.catalog.models import IndexChange, SearchDocument
from yiqi.catalog.search import search
from yiqi.organizations.tests.factories import OrganizationFactory, RegionFactory

from .conftest import as_if_committed, published

pytestmark = pytest.mark.django_db


def indexed():
    rebuild_index()
    as_if_committed()


def test_the_kind_asked_for_beats_a_record_that_only_mentions_it():
    geo = published(
        "核磁共振岩心分析仪",
        category_id="060608",
        main_functions="核磁共振 核磁共振弛豫 核磁共振T2谱 核磁共振孔隙度测定，核磁共振成像。",
    )
    nmr = published("核磁共振波谱仪（400 MHz）", category_id="010601", name_en="NMR Spectrometer, 400 MHz")
    indexed()
    assert search("核磁共振").ids == [nmr.pk, geo.pk]
    assert search("NMR").ids[0] == nmr.pk
    assert search("核磁共振").kinds == ["010601"]


def test_a_sparse_exact_name_beats_a_verbose_record_that_repeats_the_words():
    verbose = published(
        "蛋白质组学质谱服务单元",
        category_id="010201",
        main_functions="质谱仪 质谱仪 质谱仪：多台高分辨质谱仪组成，质谱仪集中管理，质谱仪统一预约。",
        application_fields="质谱仪；质谱仪；质谱仪",
    )
    exact = published(
        "气相色谱-质谱联用仪", category_id="010201", name_en="Gas Chromatograph-Mass Spectrometer"
    )
    indexed()
    assert search("mass spectrometer").ids == [exact.pk, verbose.pk]
    assert search("GC-MS").ids[0] == exact.pk


def test_the_exact_kind_ranks_above_its_sub_kinds_unless_they_are_asked_for():
    sub_kind = published("单晶X射线衍射仪", category_id="010301")
    exact = published("X射线衍射仪", category_id="010301")
    indexed()
    assert search("X射线衍射仪").ids == [exact.pk, sub_kind.pk]
    assert search("单晶衍射").ids[0] == sub_kind.pk


def test_an_acronym_spelled_out_by_the_english_name_finds_the_record():
    dls = published("纳米粒度分析仪", name_en="Dynamic Light Scattering Particle Sizer", category_id="020502")
    sims = published(
        "飞行时间二次离子质谱仪",
        name_en="Time-of-Flight Secondary Ion Mass Spectrometer",
        category_id="010202",
    )
    sem = published(
        "热场发射扫描电镜", name_en="Field Emission Scanning Electron Microscope", model_spec="SU8600"
    )
    indexed()
    assert search("DLS").ids == [dls.pk]
    assert search("TOF-SIMS").ids == [sims.pk]
    assert search("SU").ids == [sem.pk]  # the model family


def test_identical_instruments_at_one_unit_collapse_and_units_alternate():
    busy = OrganizationFactory(name="多台大学")
    others = [OrganizationFactory(name=f"单台研究所{n}") for n in range(2)]
    three = [
        published("流式细胞仪", unit=busy, model_spec="CytoFLEX", category_id="011012") for _ in range(3)
    ]
    other_model = published("流式细胞仪", unit=busy, model_spec="FACSCelesta", category_id="011012")
    singles = [published("流式细胞仪", unit=o, model_spec="NovoCyte", category_id="011012") for o in others]
    indexed()
    result = search("流式细胞仪")
    assert result.total == 4 and result.instruments == 6
    copies = {hit.id: hit.copies for hit in result.hits}
    assert sum(copies.values()) == 6
    assert len({*copies} & {i.pk for i in three}) == 1 and copies[other_model.pk] == 1
    units = [hit.instrument.unit_id for hit in result.hits]
    assert set(units[:3]) == {busy.pk, *(o.pk for o in others)}, "every unit once before a unit's second"
    assert {i.pk for i in singles} <= set(result.ids[:3])


def test_ties_go_to_free_slots_then_to_the_users_city():
    xian = RegionFactory(code="610113", name="雁塔区", parent=RegionFactory(code="610100", name="西安市"))
    baoji = RegionFactory(code="610302", name="渭滨区", parent=RegionFactory(code="610300", name="宝鸡市"))
    near = published("离心机", unit=OrganizationFactory(region=xian), model_spec="A")
    far = published("离心机", unit=OrganizationFactory(region=baoji), model_spec="B")
    free = bookable_instrument(published("离心机", unit=OrganizationFactory(region=baoji), model_spec="C"))
    indexed()
    refresh_free_slots(local(2026, 3, 2, 9))  # a Monday
    as_if_committed()
    assert search("离心机", near="610113").ids == [free.pk, near.pk, far.pk]
    assert search("离心机", near="610302").ids[:1] == [free.pk]
    assert search("离心机", near="610302").ids[1] == far.pk


def test_the_free_slots_facet_follows_the_booking_calendar():
    open_ = bookable_instrument(
        published("流变仪", model_spec="MCR 302"), weekdays=[0], hours=(9 * 60, 11 * 60)
    )
    published("流变仪", model_spec="DHR-2")
    indexed()
    monday = local(2026, 3, 2, 7)
    assert refresh_free_slots(monday) == 1
    assert SearchDocument.objects.get(pk=open_.pk).free_minutes == 120
    result = search("流变仪", filters={"free_this_week": "yes"})
    assert result.ids == [open_.pk]
    assert [(v.value, v.count) for v in search("流变仪").facets["free_this_week"]] == [("yes", 1)]
    BookingFactory(instrument=open_, starts_at=local(2026, 3, 2, 9), ends_at=local(2026, 3, 2, 11))
    assert refresh_free_slots(monday) == 1
    assert search("流变仪", filters={"free_this_week": "yes"}).ids == []


def test_sort_by_rating_puts_the_better_rated_first_and_unrated_between():
    poor = published("硬度计", model_spec="A")
    good = published("硬度计", model_spec="B")
    unrated = published("硬度计", model_spec="C")
    indexed()
    SearchDocument.objects.filter(pk=poor.pk).update(quality=300)
    SearchDocument.objects.filter(pk=good.pk).update(quality=800)
    IndexChange.objects.create(instrument_id=IndexChange.RELOAD_ALL)
    assert search("硬度计", sort="rating").ids == [good.pk, unrated.pk, poor.pk]
    assert search("", sort="rating").ids == [good.pk, unrated.pk, poor.pk]


def test_facet_labels_follow_the_language_of_each_request():
    published("示波器", sharing_mode="external")
    indexed()
    with translation.override("en"):
        english = {v.value: v.label for v in search("").facets["sharing_mode"]}
    chinese = {v.value: v.label for v in search("").facets["sharing_mode"]}
    assert english["external"] != chinese["external"]
    with translation.override("en"):
        assert {v.value: v.label for v in search("").facets["sharing_mode"]} == english


def test_a_search_costs_the_same_queries_for_many_records_as_for_few():
    for n in range(3):
        published(f"示波器{n}", model_spec=str(n))
    indexed()
    search("")

    def count(query):
        with CaptureQueriesContext(connection) as queries:
            search(query)
        return len(queries)

    few = count("示波器")
    for n in range(3, 9):
        published(f"示波器{n}", model_spec=str(n))
    indexed()
    search("")
    assert count("示波器") == few


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_searches_run_in_parallel_threads_without_a_shared_lock():
    published("扫描电子显微镜", category_id="010102")
    indexed()
    search("SEM")
    results, errors = [], []

    def work():
        try:
            for _ in range(5):
                results.append(search("SEM").total)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and results == [1] * 20
