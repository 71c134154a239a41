"""Converts the CDC's ICD-10-CM Alphabetic Index (flattened to CSV) into the compact table the
engine ships (``data/icd10cm_index.tsv.gz``): one row per way a note may say an index path.

The four tables are read as the book is: ``Level`` nests a row under the nearest row above it
one level up; nonessential modifiers (the parenthesised words) are dropped, since a note may or
may not say them; "see" references are followed to the code of the path they name; a term
spelled two ways ("Hypertension, hypertensive") gives a row per spelling; the neoplasm table
gives a row per behaviour word ("breast cancer", "metastatic to liver"); the drug table gives
adverse-effect, poisoning and underdosing rows only with the words that say so ("induced",
"overdose"): a drug named in a medication list is not an injury. Codes are written as the
index gives them, an incomplete code without its trailing dash; the engine resolves them
against the code set it ships (``codesuggest.codesets.alpha_index``).

``training/convert_index.py`` runs this on a release's folder; rerun it for the next release.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path

RELEASE = "FY2025 (April 2025)"
SOURCE = "CDC NCHS ICD-10-CM Alphabetic Index"
COLUMNS = ("table", "path", "words", "code")
SEP = " > "

_PARENS = re.compile(r"\([^()]*\)")
_DROP = re.compile(r"\b(NEC|NOS)\b|\s-\s.*$|\bsee\b.*$", re.IGNORECASE)
_CODE = re.compile(r"^[A-Z]\d[0-9A-Z](\.[0-9A-Z]{0,4})?-?$")
# subterms that only join a main term to the next ("with", "due to", "from, off, out of"):
# a note says them in many ways, so they add no words ("without" is not one of them)
CONNECTORS = frozenset(
    (
        "with",
        "due",
        "to",
        "in",
        "on",
        "from",
        "off",
        "out",
        "of",
        "by",
        "at",
        "into",
        "onto",
        "against",
        "caused",
        "following",
        "after",
        "during",
        "involving",
        "affecting",
        "associated",
    )
)
# subterms that say only "some other kind" ("specified NEC", "unspecified site"): a note never
# says them, so they and what lies under them are not matchable (read without the word, they
# would claim the main term's own words for the residual code)
GENERIC = frozenset(
    (
        "specified",
        "unspecified",
        "site",
        "type",
        "other",
        "part",
        "kind",
        "nec",
        "nos",
    )
)
# at most this many spellings of one path (the product of its terms' spellings)
MAX_SPELLINGS = 6
# main terms printed as a word and a second form that the spelling rule below does not see
# (their first four letters differ): each form is a spelling, or the main term is said by its
# first word alone ("Fracture, traumatic": a fracture not stated pathological is traumatic,
# and "Fracture, pathological" keeps its word)
MAIN_SPELLINGS: dict[str, tuple[str, ...]] = {
    "tear, torn": ("Tear", "torn"),
    "wear, worn": ("Wear", "worn"),
    "fracture, traumatic": ("Fracture",),
    "vision, visual": ("Vision", "visual"),
    "virus, viral": ("Virus", "viral"),
    "dry, dryness": ("Dry", "dryness"),
    "lax, laxity": ("Lax", "laxity"),
    "discitis, diskitis": ("Discitis", "diskitis"),
    "keloid, cheloid": ("Keloid", "cheloid"),
    "fetus, fetal": ("Fetus", "fetal"),
}
# subterms that only say where along a bone a deeper subterm lies ("Fracture > humerus > lower
# end > supracondylar"): a note names the deeper subterm ("supracondylar humerus fracture"),
# so below them they are optional; mapped to the deeper subterms they are optional above (None:
# any). "external" for the skin of a site matters only for morphologies that arise elsewhere:
# a basal cell carcinoma is always of the skin ("BCC of the cheek", C44.319).
PASSABLE: dict[str, frozenset[str] | None] = {
    "lower end": None,
    "upper end": None,
    "proximal end": None,
    "distal end": None,
    "external": frozenset({"basal cell carcinoma"}),
}

# What a note says next to a site for each neoplasm-table column.
NEOPLASM_BEHAVIOURS: dict[str, tuple[str, ...]] = {
    "MalignantPrimary": ("malignant neoplasm", "cancer", "carcinoma", "malignancy"),
    "MalignantSecondary": ("metastatic", "metastasis", "secondary malignant neoplasm"),
    "CaInSitu": ("carcinoma in situ",),
    "Benign": ("benign neoplasm", "benign tumor"),
    "UncertainBehavior": ("neoplasm of uncertain behavior",),
    "UnspecifiedBehavior": ("neoplasm",),
}
# What a note says beside a drug for each drug-table column.
DRUG_EFFECTS: dict[str, tuple[str, ...]] = {
    "PoisoningAccidental": ("overdose", "poisoning"),
    "PoisoningIntentionalSelfHarm": ("intentional overdose", "suicide attempt"),
    "AdverseEffect": ("adverse effect", "adverse reaction", "side effect", "induced", "related"),
    "Underdosing": ("underdosing",),
}


@dataclass(frozen=True)
class IndexRow:
    """One matchable way of saying an index path, and the code it leads to."""

    table: str  # index | neoplasm | drug | external
    path: str  # the path as the book prints it, terms joined by " > "
    words: str  # the words a note must contain (one spelling, no nonessential modifiers)
    code: str  # as the index gives it, without an incomplete code's trailing dash


@dataclass
class _Node:
    term: str
    level: int
    code: str = ""
    see: str = ""
    row: dict[str, str] = field(default_factory=dict)
    parent: _Node | None = None
    children: list[_Node] = field(default_factory=list)

    def path(self) -> list[_Node]:
        out: list[_Node] = []
        node: _Node | None = self
        while node is not None:
            out.append(node)
            node = node.parent
        return out[::-1]


def clean_term(term: str) -> str:
    """The term without nonessential modifiers, NEC/NOS and trailing instructions."""
    return " ".join(_DROP.sub(" ", _PARENS.sub(" ", term)).split()).strip(" ,")


def spellings(term: str) -> list[str]:
    """The ways a term may be written: "Hypertension, hypertensive" is two spellings of one
    word; "Hypertriglyceridemia, essential" is one phrase (its words differ)."""
    term = clean_term(term)
    if term.lower() in MAIN_SPELLINGS:
        return list(MAIN_SPELLINGS[term.lower()])
    parts = [p.strip() for p in term.split(",") if p.strip()]
    if all(w in CONNECTORS for p in parts for w in p.lower().split()):
        return []
    if len(parts) > 1:
        head = parts[0].lower()
        if all(" " not in p and p.lower()[:4] == head[:4] for p in parts[1:]) and " " not in head:
            return parts
    return [" ".join(parts)] if parts else []


def code_of(value: str) -> str:
    """A code cell as the engine keeps it ("" for none): "H93.29-" -> "H93.29"."""
    value = value.strip()
    if not value or value.startswith("-") or not _CODE.match(value):
        return ""
    return value.rstrip("-").rstrip(".")


def _tree(rows: Iterable[dict[str, str]], code_column: str | None) -> list[_Node]:
    roots: list[_Node] = []
    stack: list[_Node] = []
    for row in rows:
        level = int(row["Level"])
        node = _Node(
            term=row["Term"],
            level=level,
            code=code_of(row.get(code_column or "", "")) if code_column else "",
            see=row.get("See", "") or "",
            row=row,
        )
        del stack[level:]
        if level and stack:
            node.parent = stack[-1]
            stack[-1].children.append(node)
        elif level == 0:
            roots.append(node)
        else:
            continue  # a subterm with no main term above it: malformed, skipped
        stack.append(node)
    return roots


def is_generic(term: str) -> bool:
    """Whether a subterm says only "some other kind" ("specified NEC", "unspecified site")."""
    words = re.findall(r"[a-z]+", _PARENS.sub(" ", term).lower())
    return bool(words) and all(w in GENERIC for w in words)


def _walk(nodes: Iterable[_Node]) -> Iterator[_Node]:
    """Every node in the book's order, generic subterms and what lies under them left out."""
    for node in nodes:
        if node.level and is_generic(node.term):
            continue
        yield node
        yield from _walk(node.children)


