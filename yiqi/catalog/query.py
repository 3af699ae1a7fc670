"""Turning what a user typed into clauses of alternative term sets.

A query is a list of *clauses* that must all match (AND). A clause is a list of *alternatives* (OR); an
alternative is a set of index terms that must all be present, with a factor (percent) that ranks exact words
above synonyms, pinyin, partial words and typo corrections. Nothing here touches the database: the caller
supplies the vocabulary lookups.
"""

from dataclasses import dataclass, field

from . import text
from .synonyms import MAX_SPAN_UNITS, SynonymTable

MAX_QUERY_CHARS = 100
MAX_CLAUSES = 8
MAX_ALTERNATIVES = 12
MAX_TERMS = 60

EXACT, SYNONYM, PINYIN, PARTS, CORRECTED = 100, 90, 85, 70, 60


@dataclass(frozen=True)
class Alternative:
    terms: tuple[str, ...]
    factor: int
    phrases: tuple[str, ...] = ()  # strings to look for in names (bonus) and to highlight
    correction: str = ""  # the corrected word, when this alternative is a typo correction


@dataclass
class Clause:
    surface: str
    kind: str  # "cjk", "latin" or "mixed"
    alternatives: list[Alternative] = field(default_factory=list)
    optional: bool = False  # a lone Chinese character: helps ranking, never required

    @property
    def terms(self) -> set[str]:
        return {t for a in self.alternatives for t in a.terms}


@dataclass
class Unit:
    """One piece of the query: a Latin token or a Chinese word."""

    text: str
    kind: str
    run: str = ""  # the Chinese run the word came from (for bigrams of single characters)
    offset: int = 0  # position of the word in its run


def units_of(query: str) -> list[Unit]:
    units = []
    letter, letter_end = "", -1
    for kind, token, position in text.tokens(text.normalize(query)[:MAX_QUERY_CHARS]):
        if kind == "latin":
            if len(token) == 1 and token.isalpha():
                letter, letter_end = token, position + 1  # perhaps the X of X射线
            else:
                units.append(Unit(token, "latin"))
            continue
        prefix = letter if position == letter_end else ""
        if letter and not prefix:
            units.append(Unit(letter, "latin"))
        letter = ""
        offset = 0
        for word in text.words(token):
            units.append(Unit(prefix + word, "cjk", token, offset))
            prefix = ""
            offset += len(word)
    if letter:
        units.append(Unit(letter, "latin"))
    return units


def candidate_strings(units: list[Unit], synonyms: SynonymTable) -> tuple[set[str], set[str]]:
    """Every term string the clauses may use, and the Latin tokens worth a pinyin look-up."""
    terms, pinyin = set(), set()
    for form in _forms_for_lookup(units, synonyms):
        terms |= fragment_terms(form)
    for unit in units:
        if unit.kind == "latin":
            terms.add(text.joined_latin(unit.text))
            terms |= set(text.latin_forms(unit.text, keep_numbers=True))
            if text.ALPHA_RE.match(unit.text):
                pinyin.add(unit.text)
        else:
            terms |= fragment_terms(unit.text)
            if len(unit.text) == 1:
                terms |= set(_neighbour_bigrams(unit))
    latin = [u.text for u in units if u.kind == "latin" and text.ALPHA_RE.match(u.text)]
    if 2 <= len(latin) == len(units) <= 6:
        pinyin.add("".join(latin))
    return terms, pinyin


def _forms_for_lookup(units, synonyms):
    for i, j, forms in _synonym_spans(units, synonyms):
        yield from forms
        yield "".join(u.text for u in units[i:j])


def _synonym_spans(units: list[Unit], synonyms: SynonymTable):
    """Greedy longest matches of synonym entries over the query's units: ``(start, end, forms)``."""
    i = 0
    while i < len(units):
        for j in range(min(len(units), i + MAX_SPAN_UNITS), i, -1):
            key = text.synonym_key("".join(u.text for u in units[i:j]))
            forms = synonyms.forms(key) or synonyms.forms(text.stem(key))
            if forms:
                yield i, j, forms
                i = j
                break
        else:
            i += 1


