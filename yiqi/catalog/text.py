"""Text analysis shared by indexing and querying: normalisation, Chinese segmentation, Latin tokens, pinyin.

Index and query go through the same functions, so a word matches whatever the database engine.
Segmentation uses a private jieba tokenizer with the shipped ``data/userdict.txt`` (instrument vocabulary);
the admin-editable synonyms never change how documents are segmented, only how queries expand.
"""

import logging
import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# CJK runs, or Latin/number tokens that may hold inner joiners (lc-ms, jsm-7900f, 6500+).
TOKEN_RE = re.compile(rf"(?P<cjk>[{CJK}]+)|(?P<latin>[a-z0-9µμ]+(?:[-./+][a-z0-9µμ]+)*\+?)")
MODEL_FAMILY_RE = re.compile(r"^([a-z]{2,})[0-9]")
NUMBER_RE = re.compile(r"^[0-9.]+$")
ALPHA_RE = re.compile(r"^[a-z]+$")
MAX_TERM_LENGTH = 40

STOPWORDS = frozenset(
    [
        "进行",
        "可以",
        "用于",
        "以及",
        "主要",
        "相关",
        "提供",
        "具有",
        "包括",
        "通过",
        "等等",
        "及其",
        "一种",
        "能够",
        "以上",
        "以下",
        "小于",
        "大于",
        "优于",
        "不同",
        "各种",
        "各类",
        "其他",
        "方面",
        "我们",
        "可用",
        "可对",
        "可进行",
        "并可",
        "同时",
        "以及其",
        "对于",
        "或者",
        "实现",
        "满足",
        "the",
        "and",
        "for",
        "with",
        "of",
        "in",
        "to",
        "on",
        "by",
        "an",
        "or",
        "as",
        "at",
        "from",
    ]
)

_lock = threading.Lock()
_tokenizer = None


def tokenizer():
    """The private jieba tokenizer (loaded once per process, about a second)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                logging.getLogger("jieba").setLevel(logging.WARNING)
                jieba.setLogLevel(logging.WARNING)
                tk = jieba.Tokenizer()
                tk.initialize()
                for line in (DATA_DIR / "userdict.txt").read_text(encoding="utf-8").splitlines():
                    word = normalize(line.split("#", 1)[0]).strip()
                    if word:
                        tk.add_word(word, freq=max(tk.suggest_freq(word, tune=False), 500))
                _tokenizer = tk
    return _tokenizer


def normalize(text: str) -> str:
    """Full-width to half-width, compatibility forms folded, lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def is_cjk(text: str) -> bool:
    return bool(text) and all(_is_cjk_char(c) for c in text)


def _is_cjk_char(c: str) -> bool:
    o = ord(c)
    return 0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF


def has_cjk(text: str) -> bool:
    return any(_is_cjk_char(c) for c in text)


def stem(word: str) -> str:
    """English plural to singular, enough for instrument names (microscopes → microscope)."""
    if not ALPHA_RE.match(word) or len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is", "ys")):
        return word[:-1]
    return word


def latin_forms(token: str, *, keep_numbers: bool = False) -> list[str]:
    """Index forms of one Latin token: ``lc-ms`` → ``lcms``, ``lc``, ``ms``; plurals stemmed; numbers dropped."""
    token = token.strip("-./+")
    if not token:
        return []
    parts = [p for p in re.split(r"[-./+]", token) if p]
    forms = []
    joined = "".join(parts)
    if len(parts) > 1:
        forms.append(joined)
    forms.extend(parts)
    out = []
    for form in forms:
        form = stem(form)[:MAX_TERM_LENGTH]
        if NUMBER_RE.match(form):
            if not keep_numbers or len(form) < 3 or "." in form:
                continue
        elif len(form) < 2 and not keep_numbers:
            continue
        if form and form not in STOPWORDS and form not in out:
            out.append(form)
    return out


def joined_latin(token: str) -> str:
    """The primary query form of a Latin token: ``LC-MS`` → ``lcms``, ``Microscopes`` → ``microscope``."""
    return stem("".join(p for p in re.split(r"[-./+]", token) if p))[:MAX_TERM_LENGTH]


def words(run: str) -> list[str]:
    """Precise-mode segmentation of one CJK run (HMM off: deterministic, unknown text falls to characters)."""
    return [w for w in tokenizer().cut(run, HMM=False) if w.strip()]


@lru_cache(maxsize=50_000)
def search_words(run: str) -> tuple[str, ...]:
    """Search-mode segmentation: the words plus the dictionary sub-words of long words (显微镜 in 电子显微镜)."""
    out = []
    for w in tokenizer().cut_for_search(run, HMM=False):
        if len(w) >= 2 and w not in STOPWORDS and w not in out:
            out.append(w)
    return tuple(out)


def bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def tokens(text: str) -> list[tuple[str, str, int]]:
    """``(kind, token, position)`` of a normalised text: kind is ``cjk`` or ``latin``."""
    return [("cjk" if m.group("cjk") else "latin", m.group(0), m.start()) for m in TOKEN_RE.finditer(text)]


def letter_prefix_terms(text: str) -> list[str]:
    """A single letter written against Chinese, as in ``X射线``: the term ``x射线``."""
    out = []
    for m in re.finditer(rf"(?<![a-z0-9])([a-z])([{CJK}]+)", text):
        first = words(m.group(2))[:1]
        if first:
            out.append(m.group(1) + first[0])
    return out


