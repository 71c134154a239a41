"""The billable codes below a matched category that a mention's sentence supports (OCG I.B.8:
the most specific code the documentation supports; I.A.18: the default otherwise).

A category's billable descendants are read against its title (``extract.qualifiers``): the
words each adds ("nondisplaced", "right", "initial encounter", "chronic") and the denials it
adds ("without status migrainosus", "not intractable"). Words every descendant shares are
implied by the category ("fibula" under "Fracture of lateral malleolus") and need no support.
A descendant is *supported* by a sentence when each word it adds is said in the sentence, or is
a default (``codesets/data/title_defaults.tsv``: "initial encounter", "closed", "displaced")
the sentence does not overrule (a side overrules only where it would bind), and no denial it
adds is contradicted by words the sentence affirms. Of an "or" list ("type I or II") a title
needs no word; "/" starts another reading of its last clause ("... open fracture NOS"). Sides,
numbers and stages (``terms.is_specifier``) must stand within :data:`SPECIFIER_WINDOW` tokens
of the mention ("left ankle fracture ... right knee pain" lends no side to the ankle), with no
"with" between them: "Type 2 DM with diabetic CKD, stage 4" lends no stage 2 to the kidney
disease (numbers bind within their condition's words). The best supported descendants say most
of what the sentence says (words it names, denials it states), are not residual ("Other ...":
OCG I.A.9.a), then assume the fewest defaults.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Set
from functools import cache
from itertools import combinations
from typing import NamedTuple

from codesuggest.codesets.data_files import data_text
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.extract.qualifiers import Qualifiers, read, title_qualifiers, title_readings
from codesuggest.extract.terms import is_specifier
from codesuggest.io.tables import parse_table
from codesuggest.types import Mention

DEFAULTS_FILE = "title_defaults.tsv"
DEFAULTS_COLUMNS = ("word", "unless", "cite", "comment")
SPECIFIER_WINDOW = 4  # tokens between a side, number or stage and the mention it qualifies
MAX_DESCENDANTS = 300  # billable descendants read per category
_RESIDUAL = re.compile(r"^other\b|, other\b", re.IGNORECASE)
_MAX_SUBSETS = 8  # words present beyond which every descendant is tried instead of subsets


@cache
def title_defaults() -> dict[str, frozenset[str]]:
    """Default title words -> the sentence words that overrule each (``title_defaults.tsv``)."""
    rows = parse_table(data_text(DEFAULTS_FILE), DEFAULTS_FILE, DEFAULTS_COLUMNS)
    return {
        r["word"]: frozenset() if r["unless"] == "-" else frozenset(r["unless"].split())
        for r in rows
    }


class Descendant(NamedTuple):
    """A billable code read against its category's title (plain tuples of words: a family
    lives as long as the engine, and tuples of strings leave the garbage collector's lists)."""

    code: str
    required: tuple[str, ...]  # words it adds that the sentence must say, sorted
    defaults: tuple[str, ...]  # words it adds that are defaults
    denied: tuple[tuple[str, ...], ...]  # denials it adds
    optional: tuple[str, ...] = ()  # words of its "or" lists ("type I or II")
    residual: bool = False  # an "Other ..." code: for details no code names (OCG I.A.9.a)


class Support(NamedTuple):
    """How well a sentence supports a descendant: what the sentence says of it (words named,
    denials stated) and the defaults it assumes."""

    code: str
    said: int
    defaults: int
    size: int  # words and denied words the code adds
    residual: bool = False

    def key(self) -> tuple[int, bool, int, int, int, str]:
        """Best first: most said, not residual, fewest defaults, fewest words added."""
        return (-self.said, self.residual, self.defaults, self.size, len(self.code), self.code)