def _path_words(nodes: list[_Node], extra: str = "") -> list[str]:
    """The spellings of a path (one per combination of its terms' spellings; a
    :data:`PASSABLE` subterm may be left out when a deeper subterm it passes follows)."""
    options = [spellings(n.term) or [""] for n in nodes]
    for i, node in enumerate(nodes[1:-1], start=1):
        term = clean_term(node.term).lower()
        if term not in PASSABLE or "" in options[i]:
            continue
        passes = PASSABLE[term]
        if passes is None or clean_term(nodes[i + 1].term).lower() in passes:
            options[i] = [*options[i], ""]
    out = []
    for combo in product(*options):
        words = " ".join(w for w in (*combo, extra) if w)
        if words and words not in out:
            out.append(words)
        if len(out) >= MAX_SPELLINGS:
            break
    return out


def _display(nodes: list[_Node], extra: str = "") -> str:
    return SEP.join([*(clean_term(n.term) for n in nodes), *([extra] if extra else [])])


class _Resolver:
    """Follows "see" references to the code of the path they name."""

    def __init__(self, roots: list[_Node]) -> None:
        self.mains: dict[str, _Node] = {}
        for root in roots:
            for name in (clean_term(root.term), *spellings(root.term)):
                self.mains.setdefault(name.lower(), root)

    def resolve(self, target: str, depth: int = 0) -> str:
        parts = [p.strip() for p in target.split(",") if p.strip()]
        for k in range(len(parts), 0, -1):
            node = self.mains.get(", ".join(parts[:k]).lower())
            if node is None:
                continue
            for part in parts[k:]:
                node = self._child(node, part.lower())
                if node is None:
                    break
            if node is not None:
                if node.code:
                    return node.code
                if node.see and depth < 3:
                    return self.resolve(node.see, depth + 1)
                return ""
        return ""

    @staticmethod
    def _child(node: _Node, name: str) -> _Node | None:
        for child in node.children:
            term = clean_term(child.term).lower()
            if term == name or name in (s.lower() for s in spellings(child.term)):
                return child
        return None