@lru_cache(maxsize=100_000)
def analyze(text: str, short: bool = False, keep_numbers: bool = False) -> tuple[tuple[str, int], ...]:
    """Terms of a field with their frequencies. ``short`` fields (names) also get every CJK bigram."""
    text = normalize(text)
    counts: dict[str, int] = {}
    for kind, token, _ in tokens(text):
        if kind == "cjk":
            terms = list(search_words(token))
            if short:
                terms += [b for b in bigrams(token) if b not in terms]
            elif len(token) == 2 and token not in terms and token not in STOPWORDS:
                terms.append(token)
        else:
            terms = latin_forms(token, keep_numbers=keep_numbers)
            family = MODEL_FAMILY_RE.match(token) if keep_numbers else None
            if family and family.group(1) not in terms:
                terms.append(family.group(1))  # SU8600 → su: the maker's model family
        for term in terms:
            counts[term] = counts.get(term, 0) + 1
    for term in letter_prefix_terms(text):
        counts[term] = counts.get(term, 0) + 1
    return tuple(counts.items())


# -- acronyms ---------------------------------------------------------------------------------------------------

# Words an acronym may leave out (TOF-SIMS keeps the "of" of time-of-flight, SEM drops no word), and the generic
# last words that acronyms often leave out (XRF for "X-ray Fluorescence Spectrometer", DLS for "... System").
ACRONYM_OPTIONAL = frozenset({"of", "and", "for", "the", "with", "in", "on", "by"})
ACRONYM_TAILS = frozenset(
    {"system", "systems", "spectrometer", "analyzer", "analyser", "instrument", "unit", "platform", "facility",
     "equipment", "suite", "station", "apparatus", "device", "meter", "machine"}
)  # fmt: skip
MAX_ACRONYMS = 24


@lru_cache(maxsize=20_000)
def acronyms(name_en: str) -> tuple[str, ...]:
    """Acronyms an English name spells out, found at indexing: "Dynamic Light Scattering System" → dlss, dls;
    "Time-of-Flight Secondary Ion Mass Spectrometer" → tofsims, tfsims, sims, ims…; "X-ray Diffractometer" →
    xrd, xd. Whole initials and their tails of three letters or more (the head kind: SEM in FE-SEM)."""
    plain = re.sub(r"[(（][^)）]*[)）]", " ", normalize(name_en))
    words = re.findall(r"[a-z][a-z0-9]*|[0-9]+[a-z]+", plain)
    if len(words) < 2:
        return ()
    variants = {tuple(words), tuple(w for w in words if w not in ACRONYM_OPTIONAL)}
    for variant in list(variants):
        if variant and variant[-1] in ACRONYM_TAILS:
            variants.add(variant[:-1])
    out: list[str] = []
    for variant in sorted(variants):
        for x_ray in (False, True):  # "x-ray": X in XPS and XRF, XR in XRD
            letters = []
            for i, word in enumerate(variant):
                if word == "ray" and i > 0 and variant[i - 1] == "x" and x_ray:
                    continue
                letters.append(word[0])
            initials = "".join(letters)
            for start in range(len(initials) - 2):
                form = initials[start:]
                if form not in out and form not in STOPWORDS:
                    out.append(form)
    return tuple(out[:MAX_ACRONYMS])


# -- pinyin -----------------------------------------------------------------------------------------------------


@lru_cache(maxsize=20_000)
def pinyin_keys(chinese: str) -> tuple[str, ...]:
    """Full pinyin (``zhipuyi``) and, for three characters or more, initials (``zpy``) of a Chinese string."""
    from pypinyin import Style, lazy_pinyin

    if not chinese or not all(_is_cjk_char(c) for c in chinese):
        return ()
    full = lazy_pinyin(chinese, style=Style.NORMAL, errors="ignore")
    keys = ["".join(full)]
    if len(chinese) >= 3:
        keys.append("".join(lazy_pinyin(chinese, style=Style.FIRST_LETTER, errors="ignore")))
    return tuple(k[:64] for k in keys if len(k) >= 2)


def pinyin_spans(text: str, max_words: int = 4) -> list[str]:
    """Chinese spans worth a pinyin key: each CJK run and runs of up to ``max_words`` consecutive words."""
    spans: list[str] = []
    for kind, run, _ in tokens(normalize(text)):
        if kind != "cjk":
            continue
        ws = words(run)
        candidates = [run]
        for i in range(len(ws)):
            for j in range(i + 1, min(len(ws), i + max_words) + 1):
                candidates.append("".join(ws[i:j]))
        for span in candidates:
            if 2 <= len(span) <= 20 and span not in spans:
                spans.append(span)
    return spans


# -- typo tolerance (SymSpell, distance 1) ----------------------------------------------------------------------


def deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def spell_keys(term: str) -> set[str]:
    return {term} | deletes(term)


def within_one_edit(a: str, b: str) -> bool:
    """Damerau–Levenshtein distance ≤ 1 (one insertion, deletion, substitution or transposition)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    if la > lb:
        a, b = b, a
    return any(b[:i] + b[i + 1 :] == a for i in range(len(b)))


def spell_candidate(term: str) -> bool:
    """Latin words long enough for typo correction to be safe."""
    return bool(ALPHA_RE.match(term)) and 5 <= len(term) <= MAX_TERM_LENGTH


# -- synonyms ---------------------------------------------------------------------------------------------------


def split_synonym_list(text: str) -> list[str]:
    items = []
    for raw in re.split(r"[,，、;；|]", text or ""):
        item = normalize(raw).strip()
        if item and item not in items:
            items.append(item[:100])
    return items


def synonym_key(text: str) -> str:
    """The lookup form of a synonym entry or a query chunk: normalised, without spaces and joiners."""
    return re.sub(r"[\s\-./+·_]+", "", normalize(text))
