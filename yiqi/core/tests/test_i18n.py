"""Both languages, everywhere: the catalogues are complete and compiled, every msgid in the code is in one of them,
and no Chinese text reaches a page without passing through gettext. Failures list file:line and the string."""

import shutil

import pytest

from . import i18n_audit as audit

# Files and gettext's tools (msgfmt, makemessages over the whole tree), no database: once, in the SQLite pass.
pytestmark = pytest.mark.sqlite_once


def _report(findings: list[str], what: str) -> str:
    return f"{len(findings)} {what}:\n" + "\n".join(findings)


def test_no_catalogue_entry_is_empty_or_fuzzy():
    assert audit.catalogues(), "no .po catalogue found"
    holes = audit.catalogue_holes()
    assert not holes, _report(holes, "catalogue entries without a usable English translation")


def test_no_msgid_carries_both_languages():
    found = audit.bilingual_msgids()
    assert not found, _report(
        found, "msgids with the English inside (msgid in Chinese, the English in msgstr)"
    )


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="gettext's msgfmt is not installed")
def test_every_compiled_catalogue_matches_its_po():
    stale = audit.stale_compiled_catalogues()
    assert not stale, _report(stale, "compiled catalogues out of date")


@pytest.mark.skipif(not shutil.which("xgettext"), reason="gettext's xgettext is not installed")
def test_every_msgid_in_code_and_templates_is_in_a_catalogue():
    missing = audit.missing_msgids()
    assert not missing, _report(
        missing, "msgids in no catalogue (add them to the owning app's .po, then msgfmt)"
    )


def test_no_chinese_string_in_python_outside_gettext():
    found = audit.chinese_outside_gettext_in_python()
    assert not found, _report(
        found, "Chinese strings outside gettext (wrap them, or allow-list data with a reason)"
    )


def test_no_chinese_text_in_templates_outside_translate():
    found = audit.chinese_outside_gettext_in_templates()
    assert not found, _report(found, "Chinese template texts outside {% translate %} / {% blocktranslate %}")


# The checks themselves: each finds what it is there to find.


def test_the_python_check_sees_bare_chinese_but_not_gettext_docstrings_or_api_documentation():
    source = '''
"""模块说明"""
from django.utils.translation import gettext as _
A = _("已翻译")
B = "未翻译"
C = f"前缀{A}"
D = extend_schema(summary="接口说明")
E = Column("field", "列名", _("说明"))
def f():
    """函数说明"""
    return ngettext("一个", "多个", 2)
'''
    assert audit.chinese_outside_gettext_in(source) == [(5, "未翻译"), (6, "前缀")]


def test_the_template_check_sees_text_outside_translate_tags():
    source = """{% load i18n %}{# 注释 #}
<h1>{% translate "标题" %}</h1>
<p>{% blocktranslate with n=3 %}共 {{ n }} 台{% endblocktranslate %}</p>
{% include "x.html" with empty_text=_("暂无") %}
<p>未翻译的文字</p>
{{ value|default:"无" }}
"""
    assert audit.chinese_outside_gettext_in_template(source) == [
        (5, "<p>未翻译的文字</p>"),
        (6, 'value|default:"无"'),
    ]


def test_the_catalogue_checks_see_holes_and_stale_compilations(tmp_path, monkeypatch):
    folder = tmp_path / "yiqi" / "x" / "locale" / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / "django.po"
    po.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "有译文"\nmsgstr "Translated"\n\n'
        'msgid "无译文"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "存疑"\nmsgstr "Doubtful"\n\n'
        'msgid "代码应为 6 位（GB/T 2260）。The region code must be 6 digits."\nmsgstr "The region code must be 6 digits."\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(audit, "ROOT", tmp_path)
    monkeypatch.setattr(audit, "PACKAGE", tmp_path / "yiqi")
    holes = audit.catalogue_holes()
    assert [hole.split(": ", 1)[1] for hole in holes] == [
        "no translation for '无译文'",
        "fuzzy translation of '存疑'",
    ]
    assert [found.split(": ", 1)[1] for found in audit.bilingual_msgids()] == [
        "both languages in one msgid '代码应为 6 位（GB/T 2260）。The region code must be 6 digits.'"
    ]
    assert audit.stale_compiled_catalogues() == [
        "yiqi/x/locale/en/LC_MESSAGES/django.mo: missing (run msgfmt -o django.mo django.po)"
    ]
    (folder / "django.mo").write_bytes(b"")
    assert audit.stale_compiled_catalogues() == [
        "yiqi/x/locale/en/LC_MESSAGES/django.mo: differs from its .po (run msgfmt -o django.mo django.po)"
    ]