def _term_rows(table: str, roots: list[_Node]) -> Iterator[IndexRow]:
    resolver = _Resolver(roots)
    for node in _walk(roots):
        code = node.code or (resolver.resolve(node.see) if node.see else "")
        if not code or (node.level and not spellings(node.term)):
            continue  # no code, or a connector ("due to") that adds no word to its parent's
        nodes = node.path()
        display = _display(nodes)
        for words in _path_words(nodes):
            yield IndexRow(table, display, words, code)


def _column_rows(
    table: str,
    rows: list[dict[str, str]],
    columns: dict[str, tuple[str, ...]],
    *,
    root_is_table: bool,
) -> Iterator[IndexRow]:
    """The rows of a table with a code column per kind (neoplasm behaviours, drug effects):
    each path's words with each phrase of a column that holds a code (``root_is_table``: the
    main term names the table itself, "Neoplasm, neoplastic", and adds no word)."""
    for node in _walk(_tree(rows, None)):
        path = node.path()
        said = path[1:] if root_is_table else path
        for column, phrases in columns.items():
            code = code_of(node.row.get(column, ""))
            if not code:
                continue
            display = _display(path, column)
            for phrase in phrases:
                for words in _path_words(said, phrase) if said else [phrase]:
                    yield IndexRow(table, display, words, code)


def read_rows(path: Path) -> list[dict[str, str]]:
    """The rows of one of the release's CSV files."""
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def convert(folder: Path) -> list[IndexRow]:
    """Every row of the four tables in ``folder`` (``index.csv``, ``neoplasms.csv``,
    ``drugs.csv``, ``external_causes.csv``), duplicates removed, in the book's order."""
    out: list[IndexRow] = []
    out.extend(_term_rows("index", _tree(read_rows(folder / "index.csv"), "Code")))
    neoplasms = read_rows(folder / "neoplasms.csv")
    out.extend(_column_rows("neoplasm", neoplasms, NEOPLASM_BEHAVIOURS, root_is_table=True))
    drugs = read_rows(folder / "drugs.csv")
    out.extend(_column_rows("drug", drugs, DRUG_EFFECTS, root_is_table=False))
    out.extend(_term_rows("external", _tree(read_rows(folder / "external_causes.csv"), "Code")))
    seen: set[tuple[str, str, str]] = set()
    unique = []
    for row in out:
        key = (row.table, row.words.lower(), row.code)
        if key not in seen:
            seen.add(key)
            unique.append(row)
    return unique


def write_table(rows: Iterable[IndexRow], out: Path) -> int:
    """Write ``rows`` as gzip'd TSV, byte-identical for identical rows; returns the count."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    buffer.write(f"# {SOURCE}, {RELEASE}; public domain; converted by codesuggest\n")
    writer.writerow(COLUMNS)
    n = 0
    for row in rows:
        writer.writerow((row.table, row.path, row.words, row.code))
        n += 1
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    with tmp.open("wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(buffer.getvalue().encode("utf-8"))
    tmp.replace(out)
    return n


def read_table(data: bytes) -> Iterator[IndexRow]:
    """The rows of a table written by :func:`write_table`."""
    lines = gzip.decompress(data).decode("utf-8").splitlines()
    kept = (line for line in lines if not line.startswith("#"))
    for row in csv.DictReader(kept, delimiter="\t"):
        yield IndexRow(row["table"], row["path"], row["words"], row["code"])
