"""What the i18n check (test_i18n.py) looks for: catalogues with holes, stale compiled catalogues, msgids the
catalogues lack, and Chinese text that never passes through gettext. Each finding is one line naming file:line and
the string, so that whoever merges new code sees at once what to translate or wrap.
"""

from __future__ import annotations

import ast
import re
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

import polib
from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "yiqi"
CHINESE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Four or more English words in a row: a sentence, not a unit or a code ("GB/T 2260", "API Token").
ENGLISH_SENTENCE = re.compile(r"[A-Za-z]+(?:[ '’]+[A-Za-z]+){3,}")

GETTEXT_FUNCTIONS = frozenset(
    {
        "_",
        "gettext",
        "gettext_lazy",
        "gettext_noop",
        "ngettext",
        "ngettext_lazy",
        "pgettext",
        "pgettext_lazy",
        "npgettext",
        "npgettext_lazy",
        "_lazy",
    }
)

# Python files (or folders) whose Chinese literals are data, not interface text. Keep it short; each says why.
ALLOWED_PYTHON = {
    "yiqi/demo/": "the demo province: names of people, units and instruments are sample data",
    "yiqi/evaluation/services/defaults.py": "the shipped evaluation schemes: indicator names are stored, editable data",
    "yiqi/catalog/text.py": "Chinese tokenisation: stop words and character classes are search data",
    "yiqi/catalog/relevance.py": "the search relevance benchmark: Chinese queries and the instruments they must find",
    "yiqi/catalog/synonyms.py": "search data: the generic class name every classification level uses",
    "yiqi/accounts/onboarding_import.py": (
        "the province set-up workbook's format: sheet names, column headers and their hints are matched on import"
        " and stay Chinese in every language, like the national instrument template"
    ),
    "yiqi/accounts/management/commands/create_authority.py": "operators' command-line help: example names typed as such",
    "yiqi/monitoring/simulation.py": "the device simulator's sample data (simulated users' names)",
    "yiqi/monitoring/api.py": "the telemetry door's OpenAPI description (API documentation, as with extend_schema)",
    "yiqi/exchange/mappings.py": "the national interface's text enumerations: wire values, Chinese in every language",
    "yiqi/exchange/services/receiving.py": "the receiving side (and the fake national endpoint) answers as the national platform does, in Chinese",
}
# Single literals that are data: (file, text) -> why.
ALLOWED_LITERALS = {
    ("yiqi/orders/services/submission.py", "是"): "a yes/no answer typed in Chinese is accepted as input",
    ("yiqi/orders/services/submission.py", "否"): "a yes/no answer typed in Chinese is accepted as input",
    (
        "yiqi/organizations/models.py",
        "科研设施与仪器开放共享平台",
    ): "the deployment's stored name (data, editable)",
    (
        "yiqi/organizations/models.py",
        "省科学技术厅",
    ): "the deployment's stored authority name (data, editable)",
    ("yiqi/accounts/onboarding_views.py", "省级平台初始化导入模板.xlsx"): "the set-up workbook's file name",
    ("yiqi/settings.py", "简体中文"): "a language's name in its own language, as the language menu shows it",
    **dict.fromkeys(
        [
            ("yiqi/registry/spreadsheets/columns.py", text)
            for text in ("填写说明", "代码表", "是", "否", "元")
        ],
        "the import file's format: sheet names and cells an import matches, Chinese in every language",
    ),
    (
        "yiqi/registry/spreadsheets/columns.py",
        r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$",
    ): "parses 2024年3月15日",
}
# Calls whose positional argument at this index is a format key, not text: the import file's column headers are
# its format (matched on import, Chinese in every language, like the national reporting form).
FORMAT_KEY_ARGUMENTS = {"Column": 1}
# The OpenAPI documentation (drf-spectacular) is written for the integrators of Chinese units' systems, in Chinese;
# its summaries and descriptions are not page text.
API_DOCUMENTATION_CALLS = frozenset(
    {"extend_schema", "extend_schema_view", "OpenApiResponse", "OpenApiParameter", "OpenApiExample"}
)
API_DOCUMENTATION_SETTINGS = frozenset({"SPECTACULAR_SETTINGS"})