def fragment_terms(fragment: str) -> set[str]:
    """Index terms a free-form fragment (a synonym's form, a pinyin's Chinese) may resolve to."""
    out = set()
    normal = text.normalize(fragment)
    for kind, token, _ in text.tokens(normal):
        if kind == "latin":
            out.add(text.joined_latin(token))
            out |= set(text.latin_forms(token, keep_numbers=True))
        else:
            out.add(token)
            out |= set(text.search_words(token))
            out |= set(text.bigrams(token))
    out |= set(text.letter_prefix_terms(normal))
    key = text.synonym_key(fragment)
    if key and not text.has_cjk(key):
        out.add(text.stem(key)[: text.MAX_TERM_LENGTH])
    return out


def _neighbour_bigrams(unit: Unit) -> list[str]:
    run, at = unit.run, unit.offset
    out = []
    if at + 1 < len(run):
        out.append(run[at : at + 2])
    if at > 0:
        out.append(run[at - 1 : at + 1])
    return out


def fragment_alternative(fragment: str, vocab, factor: int, correction: str = "") -> Alternative | None:
    """The terms that together stand for ``fragment`` (all must be in ``vocab``), or None."""
    normal = text.normalize(fragment)
    key = text.synonym_key(fragment)
    if key and not text.has_cjk(key) and " " in normal.strip():
        pass  # several Latin words: each must match
    elif key and not text.has_cjk(key):
        whole = text.stem(key)[: text.MAX_TERM_LENGTH]
        if whole in vocab:
            return Alternative((whole,), factor, (normal.strip(),), correction)
    terms: list[str] = []
    for kind, token, _ in text.tokens(normal):
        if kind == "latin":
            if len(token) == 1:
                continue  # a letter before Chinese (X射线): see letter_prefix_terms below
            primary = text.joined_latin(token)
            parts = text.latin_forms(token, keep_numbers=True)
            rest = [p for p in parts if p != primary]
            if primary in vocab:
                terms.append(primary)
            elif rest and all(p in vocab for p in rest):
                terms += rest
            else:
                return None
            continue
        cover = _cjk_cover(token, vocab)
        if cover is None:
            return None
        terms += cover
    terms += [t for t in text.letter_prefix_terms(normal) if t in vocab]
    terms = sorted(set(terms))
    if not terms:
        return None
    phrase = "".join(c for c in normal if not c.isspace()) if text.has_cjk(normal) else normal.strip()
    return Alternative(tuple(terms), factor, (phrase,), correction)


def _cjk_cover(run: str, vocab) -> list[str] | None:
    if run in vocab:
        return [run]
    cover = []
    for word in text.words(run):
        if len(word) < 2:
            continue
        if word in vocab:
            cover.append(word)
            continue
        grams = text.bigrams(word)
        if not all(g in vocab for g in grams):
            break
        cover += grams
    else:
        if cover:
            return cover
    grams = text.bigrams(run)
    if grams and all(g in vocab for g in grams):
        return grams
    return None


def build_clauses(
    units: list[Unit],
    vocab,
    synonyms: SynonymTable,
    pinyin: dict[str, list[str]],
    corrections: dict[str, list[str]],
) -> tuple[list[Clause], list[str]]:
    """The query's clauses, and the pieces of the query that matched nothing in the index (ignored)."""
    latin = [u.text for u in units if u.kind == "latin"]
    if len(latin) >= 2 and len(latin) == len(units) and pinyin.get("".join(latin)):
        joined = "".join(latin)
        clause = Clause(" ".join(latin), "latin")
        _add_pinyin(clause, joined, vocab, synonyms, pinyin)
        if clause.alternatives:
            return [clause], []
    clauses: list[Clause] = []
    ignored: list[str] = []
    spans = {i: (j, forms) for i, j, forms in _synonym_spans(units, synonyms)}
    i = 0
    while i < len(units):
        if i in spans:
            j, forms = spans[i]
            pieces = units[i:j]
            surface = (
                " ".join(u.text for u in pieces)
                if all(u.kind == "latin" for u in pieces)
                else "".join(u.text for u in pieces)
            )
            clause = Clause(surface, "mixed")
            _add(clause, fragment_alternative(surface, vocab, EXACT))
            for form in forms:
                _add(clause, fragment_alternative(form, vocab, _synonym_factor(surface, form, SYNONYM)))
            i = j
        else:
            unit = units[i]
            clause = _unit_clause(unit, vocab, synonyms, pinyin, corrections)
            i += 1
        if clause.alternatives:
            clauses.append(clause)
        elif not clause.optional:
            ignored.append(clause.surface)
    return _capped(clauses), ignored


