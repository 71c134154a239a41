"""ICD-10-CM from the ``simple-icd-10-cm`` package, compiled once into a compact table.

Importing ``simple_icd_10_cm`` parses its XML (about two seconds), too slow for engine start-up.
``Icd10Cm.from_package()`` reads the tabular list once (at model build time); a model keeps the
compact table beside it (``codesuggest.model_io.codeset``) so that a running engine never parses
XML.
"""

from __future__ import annotations

import re
import warnings
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import NamedTuple

from codesuggest.codesets.base import CodeInfo
from codesuggest.codesets.systems import CM
from codesuggest.errors import CodeSetError
from codesuggest.extract.normalize import content_words

SYSTEM = CM

# "(E08.-)", "(O24.4-)", "(C00-C96)", "(K85-K86.-)", "(I60-I69)", "(Z79.4)"
_CODE = r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?"
_REF = re.compile(rf"\b({_CODE})(?:\.?-(?=[^A-Z0-9]|$))?(?:\s*-\s*({_CODE})(?:\.?-)?)?")
_PLAIN = re.compile(r"[^A-Za-z0-9]")


class Entry(NamedTuple):
    """One chapter, block or code of the tabular list."""

    title: str
    parent: str | None  # block for categories, category/subcategory below
    kind: str  # chapter | block | code
    billable: bool
    children: tuple[str, ...]
    inclusion_terms: tuple[str, ...]
    excludes1: tuple[str, ...]
    excludes2: tuple[str, ...]
    code_first: tuple[str, ...]
    use_additional: tuple[str, ...]
    seventh: tuple[tuple[str, str], ...]


def code_refs(note: str) -> list[tuple[str, str]]:
    """The code references in an instructional note, as (first, last) pairs of code prefixes."""
    return [ref for ref, _ in _note_refs(note)]


def _note_refs(note: str) -> list[tuple[tuple[str, str], bool]]:
    """``code_refs`` with whether each reference is dashed ("G45.-", "C00-C96")."""
    refs = []
    for m in re.finditer(r"\(([^()]*)\)", note):
        for part in m.group(1).split(","):
            ref = _REF.search(part.strip())
            if ref:
                first = ref.group(1)
                refs.append(((first, ref.group(2) or first), "-" in ref.group(0)))
    return refs


def _excludes(refs: list[tuple[tuple[str, str], frozenset[str] | None]], code: str) -> bool:
    return any(in_ref(code, ref) and (scope is None or code in scope) for ref, scope in refs)


_NOS = re.compile(r"\bNOS\b")
_PARENTHESES = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
NOS_WHOLE = 0.5  # share of a condition's words in its category's title: the whole category
NOS_MATCH = 2 / 3  # share of a condition's words a code's titles and inclusion terms must hold


def _condition_words(text: str) -> frozenset[str]:
    """The content words of an instructional note's condition, less its code references and
    nonessential modifiers ("insufficiency, NOS, of precerebral artery (G45.-)")."""
    return frozenset(content_words(_PARENTHESES.sub(" ", text))) - {"nos"}


def in_ref(code: str, ref: tuple[str, str]) -> bool:
    """Whether ``code`` lies in a reference range such as ('C00', 'C96') or ('E08', 'E08')."""
    first, last = ref
    if first == last:
        return code.startswith(first)
    head = code[: max(len(first), len(last))]
    return first <= head <= last or code.startswith(last)


_MAX_CACHED_PAIRS = 200_000