# Template text that is the same in every language (none yet: a language's own name comes from language_name_local).
ALLOWED_TEMPLATE_TEXT: frozenset[str] = frozenset()


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def catalogues() -> list[Path]:
    return sorted(PACKAGE.glob("**/locale/*/LC_MESSAGES/django.po"))


# --- catalogues ---------------------------------------------------------------------------------------------------


def catalogue_holes() -> list[str]:
    """Entries with an empty or fuzzy translation (obsolete entries do not count: gettext ignores them)."""
    found = []
    for path in catalogues():
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
            if "fuzzy" in entry.flags:
                found.append(f"{_relative(path)}:{entry.linenum}: fuzzy translation of {entry.msgid!r}")
            elif not all(translations):
                found.append(f"{_relative(path)}:{entry.linenum}: no translation for {entry.msgid!r}")
    return found


def bilingual_msgids() -> list[str]:
    """A msgid holding a Chinese sentence and its English: English pages would show the Chinese and Chinese pages
    the English. The English belongs in the catalogue's msgstr."""
    return [
        f"{_relative(path)}:{entry.linenum}: both languages in one msgid {entry.msgid!r}"
        for path in catalogues()
        for entry in polib.pofile(str(path))
        if not entry.obsolete and CHINESE.search(entry.msgid) and ENGLISH_SENTENCE.search(entry.msgid)
    ]


def stale_compiled_catalogues() -> list[str]:
    """A .mo that is missing or is not what msgfmt makes of its .po today (compared by the messages it holds)."""
    found = []
    with tempfile.TemporaryDirectory() as scratch:
        for path in catalogues():
            compiled = path.with_suffix(".mo")
            if not compiled.exists():
                found.append(f"{_relative(compiled)}: missing (run msgfmt -o django.mo django.po)")
                continue
            fresh = Path(scratch) / "fresh.mo"
            subprocess.run(["msgfmt", "-o", str(fresh), str(path)], check=True, capture_output=True)
            if _messages(fresh) != _messages(compiled):
                found.append(
                    f"{_relative(compiled)}: differs from its .po (run msgfmt -o django.mo django.po)"
                )
    return found


def _messages(compiled: Path) -> dict | None:
    try:
        entries = polib.mofile(str(compiled))
    except (OSError, ValueError, struct.error):
        return None  # not a compiled catalogue at all
    return {(entry.msgctxt, entry.msgid): (entry.msgstr, entry.msgstr_plural) for entry in entries}


def translated_msgids() -> set[tuple[str | None, str]]:
    return {
        (entry.msgctxt, entry.msgid)
        for path in catalogues()
        for entry in polib.pofile(str(path))
        if not entry.obsolete
    }


