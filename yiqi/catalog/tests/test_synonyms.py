"""The synonym and abbreviation dictionary: large, and every entry names kinds of instrument that exist."""

import pytest

from yiqi.catalog import text
from yiqi.catalog.models import Synonym
from yiqi.catalog.synonyms import SynonymTable, shipped_entries
from yiqi.registry.categories import leaf_codes
from yiqi.registry.models import InstrumentCategory

pytestmark = pytest.mark.django_db


def test_the_shipped_dictionary_has_at_least_500_entries_in_chinese_and_english():
    entries = shipped_entries()
    assert len(entries) >= 500
    words = [w for e in entries for w in text.split_synonym_list(e.words)]
    assert sum(text.has_cjk(w) for w in words) >= 1000
    assert sum(not text.has_cjk(w) for w in words) >= 1000


def test_every_entry_resolves_to_at_least_one_class_of_the_tree():
    known = set(InstrumentCategory.objects.values_list("code", flat=True))
    for entry in shipped_entries():
        codes = entry.categories.split()
        assert codes, entry.words
        assert set(codes) <= known, (entry.words, set(codes) - known)


def test_the_table_the_authority_edits_holds_the_shipped_entries_with_their_classes():
    rows = dict(Synonym.objects.values_list("words", "categories"))
    for entry in shipped_entries():
        assert rows.get(entry.words) == entry.categories


def test_every_small_class_name_names_its_class():
    table = SynonymTable.load()
    names = dict(InstrumentCategory.objects.values_list("code", "name"))
    for code in leaf_codes():
        if names[code] != "其他":
            assert code in table.kinds_of(names[code]), (code, names[code])


def test_queries_resolve_to_the_classes_they_name():
    table = SynonymTable.load()
    assert table.kinds_of("扫描电镜") == {"010102"}
    assert table.kinds_of("SEM") == {"010102"}
    assert table.kinds_of("icp-oes") == {"010405"}
    assert table.kinds_of("Flow Cytometers") == {"011012"}
    assert table.kinds_of("盖革计数器") == frozenset()


def test_an_entry_with_an_unknown_class_is_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        Synonym(words="量子计算机, quantum computer", categories="159999").full_clean()
    assert "categories" in error.value.message_dict