class Icd10Cm:
    """The ICD-10-CM tabular list: titles, hierarchy, billable status and instructional notes."""

    name = SYSTEM
    labels = "code"

    def __init__(self, entries: dict[str, Entry], release: str) -> None:
        self._entries = entries
        self.release = release
        # the codes' own entries (chapters and blocks left out): what the lookups read
        self._codes = {c: e for c, e in entries.items() if e.kind == "code"}
        codes = list(self._codes)
        dotted = "".join(codes)
        if dotted.isascii() and dotted.replace(".", "").isalnum() and dotted.upper() == dotted:
            plain = [c.replace(".", "") for c in codes]  # what _PLAIN leaves, a third the time
        else:
            plain = [_PLAIN.sub("", c).upper() for c in codes]
        self._undotted = dict(zip(plain, codes, strict=True))
        self._excludes1: dict[str, list[tuple[str, str]]] = {}
        # per code: each Excludes1 reference and the codes it is scoped to (None: all)
        self._excludes1_scoped: dict[str, list[tuple[tuple[str, str], frozenset[str] | None]]] = {}
        self._nos_scopes: dict[tuple[str, str], frozenset[str] | None] = {}
        self._conflicts: dict[tuple[str, str], bool] = {}
        # per code: the categories (three characters) its Excludes1 references may reach
        self._reach: dict[str, frozenset[str]] = {}
        self._categories: list[str] | None = None  # every category, sorted (when first asked)
        self._ancestors: dict[str, tuple[str, ...]] = {}

    # --- building and storage -------------------------------------------------------------
    @classmethod
    def from_package(cls) -> Icd10Cm:
        """Read the tabular list shipped in ``simple-icd-10-cm`` (slow: parses XML)."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import simple_icd_10_cm as cm

        release = _package_release(cm)
        entries: dict[str, Entry] = {}
        for code in cm.get_all_codes(with_dots=True):
            # a one-category block shares its category's name ("C50"): the code wins
            if cm.is_category_or_subcategory(code) or cm.is_extended_subcategory(code):
                kind = "code"
            else:
                kind = "chapter" if cm.is_chapter(code) else "block"
            parent = cm.get_parent(code) or None
            if parent == code:
                parent = None
            includes = tuple(cm.get_inclusion_term(code)) + tuple(
                cm.get_includes(code) if kind == "code" else ()
            )
            seventh = cm.get_seven_chr_def(code) if kind == "code" else {}
            entries[code] = Entry(
                title=cm.get_description(code),
                parent=parent if parent else None,
                kind=kind,
                billable=kind == "code" and cm.is_leaf(code),
                children=tuple(cm.get_children(code)),
                inclusion_terms=tuple(dict.fromkeys(t.strip() for t in includes if t.strip())),
                excludes1=tuple(cm.get_excludes1(code)),
                excludes2=tuple(cm.get_excludes2(code)),
                code_first=tuple(_lines(cm.get_code_first(code))),
                use_additional=tuple(_lines(cm.get_use_additional_code(code))),
                seventh=tuple(sorted(seventh.items())),
            )
        return cls(entries, release)

    @property
    def entries(self) -> Mapping[str, Entry]:
        """Every entry of the table by code (chapters and blocks too): what a model saves
        (``codesuggest.model_io.codeset``)."""
        return MappingProxyType(self._entries)

    # --- lookups ----------------------------------------------------------------------------
    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._codes

    def __len__(self) -> int:
        return len(self._undotted)

    def __iter__(self) -> Iterator[str]:
        return iter(self.codes())

    def normalize(self, code: str) -> str | None:
        return self._undotted.get(_PLAIN.sub("", code).upper())

    def label(self, code: str) -> str | None:
        """A code of the release in official form (categories too: "E11" is billed as such)."""
        return self.normalize(code)

    def _get(self, code: str) -> Entry:
        entry = self._codes.get(code)
        if entry is None:
            raise CodeSetError(f"{code!r} is not an {SYSTEM} code ({self.release})")
        return entry

    def title(self, code: str) -> str:
        return self._get(code).title

    def is_billable(self, code: str) -> bool:
        return self._get(code).billable

    def inclusion_terms(self, code: str) -> tuple[str, ...]:
        return self._get(code).inclusion_terms

    def code_first(self, code: str) -> tuple[str, ...]:
        """The "code first" notes of ``code`` itself (``info(code).code_first``)."""
        return self._get(code).code_first

    def use_additional(self, code: str) -> tuple[str, ...]:
        """The "use additional code" notes of ``code`` itself (``info(code).use_additional``)."""
        return self._get(code).use_additional

    def parent(self, code: str) -> str | None:
        parent = self._get(code).parent
        return parent if parent is not None and parent in self else None

    def children(self, code: str) -> tuple[str, ...]:
        return self._get(code).children

    def ancestors(self, code: str) -> list[str]:
        """Codes above ``code``, nearest first (blocks and chapters left out)."""
        found = self._ancestors.get(code)
        if found is None:  # at most one entry per code of the release
            out = []
            parent = self.parent(code)
            while parent is not None:
                out.append(parent)
                parent = self.parent(parent)
            found = self._ancestors[code] = tuple(out)
        return list(found)

    def billable_descendants(self, code: str, limit: int = 50) -> list[str]:
        out: list[str] = []
        stack = list(reversed(self.children(code)))
        while stack and len(out) < limit:
            child = stack.pop()
            entry = self._entries[child]
            if entry.billable:
                out.append(child)
            else:
                stack.extend(reversed(entry.children))
        return out

    def excludes1_refs(self, code: str) -> list[tuple[str, str]]:
        """Excludes1 code references that apply to ``code`` (its own and its ancestors' notes)."""
        cached = self._excludes1.get(code)
        if cached is not None:
            return cached
        refs = [ref for note in self._excludes1_notes(code) for ref in code_refs(note)]
        self._excludes1[code] = refs
        return refs

    def _excludes1_notes(self, code: str) -> Iterator[str]:
        """The Excludes1 notes of ``code`` and of its ancestors, nearest first."""
        node: str | None = code
        while node is not None:
            entry = self._entries.get(node)
            if entry is None:
                return
            yield from entry.excludes1
            node = entry.parent

    def excludes1_scoped(self, code: str) -> list[tuple[tuple[str, str], frozenset[str] | None]]:
        """``excludes1_refs`` of ``code``, each with the codes it excludes when its note names
        a condition NOS that only some codes of the referenced category code (None: every code
        the reference covers). "insufficiency, NOS, of precerebral artery (G45.-)" under I65
        excludes G45.2 (precerebral artery syndromes), not a transient ischemic attack (G45.9):
        the note says where that condition, unspecified, is coded (OCG I.A.12.a), not that no
        code of G45 goes with carotid stenosis."""
        cached = self._excludes1_scoped.get(code)
        if cached is not None:
            return cached
        out: list[tuple[tuple[str, str], frozenset[str] | None]] = []
        for note in self._excludes1_notes(code):
            for ref, dashed in _note_refs(note):
                scope = None
                if dashed and ref[0] == ref[1] and _NOS.search(note):
                    scope = self._nos_scope(note, ref[0])
                out.append((ref, scope))
        self._excludes1_scoped[code] = out
        return out

    def _nos_scope(self, note: str, category: str) -> frozenset[str] | None:
        """The codes of ``category`` whose titles and inclusion terms (from the category down,
        the category's own left out) hold the note's condition; None when the category's own
        title names it, when no code or every billable code does."""
        key = (note, category)
        if key in self._nos_scopes:
            return self._nos_scopes[key]
        scope: frozenset[str] | None = None
        words = _condition_words(note)
        top = self._entries.get(category)
        if words and top is not None and top.kind == "code":
            own = self._code_words(category)
            if len(words & own) / len(words) < NOS_WHOLE:
                matched: set[str] = set()
                billable = matched_billable = 0
                stack = [(c, frozenset[str]()) for c in top.children]
                while stack:
                    child, above = stack.pop()
                    entry = self._entries[child]
                    held = above | self._code_words(child)
                    if len(words & held) / len(words) >= NOS_MATCH:
                        matched.add(child)
                        matched_billable += entry.billable
                    billable += entry.billable
                    stack.extend((c, held) for c in entry.children)
                if 0 < matched_billable < billable:
                    scope = frozenset(matched)
        self._nos_scopes[key] = scope
        return scope

    def _code_words(self, code: str) -> frozenset[str]:
        """The content words of a code's title and inclusion terms."""
        entry = self._entries[code]
        out = _condition_words(entry.title)
        for term in entry.inclusion_terms:
            out |= _condition_words(term)
        return out

    def excludes1_conflict(self, a: str, b: str) -> bool:
        """Whether an Excludes1 note of ``a`` (or its ancestors) names ``b``, or the reverse
        (a note on a condition NOS: only the codes that name it, ``excludes1_scoped``)."""
        key = (a, b) if a <= b else (b, a)
        found = self._conflicts.get(key)
        if found is None:
            if a in self._codes and b in self._codes and not self._may_reach(a, b):
                found = False  # (most pairs of a note: no reference of either reaches the other)
            else:
                found = _excludes(self.excludes1_scoped(a), b) or _excludes(
                    self.excludes1_scoped(b), a
                )
            if len(self._conflicts) >= _MAX_CACHED_PAIRS:  # a server runs for months
                self._conflicts.clear()
            self._conflicts[key] = found
        return found

    def _may_reach(self, a: str, b: str) -> bool:
        """Whether an Excludes1 reference of code ``a`` may name code ``b`` or the reverse:
        whether the category of either is among those the other's references reach."""
        return b[:3] in self._reached(a) or a[:3] in self._reached(b)

    def _reached(self, code: str) -> frozenset[str]:
        """The categories of the codes the Excludes1 references of ``code`` may name: a code
        ``in_ref`` puts in ("C00", "C96") begins with a category from C00 to C96."""
        found = self._reach.get(code)
        if found is None:
            if self._categories is None:
                self._categories = sorted(c for c in self._codes if len(c) == 3)
            categories = self._categories
            reached: set[str] = set()
            for (first, last), _ in self.excludes1_scoped(code):
                lo, hi = first[:3], last[:3]
                reached.update((lo, hi))  # (``startswith(last)`` too, whatever the order)
                if lo < hi:
                    reached.update(
                        categories[bisect_left(categories, lo) : bisect_right(categories, hi)]
                    )
            found = self._reach[code] = frozenset(reached)
        return found

    def seventh_characters(self, code: str) -> dict[str, str]:
        """The 7th-character values that apply to ``code`` (from it or an ancestor)."""
        node: str | None = code
        while node is not None and node in self._entries:
            entry = self._entries[node]
            if entry.seventh:
                return dict(entry.seventh)
            node = entry.parent
        return {}

    def info(self, code: str) -> CodeInfo:
        e = self._get(code)
        return CodeInfo(
            code=code,
            system=SYSTEM,
            title=e.title,
            billable=e.billable,
            parent=self.parent(code),
            children=e.children,
            inclusion_terms=e.inclusion_terms,
            excludes1=e.excludes1,
            excludes2=e.excludes2,
            code_first=e.code_first,
            use_additional=e.use_additional,
            seventh_characters=self.seventh_characters(code),
        )

    def codes(self) -> list[str]:
        return list(self._codes)


def _lines(text: str | None) -> list[str]:
    lines = (line.strip().lstrip(",;: ").strip() for line in (text or "").splitlines())
    return [line for line in lines if line]


def _package_release(cm: object) -> str:
    module = getattr(cm, "simple_icd_10_cm", cm)
    name = str(getattr(module, "_classification_data_package_file_name", ""))
    m = re.search(
        r"(January|February|March|April|May|June|July|August|September|October|"
        r"November|December)-\d+-(\d{4})",
        name,
    )
    if not m:
        return "unknown"
    month, year = m.group(1), int(m.group(2))
    fiscal = year + 1 if month in ("October", "November", "December") else year
    return f"FY{fiscal} ({month} {year} update)"
