"""The most specific supported code wins (OCG I.B.2, I.B.18): an "unspecified" code is not
reported beside a more specific code of the same category for the same condition."""

from __future__ import annotations

import re
from functools import cache

from codesuggest.candidates.generators import HierarchyCandidates
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.rules.base import Kind, Rule, Scored, fire, other_side, words_said
from codesuggest.types import Assertion, Note

_WORD = re.compile(r"[a-z]+")
# words that say nothing of which condition a title names
_GENERIC_WORDS = """
unspecified other specified of and or the a an with without in to for by not elsewhere
classified nos part site type right left bilateral initial encounter subsequent sequela
fracture closed open disease disorder condition
"""
_GENERIC = frozenset(_GENERIC_WORDS.split())


@cache
def _unspecified(title: str) -> int:
    return _WORD.findall(title.lower()).count("unspecified")


@cache
def _stems(title: str) -> frozenset[str]:
    return frozenset(
        {w[:5] for w in _WORD.findall(title.lower()) if w not in _GENERIC and len(w) > 2}
    )


def same_condition(vague: str, b: str, cs: Icd10Cm) -> bool:
    """Whether an unspecified code and a code of its category name the same condition: a
    subcategory holds both, or the unspecified title says nothing beyond its category's
    ("Heart failure, unspecified") and shares a word with the other, or the titles share a
    word their category does not
    ("Unspecified asthma, uncomplicated" and "Moderate persistent asthma, uncomplicated"; not
    E11.40 "... with diabetic neuropathy, unspecified" and E11.22 "... with diabetic chronic
    kidney disease", two complications both reported)."""
    common = set(cs.ancestors(vague)) & set(cs.ancestors(b))
    if any(len(c) > 3 for c in common):
        return True
    category = _stems(cs.title(vague[:3])) if vague[:3] in cs else frozenset()
    words = _stems(cs.title(vague))
    own = words - category
    # "Vomiting, unspecified" says nothing beyond "Nausea and vomiting" but is not "Nausea"
    return bool((own or words) & _stems(cs.title(b)))