def extracted_msgids() -> dict[tuple[str | None, str], str]:
    """Every msgid makemessages finds in the code and templates, with where it was first found: one makemessages
    run over a scratch copy of the sources (no tests, no migrations), each app's strings landing in its own copy."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "yiqi"
        shutil.copytree(
            PACKAGE,
            copy,
            ignore=shutil.ignore_patterns(
                "tests", "migrations", "locale", "__pycache__", "*.mo", "*.po", "data"
            ),
        )
        for app in [copy, *(p.parent for p in copy.glob("*/apps.py"))]:
            (app / "locale").mkdir(exist_ok=True)
        subprocess.run(
            [
                "django-admin" if shutil.which("django-admin") else str(Path(_venv_bin()) / "django-admin"),
                "makemessages",
                "--locale=en",
                "--no-wrap",
                "--no-obsolete",
                "--ignore=static/*",
            ],
            cwd=copy,
            check=True,
            capture_output=True,
            env=_settingsless_env(),
        )
        found = {}
        for path in copy.glob("**/locale/en/LC_MESSAGES/django.po"):
            for entry in polib.pofile(str(path)):
                where = entry.occurrences[0] if entry.occurrences else ("?", "")
                found.setdefault((entry.msgctxt, entry.msgid), f"yiqi/{where[0]}:{where[1]}")
    return found


def _venv_bin() -> str:
    import sys

    return str(Path(sys.executable).parent)


def _settingsless_env() -> dict:
    """makemessages needs no project settings; without them it does not look for LOCALE_PATHS elsewhere."""
    import os

    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env["PATH"] = f"{_venv_bin()}:{env.get('PATH', '')}"
    return env


def missing_msgids() -> list[str]:
    known = translated_msgids()
    return [
        f"{where}: {msgid!r} is in no catalogue" + (f" (context {context!r})" if context else "")
        for (context, msgid), where in sorted(extracted_msgids().items(), key=lambda item: item[1])
        if (context, msgid) not in known
    ]


# --- Chinese outside gettext -------------------------------------------------------------------------------------


def python_sources() -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.glob("**/*.py")
        if "tests" not in path.parts
        and "migrations" not in path.parts
        and path.name != "conftest.py"
        and not any(_relative(path).startswith(prefix) for prefix in ALLOWED_PYTHON)
    )


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def chinese_outside_gettext_in(source: str) -> list[tuple[int, str]]:
    """(line, text) of each Chinese string constant that is not an argument of a gettext call nor a docstring."""
    tree = ast.parse(source)
    exempt: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _call_name(node) in GETTEXT_FUNCTIONS:
            exempt.update(id(inner) for arg in node.args for inner in ast.walk(arg))
        elif isinstance(node, ast.Call) and len(node.args) > FORMAT_KEY_ARGUMENTS.get(_call_name(node), 99):
            exempt.add(id(node.args[FORMAT_KEY_ARGUMENTS[_call_name(node)]]))
        elif isinstance(node, ast.Call) and _call_name(node) in API_DOCUMENTATION_CALLS:
            exempt.update(id(inner) for inner in ast.walk(node))
        elif isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id in API_DOCUMENTATION_SETTINGS
            for target in node.targets
        ):
            exempt.update(id(inner) for inner in ast.walk(node.value))
        elif isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                exempt.add(id(body[0].value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in exempt
        and CHINESE.search(node.value)
    ]


def chinese_outside_gettext_in_python() -> list[str]:
    return [
        f"{_relative(path)}:{line}: {text!r} is not inside a gettext call"
        for path in python_sources()
        for line, text in sorted(chinese_outside_gettext_in(path.read_text(encoding="utf-8")))
        if (_relative(path), text) not in ALLOWED_LITERALS
    ]


def templates() -> list[Path]:
    return sorted(PACKAGE.glob("**/templates/**/*.html")) + sorted(PACKAGE.glob("**/templates/**/*.txt"))


_TRANSLATED_TAG = re.compile(r"^(translate|trans)\s")
_MARKED_LITERAL = re.compile(r"""_\(\s*(?:"[^"]*"|'[^']*')\s*\)""")


def chinese_outside_gettext_in_template(source: str) -> list[tuple[int, str]]:
    """(line, text) of Chinese text outside {% translate %}, {% blocktranslate %}…{% endblocktranslate %} and
    _("…") literals; comments are not text."""
    found, inside_block = [], False
    for token in Lexer(source).tokenize():
        content = token.contents
        if token.token_type == TokenType.BLOCK:
            name = content.split()[0] if content else ""
            if name in ("blocktranslate", "blocktrans"):
                inside_block = True
            elif name in ("endblocktranslate", "endblocktrans"):
                inside_block = False
            if _TRANSLATED_TAG.match(content) or inside_block:
                continue
            content = _MARKED_LITERAL.sub("", content)
        elif token.token_type == TokenType.VAR:
            if inside_block:
                continue
            content = _MARKED_LITERAL.sub("", content)
        elif token.token_type == TokenType.COMMENT or inside_block:
            continue
        chinese = CHINESE.search(content)
        if chinese and content.strip() not in ALLOWED_TEMPLATE_TEXT:
            found.append((token.lineno + content[: chinese.start()].count("\n"), content.strip()))
    return found


def chinese_outside_gettext_in_templates() -> list[str]:
    return [
        f"{_relative(path)}:{line}: {text[:80]!r} is not inside translate/blocktranslate"
        for path in templates()
        for line, text in chinese_outside_gettext_in_template(path.read_text(encoding="utf-8"))
    ]