class Family:
    """A category's billable descendants, filed by the words each requires."""

    def __init__(self, title: Qualifiers, descendants: list[Descendant]) -> None:
        self.title = title
        self.descendants = tuple(descendants)
        filed: dict[tuple[str, ...], list[Descendant]] = {}
        vocabulary: set[str] = set()
        denied: set[str] = set()  # the words of the denials descendants add
        by_code: dict[str, Descendant] = {}
        for d in descendants:  # (one pass: a family is built for each category read)
            found = filed.get(d.required)
            if found is None:
                filed[d.required] = [d]
            else:
                found.append(d)
            vocabulary.update(d.required)
            if d.optional:
                vocabulary.update(d.optional)
            for phrase in d.denied:
                denied.update(phrase)
            if d.code not in by_code:  # its first reading
                by_code[d.code] = d
        self.by_required = {k: tuple(v) for k, v in filed.items()}
        self.vocabulary = frozenset(vocabulary)
        # a sentence's denial may state one of the words of a denial descendants add
        self.denied_vocabulary = frozenset(denied)
        self.by_code = by_code

    @classmethod
    def of(cls, code: str, codeset: Icd10Cm, defaults: dict[str, frozenset[str]]) -> Family:
        """``code``'s billable descendants (each reading of each title) against its title."""
        title = title_qualifiers(codeset.title(code))
        codes = codeset.billable_descendants(code, limit=MAX_DESCENDANTS)
        titles = [codeset.title(c) for c in codes]
        readings = [title_readings(t) for t in titles]
        if not readings:
            return cls(title, [])
        implied = frozenset.intersection(*(r[0].words for r in readings)) | title.words
        shared = frozenset.intersection(*(r[0].denied for r in readings)) | title.denied
        default_words = defaults.keys()
        out = []
        for c, t, forms in zip(codes, titles, readings, strict=True):
            residual = bool(_RESIDUAL.search(t))
            for form in forms:
                # (most sets below are empty or hold a word or two: sorted only when not)
                extra = form.affirmed.keys() - implied  # (a set: ``form.words`` builds one)
                listed = extra & form.optional
                optional: tuple[str, ...] = ()
                if listed:
                    optional = _ordered(listed)
                    extra -= form.optional
                assumed: tuple[str, ...] = ()
                required: tuple[str, ...] = ()
                if extra:
                    defaulted = default_words & extra
                    if defaulted:
                        assumed = _ordered(defaulted)
                        required = _ordered(extra - defaulted)
                    else:
                        required = _ordered(extra)
                own_denied = form.denied - shared
                denied = tuple(sorted(tuple(sorted(p)) for p in own_denied)) if own_denied else ()
                out.append(Descendant(c, required, assumed, denied, optional, residual))
        return cls(title, out)

    def contradicted(self, sentence: Qualifiers) -> bool:
        """Whether ``sentence`` affirms what the category's title denies ("not intractable"
        in a note that says "intractable"), or only denies a word the title affirms."""
        said = sentence.affirmed.keys()
        if any(p <= said for p in self.title.denied):
            return True
        return bool(sentence.denied) and any(
            sentence.denies(w) for w in self.title.affirmed.keys() - said
        )

    def supported(
        self,
        sentence: Qualifiers,
        span: tuple[int, int],
        defaults: dict[str, frozenset[str]],
        *,
        checked: bool = False,
    ) -> list[Support]:
        """The descendants ``sentence`` supports for a mention at token ``span`` within it
        (``checked``: the caller has already found that the sentence does not contradict the
        category's title)."""
        if not checked and self.contradicted(sentence):
            return []
        said = sentence.affirmed
        lo, hi = span
        present = set()
        for w in said.keys() & self.vocabulary:
            if not is_specifier(w) or any(
                lo - SPECIFIER_WINDOW <= p < hi + SPECIFIER_WINDOW
                and not any(p < k < lo or hi <= k < p for k in sentence.links)
                for p in said[w]
            ):
                present.add(w)
        out: dict[str, Support] = {}
        heard: set[str] | None = None  # the words that may overrule a default (read once)
        for d in self._candidates(present):
            # (each test only where the descendant has what it reads: most have none of it)
            if d.defaults:
                if heard is None:
                    # a side overrules a default only near the mention, as it binds: "left
                    # MCA stroke with residual right hemiparesis" keeps the right's dominance
                    heard = {w for w in said if not is_specifier(w)} | present
                if any(heard & defaults[w] or sentence.denies(w) for w in d.defaults):
                    continue  # "open fracture": not the closed default
            stated = 0
            if d.denied:
                if any(all(w in said for w in p) for p in d.denied):
                    continue  # "with status migrainosus": not "without status migrainosus"
                if sentence.denied:
                    stated = sum(
                        1 for p in d.denied if any(s.intersection(p) for s in sentence.denied)
                    )
            if d.optional:
                stated += sum(1 for w in d.optional if w in present)
            size = len(d.required) + len(d.defaults) + sum(map(len, d.denied))
            said_ = len(d.required) + stated
            support = Support(d.code, said_, len(d.defaults), size, d.residual)
            known = out.get(d.code)
            if known is None or support.key() < known.key():
                out[d.code] = support  # its best reading
        return list(out.values())

    def fullest(self, found: dict[str, list[int]]) -> dict[str, list[int]]:
        """Supported descendants (code -> mention indices) less those another of them says
        more of (its required words a strict subset of the other's), whose mentions join each
        fuller one."""
        required = {c: frozenset(self.by_code[c].required) for c in found}
        out: dict[str, list[int]] = {}
        for c, indices in found.items():
            if any(required[c] < required[o] for o in found):
                continue
            out[c] = [
                *indices,
                *(i for o, ix in found.items() if required[o] < required[c] for i in ix),
            ]
        return out

    def _candidates(self, present: set[str]) -> Iterable[Descendant]:
        """The descendants whose required words are all in ``present``."""
        if len(present) > _MAX_SUBSETS:
            return (d for d in self.descendants if present.issuperset(d.required))
        words = sorted(present)
        found: list[Descendant] = []
        for n in range(len(words) + 1):
            for subset in combinations(words, n):
                found.extend(self.by_required.get(subset, ()))
        return found


def _ordered(words: Set[str]) -> tuple[str, ...]:
    """``words`` sorted (most sets here hold one word or none: no sort for those)."""
    return tuple(words) if len(words) < 2 else tuple(sorted(words))


EMPTY = read(())  # a sentence that says nothing


def sentence_of(
    mention: Mention, seen: dict[int, Qualifiers]
) -> tuple[Qualifiers, tuple[int, int]]:
    """The qualifiers of a mention's sentence and its token span there (no context: none);
    ``seen`` keeps the sentences read for one note (by ``id`` of the shared context tuple)."""
    context = mention.context
    if not context:
        return EMPTY, (0, 0)
    found = seen.get(id(context))
    if found is None:
        found = seen[id(context)] = read(context)
    return found, mention.span