def _unspecified_sibling(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    """An unspecified code beside a recommended code of its category that says more is
    withdrawn, naming that code (different body sides are both kept); so is a code whose title
    names less than a recommended code of its category (no more "unspecified" in it)."""
    exempt = tuple(rule.params.get("exempt", ()))
    live = [
        s
        for s in items
        if s.suggestion.recommended
        and s.suggestion.code in cs
        and cs.is_billable(s.suggestion.code)
    ]
    for s in live:
        code = s.suggestion.code
        if code.startswith(exempt):
            continue
        title = cs.title(code)
        vague = _unspecified(title)
        for other in live:
            o = other.suggestion.code
            if o == code or o[:3] != code[:3] or not other.suggestion.recommended:
                continue
            said = _unspecified(cs.title(o))
            if said < vague and not other_side(title, cs.title(o)) and same_condition(code, o, cs):
                flag = f"unspecified beside {o} ({cs.title(o)}) - OCG I.B.18"
            elif said <= vague and _says_less(title, cs.title(o)):
                flag = f"says less than {o} ({cs.title(o)}) - OCG I.B.18"
            elif _no_evidence_of_its_own(s, other, title, cs.title(o)):
                flag = f"its evidence names {o} ({cs.title(o)}) - OCG I.B.18"
            else:
                continue
            fire(s, rule, withdraw=True, flag=flag)
            break
    return items


def _no_evidence_of_its_own(s: Scored, other: Scored, title: str, other_title: str) -> bool:
    """Whether a vaguer title ("Type 2 diabetes mellitus with other skin ulcer") rests only on
    mentions that also support a less vague code of its category ("... with foot ulcer")."""
    if _openness(title) <= _openness(other_title) or other_side(title, other_title):
        return False
    own = _present_spans(s)
    return bool(own) and own <= _present_spans(other)


_OTHER = re.compile(r"\bother\b", re.IGNORECASE)


@cache
def _openness(title: str) -> int:
    """``vagueness`` counting every "other" ("... with other skin ulcer")."""
    return _unspecified(title) + len(_OTHER.findall(title))


def _says_less(title: str, other: str) -> bool:
    """Whether ``other`` names all that ``title`` names and more, on the same side: "Acute
    sinusitis, unspecified" beside "Acute maxillary sinusitis, unspecified", "Esophageal
    varices with bleeding" beside "Secondary esophageal varices with bleeding"."""
    if _negators(other) - _negators(title):  # "injectable non-insulin" is not more insulin
        return False
    return _stems(title) < _stems(other) and not other_side(title, other)


_NEGATORS = frozenset({"non", "not", "no", "without", "except", "excluding", "other"})


@cache
def _negators(title: str) -> frozenset[str]:
    return frozenset(_WORD.findall(title.lower())) & _NEGATORS


# "Other asthma", "Other specified ..." say no more than the note: never promoted over "unspecified"
_RESIDUAL = re.compile(r"^other\b|\bother specified\b|, other\b", re.IGNORECASE)

_CURATED = "synonym"  # a lexicon source: a phrase of our own synonym table


def _documented(s: Scored, floor: float, beyond: int) -> bool:
    """A present mention names the code with more than ``beyond`` words, or as many through a
    phrase of our synonym table (``codesets/data/synonyms.tsv``: "smokes 1 ppd" names F17.210
    as surely as "nicotine dependence" names F17.200), side by side or nearly (at least half
    the words of its span are the code's: "idiopathic gout flare, left ankle", not words
    scattered over a sentence), and the code is at least ``floor`` confident."""
    c = s.candidate
    return s.suggestion.confidence >= floor and any(
        m.assertion is Assertion.PRESENT
        and (m.n_words > beyond or (m.n_words == beyond and source == _CURATED))
        and (m.kind != "scattered" or len(_WORD.findall(m.text.lower())) <= 2 * m.n_words)
        for m, source in ((s.mention, s.lexicon_source) for s in c.support if s.evidence)
    )


def _title_fit(title: str, s: Scored) -> int:
    """How closely a present mention words the title: minus the words, "not", "with" and
    "without" included, that one says and the other does not ("Migraine without aura, not
    intractable, without status migrainosus" fits G43.009, not G43.019 "..., intractable, ..."
    nor G43.001 "..., with status migrainosus")."""
    own = frozenset(_WORD.findall(title.lower()))
    return max(
        (
            -len(own ^ frozenset(_WORD.findall(m.text.lower())))
            for m in s.candidate.mentions
            if m.assertion is Assertion.PRESENT
        ),
        default=-len(own),
    )


def _present_spans(s: Scored) -> frozenset[tuple[int, int]]:
    return frozenset(
        (m.start, m.end) for m in s.candidate.mentions if m.assertion is Assertion.PRESENT
    )


def _worded_closer(s: Scored, floor: float, vague: Scored, title: str, vague_title: str) -> bool:
    """A present mention the unspecified code shares says every word by which this code's
    title differs from the unspecified one's ("low back pain with left-sided sciatica": M54.42
    "..., left side", not M54.40 "..., unspecified side"), or the code is one the sentence of
    a mention they share supports (``candidates.specific``), and the code is at least
    ``floor`` confident."""
    if s.suggestion.confidence < floor:
        return False
    extra = frozenset(_WORD.findall(title.lower())) - frozenset(_WORD.findall(vague_title.lower()))
    extra -= _FILLER
    if not extra:
        return False
    spans = _present_spans(vague)
    if _SPECIFIC_SOURCE in s.candidate.sources:
        # the note's sentence supports it (``candidates.specific``): each word its title adds
        # is said there, a side within reach of the mention ("epiphora of the right eye":
        # H04.201 "..., right side"), or is a default the sentence does not overrule ("left"
        # hemiplegia is the nondominant side's, OCG I.C.6.a)
        return any(
            (m.start, m.end) in spans
            for m in s.candidate.mentions
            if m.assertion is Assertion.PRESENT
        )
    return any(
        (m.start, m.end) in spans and extra <= frozenset(_WORD.findall(m.text.lower()))
        for m in s.candidate.mentions
        if m.assertion is Assertion.PRESENT
    )


def _promote_specific(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    """An unspecified code is recommended while the note documents a more specific code of its
    category for the same condition ("acute on chronic systolic HF ... HF clinic": I50.23, not
    I50.9): the specific code is recommended too (the ``unspecified_sibling`` kind then
    withdraws the unspecified one). Documented: a present mention names it with its words
    side by side and in more words than any mention of the unspecified code, or a mention they
    share says every word its title adds, and its confidence reaches ``min_confidence``;
    residual "other" codes, codes of the other body side and codes another rule has marked are
    never promoted. Of several, the one whose title the mention
    words most closely, then the most confident."""
    floor = float(rule.params.get("min_confidence", 0.3))
    exempt = tuple(rule.params.get("exempt", ()))
    by_category: dict[str, list[Scored]] = {}
    for s in items:
        if s.suggestion.code in cs and cs.is_billable(s.suggestion.code):
            by_category.setdefault(s.suggestion.code[:3], []).append(s)
    for s in items:
        code = s.suggestion.code
        if not s.suggestion.recommended or code.startswith(exempt) or code not in cs:
            continue
        vague = _unspecified(cs.title(code))
        if not vague:
            continue
        said = words_said(s)  # the specific code must be documented in more words than this
        best: tuple[tuple[int, float], Scored] | None = None
        for other in by_category.get(code[:3], []):
            o = other.suggestion.code
            if (  # the cheap tests first: most codes of a category are not documented
                other.suggestion.recommended
                or other.suggestion.rules
                or not (
                    _documented(other, floor, said)
                    or _worded_closer(other, floor, s, cs.title(o), cs.title(code))
                )
                or _unspecified(cs.title(o)) >= vague
                or _RESIDUAL.search(cs.title(o))
                or other_side(cs.title(code), cs.title(o))
                or not same_condition(code, o, cs)
            ):
                continue
            fit = (_title_fit(cs.title(o), other), other.suggestion.confidence)
            if best is None or fit > best[0]:
                best = (fit, other)
        if best is not None:
            best[1].suggestion.recommended = True
            # it takes the unspecified code's place: at least as confident as it
            confidence = max(best[1].suggestion.confidence, s.suggestion.confidence)
            best[1].suggestion.confidence = confidence
            fire(best[1], rule, flag=f"documented in more detail than {code} - OCG I.B.18")
    return items


def _category_specified(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    """A category that is not billable, named by a present mention in at least two words side
    by side ("acute biliary (gallstone) pancreatitis": K85.1), is reported by the billable code
    beneath it that the mention's sentence supports (``candidates.specific``: K85.10, no
    necrosis or infection said): that code is recommended when no code of the category is,
    it reaches ``min_confidence`` and no rule has marked it; categories of ``exempt`` prefixes
    aside. Of several, the one whose title the mention words most closely, then the most
    confident."""
    floor = float(rule.params.get("min_confidence", 0.3))
    exempt = tuple(rule.params.get("exempt", ()))
    recommended = [s.suggestion.code for s in items if s.suggestion.recommended]
    for s in items:
        code = s.suggestion.code
        if code.startswith(exempt) or code not in cs or cs.is_billable(code):
            continue
        if not _documented(s, 0.0, 1):
            continue
        if any(c.startswith(code) for c in recommended):
            continue  # the category is reported already
        spans = _present_spans(s)
        best: tuple[tuple[int, float], Scored] | None = None
        for child in items:
            sug = child.suggestion
            if (
                not sug.code.startswith(code)
                or sug.code == code
                or sug.recommended
                or sug.rules
                or sug.confidence < floor
                or _SPECIFIC_SOURCE not in child.candidate.sources
                or not (_present_spans(child) & spans)
            ):
                continue
            fit = (_title_fit(sug.description, child), sug.confidence)
            if best is None or fit > best[0]:
                best = (fit, child)
        if best is not None:
            best[1].suggestion.recommended = True
            recommended.append(best[1].suggestion.code)
            fire(best[1], rule, flag=f"reports {code} ({cs.title(code)}) at its billable level")
    return items


# words a mention may add to or drop from a title it states: "of the right ear", "(primary)"
_SPECIFIC_SOURCE = HierarchyCandidates.supported_name  # a code the sentence supports
_FILLER = frozenset({"of", "the", "a", "an", "to", "in", "on", "at", "by", "for", "is", "as"})
_PARENTHESES = re.compile(r"\([^)]*\)")


@cache
def _title_words(title: str) -> tuple[frozenset[str], frozenset[str]]:
    """A title's words that a statement of it must say (outside parentheses, fillers aside)
    and all the words it may say."""
    low = title.lower()
    required = frozenset(_WORD.findall(_PARENTHESES.sub(" ", low))) - _FILLER
    return required, frozenset(_WORD.findall(low)) | _FILLER


def states_title(title: str, text: str) -> bool:
    """Whether ``text`` words ``title`` in full and nothing else: its words outside
    parentheses ("Essential hypertension" states "Essential (primary) hypertension"), "not",
    "with" and "without" included, in any order, fillers ("of the") aside."""
    required, allowed = _title_words(title)
    said = frozenset(_WORD.findall(text.lower()))
    return required <= said and said <= allowed


def _title_stated(rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm) -> list[Scored]:
    """A billable code whose title a present mention states word for word (G43.709 "Chronic
    migraine without aura, not intractable, without status migrainosus") is recommended when
    it reaches ``min_confidence``: the documentation names the code at the highest level of
    detail (OCG I.B.2); codes another rule has marked are left as they are."""
    floor = float(rule.params.get("min_confidence", 0.2))
    for s in items:
        sug = s.suggestion
        if sug.recommended or sug.rules or sug.confidence < floor or sug.code not in cs:
            continue
        if not cs.is_billable(sug.code):
            continue
        title = cs.title(sug.code)
        if any(
            m.assertion is Assertion.PRESENT and states_title(title, m.text)
            for m in s.candidate.mentions
        ):
            sug.recommended = True
            fire(s, rule, flag="the note states this code's title - OCG I.B.2")
    return items


KINDS = {
    "title_stated": Kind(_title_stated, optional=frozenset({"min_confidence"})),
    "unspecified_sibling": Kind(_unspecified_sibling, optional=frozenset({"exempt"})),
    "promote_specific": Kind(_promote_specific, optional=frozenset({"exempt", "min_confidence"})),
    "category_specified": Kind(
        _category_specified, optional=frozenset({"exempt", "min_confidence"})
    ),
}