def _unit_clause(unit: Unit, vocab, synonyms, pinyin, corrections) -> Clause:
    clause = Clause(unit.text, unit.kind)
    if unit.kind == "cjk":
        if len(unit.text) == 1:
            clause.optional = True
            for gram in _neighbour_bigrams(unit):
                if gram in vocab:
                    _add(clause, Alternative((gram,), PARTS, (gram,)))
            return clause
        _add(clause, fragment_alternative(unit.text, vocab, EXACT))
        return clause
    if len(unit.text) == 1 or text.NUMBER_RE.match(unit.text) and len(unit.text) < 3:
        clause.optional = True
        return clause
    _add(clause, fragment_alternative(unit.text, vocab, EXACT))
    _add_pinyin(clause, unit.text, vocab, synonyms, pinyin)
    if not clause.alternatives:
        for corrected in corrections.get(unit.text, ()):
            _add(clause, fragment_alternative(corrected, vocab, CORRECTED, correction=corrected))
            for form in synonyms.forms(text.synonym_key(corrected)) or ():
                _add(clause, fragment_alternative(form, vocab, CORRECTED - 5, correction=corrected))
    return clause


def _add_pinyin(clause: Clause, key: str, vocab, synonyms: SynonymTable, pinyin) -> None:
    """Pinyin stands for the likeliest Chinese first (the caller orders them); the others rank a little lower."""
    for rank, chinese in enumerate(pinyin.get(key, ())):
        factor = PINYIN if rank == 0 else PINYIN - 35
        _add(clause, fragment_alternative(chinese, vocab, factor))
        for form in synonyms.forms(text.synonym_key(chinese)) or ():
            _add(clause, fragment_alternative(form, vocab, _synonym_factor(chinese, form, factor - 5)))


def _synonym_factor(surface: str, form: str, factor: int) -> int:
    """A synonym that is part of what was typed is broader (质谱 for 质谱仪): it ranks as a partial word."""
    typed, other = text.synonym_key(surface), text.synonym_key(form)
    return min(factor, PARTS) if other != typed and other in typed else factor


def _add(clause: Clause, alternative: Alternative | None) -> None:
    if alternative is None:
        return
    for i, existing in enumerate(clause.alternatives):
        if existing.terms == alternative.terms:
            if alternative.factor > existing.factor:
                clause.alternatives[i] = alternative
            return
    clause.alternatives.append(alternative)


def _capped(clauses: list[Clause]) -> list[Clause]:
    clauses = clauses[:MAX_CLAUSES]
    for clause in clauses:
        clause.alternatives.sort(key=lambda a: (-a.factor, len(a.terms), a.terms))
        del clause.alternatives[MAX_ALTERNATIVES:]
    budget = MAX_TERMS
    for clause in clauses:
        kept = []
        for alternative in clause.alternatives:
            if len(alternative.terms) <= budget or not kept:
                kept.append(alternative)
                budget -= len(alternative.terms)
        clause.alternatives = kept
    return clauses


def pinyin_lookup_keys(units: list[Unit]) -> set[str]:
    return candidate_strings(units, SynonymTable())[1]


def needs_correction(unit: Unit, vocab, pinyin, synonyms: SynonymTable) -> bool:
    if unit.kind != "latin" or not text.spell_candidate(unit.text):
        return False
    if pinyin.get(unit.text) or synonyms.forms(text.synonym_key(unit.text)):
        return False
    return fragment_alternative(unit.text, vocab, EXACT) is None
