from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.catalog.cache import DocumentCache, documents
from yiqi.catalog.indexing import current_postings, rebuild_index, reindex_instruments
from yiqi.catalog.models import IndexChange, SearchDocument, SearchPosting, SearchTerm
from yiqi.catalog.search import search
from yiqi.registry import services
from yiqi.registry.models import Instrument, RegistrationStatus

from .conftest import as_if_committed, published

pytestmark = pytest.mark.django_db


def index_state():
    """Postings by term text as searches see them, and each term's document frequency."""
    df = {t: n for t, n in SearchTerm.objects.filter(df__gt=0).values_list("text", "df")}
    return current_postings(), df


def test_reindex_picks_up_a_change_at_once(catalogue):
    sem = catalogue["sem"]
    Instrument.objects.filter(pk=sem.pk).update(name="超高分辨冷场发射扫描电镜")
    reindex_instruments([sem.pk])
    assert sem.pk in search("冷场发射").ids
    Instrument.objects.filter(pk=sem.pk).update(name="台式扫描电镜")
    reindex_instruments([sem.pk])
    assert sem.pk not in search("冷场发射").ids
    assert sem.pk in search("台式").ids


def test_unpublished_records_leave_the_index(catalogue):
    lcms = catalogue["lcms"]
    Instrument.objects.filter(pk=lcms.pk).update(registration_status=RegistrationStatus.RETURNED)
    reindex_instruments([lcms.pk])
    assert lcms.pk not in search("质谱").ids
    assert search("").total == 4
    assert not SearchDocument.objects.filter(pk=lcms.pk).exists()
    assert not SearchPosting.objects.filter(doc=lcms.pk).exists()


def test_hits_never_show_records_unpublished_since_indexing(catalogue):
    lcms = catalogue["lcms"]
    Instrument.objects.filter(pk=lcms.pk).update(registration_status=RegistrationStatus.RETURNED)
    assert lcms.pk not in search("液相色谱-质谱联用仪").ids  # not yet reindexed: still filtered out


def test_incremental_updates_match_a_full_build(catalogue):
    sem, xrd, draft = catalogue["sem"], catalogue["xrd"], catalogue["draft"]
    Instrument.objects.filter(pk=sem.pk).update(main_functions="高分辨形貌观察与电子背散射衍射（EBSD）分析")
    Instrument.objects.filter(pk=xrd.pk).update(registration_status=RegistrationStatus.DRAFT)
    Instrument.objects.filter(pk=draft.pk).update(
        registration_status=RegistrationStatus.PUBLISHED, published_at=timezone.now()
    )
    reindex_instruments([sem.pk, xrd.pk, draft.pk, 999_999])
    incremental = index_state()
    rebuild_index()
    assert index_state() == incremental


def test_document_frequencies_are_kept(catalogue):
    Instrument.objects.filter(pk=catalogue["tem"].pk).update(main_functions="纳米材料高分辨成像")
    reindex_instruments([catalogue["tem"].pk])
    postings, df = index_state()
    assert df == {term: len(docs) for term, docs in postings.items()}


def test_saving_reindexes_on_commit(catalogue, django_capture_on_commit_callbacks):
    xrd = catalogue["xrd"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        xrd.name = "多晶X射线粉末衍射仪"
        xrd.save()
        xrd.main_functions = "粉末衍射物相分析"
        xrd.save()
    keys = [getattr(callback, "__self__", None) and callback.__self__.key for callback in callbacks]
    assert keys.count("catalog") == 1  # one reindex per transaction (other apps may react to the save too)
    assert xrd.pk in search("粉末衍射").ids


def test_workflow_approval_publishes_into_the_search(world, django_capture_on_commit_callbacks):
    rebuild_index()
    as_if_committed()
    instrument = world.draft_a
    Instrument.objects.filter(pk=instrument.pk).update(
        registration_status=RegistrationStatus.AWAITING_AUTHORITY
    )
    admin = world.users["platform_admin"]
    assert instrument.pk not in search("A单位草稿").ids
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(instrument.pk, "approve", access=access_for(admin), user=admin)
    assert search("A单位草稿").ids == [instrument.pk]


def test_deleting_and_renaming_the_unit(catalogue, django_capture_on_commit_callbacks):
    icpms = catalogue["icpms"]
    unit = icpms.unit
    with django_capture_on_commit_callbacks(execute=True):
        unit.name = "秦岭同位素分析研究院"
        unit.save()
    assert icpms.pk in search("秦岭同位素").ids
    with django_capture_on_commit_callbacks(execute=True):
        icpms.delete()
    assert icpms.pk not in search("").ids


def test_rebuild_command(catalogue):
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "5 documents" in out.getvalue()
    assert search("").total == 5


def test_other_processes_catch_up_through_the_change_log(catalogue):
    other = DocumentCache()
    other.sync()
    assert len(other.slot) == 5
    new = published("原子力显微镜", unit=catalogue["sem"].unit)
    reindex_instruments([new.pk])
    other.sync()
    assert new.pk in other.slot and len(other.slot) == 6
    Instrument.objects.filter(pk=new.pk).update(registration_status=RegistrationStatus.DRAFT)
    reindex_instruments([new.pk])
    other.sync()
    assert new.pk not in other.slot and len(other.slot) == 5
    rebuild_index()
    other.sync()
    assert len(other.slot) == 5 and other.version > 1


def test_out_of_order_change_ids_are_not_missed(catalogue):
    other = DocumentCache()
    other.sync()
    late = published("原子力显微镜", unit=catalogue["sem"].unit)
    reindex_instruments([late.pk])
    newest = IndexChange.objects.order_by("-id").first().id
    # Simulate a commit that arrives late: a lower id becomes visible after a higher one was seen.
    IndexChange.objects.filter(id=newest).delete()
    IndexChange.objects.create(id=newest + 5, instrument_id=catalogue["tem"].pk)
    other.sync()
    assert late.pk not in other.slot
    IndexChange.objects.create(id=newest, instrument_id=late.pk)
    other.sync()
    assert late.pk in other.slot


def test_a_changed_synonym_applies_to_the_next_search(catalogue):
    from yiqi.catalog.models import Synonym

    assert catalogue["sem"].pk not in search("场扫").ids
    Synonym.objects.create(words="场扫, 场发射扫描电子显微镜")
    assert catalogue["sem"].pk in search("场扫").ids
    Synonym.objects.filter(words__startswith="场扫").update(enabled=False)
    IndexChange.objects.create(instrument_id=IndexChange.SYNONYMS)
    assert catalogue["sem"].pk not in search("场扫").ids


def test_shared_cache_is_reset_between_tests():
    assert documents.loaded is False


def test_a_spreadsheet_import_is_indexed(catalogue, django_capture_on_commit_callbacks):
    from yiqi.registry.signals import instruments_bulk_changed

    Instrument.objects.filter(pk=catalogue["xrd"].pk).update(name="高温原位X射线衍射仪")
    with django_capture_on_commit_callbacks(execute=True):
        instruments_bulk_changed.send(sender=Instrument, ids=[catalogue["xrd"].pk])
    assert search("高温原位").ids == [catalogue["xrd"].pk]


def test_a_new_worker_has_the_index_loaded_before_its_first_search(catalogue, monkeypatch):
    """gunicorn warms each worker (``core.warmup``), so the first visitor's search does not load the index."""
    from yiqi.catalog import search as search_module
    from yiqi.core import warmup

    fresh = DocumentCache()
    monkeypatch.setattr(search_module, "documents", fresh)
    warmup.run()
    assert len(fresh.slot) == 5 and fresh.synonyms is not None
