"""Runs the candidate generators over one processed note (shared by engine and trainer).

Two stages: :func:`collect_candidates` proposes codes from the note's mentions (then, apart,
from the Alphabetic Index entries hidden inside longer terms: codes no mention names, to rank
but never to recommend on that alone; ``candidates.base.inner_only``); a trained model's scores
then join them (:func:`add_learned`), which also proposes the labels it scores
highest and describes each candidate among the note's others (:class:`NoteContext`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Collection, Sequence

from spacy.tokens import Doc

from codesuggest.candidates.assertion import CodeAssertions
from codesuggest.candidates.base import (
    Builder,
    Candidate,
    CandidateGenerator,
    NoteContext,
    Sources,
    create,
    held_back,
    inner_only,
    register,
)
from codesuggest.candidates.catalog import CatalogCandidates
from codesuggest.candidates.described import described
from codesuggest.candidates.drug_class import DrugClassCandidates
from codesuggest.candidates.generators import (
    HierarchyCandidates,
    HistoryCandidates,
    LexiconCandidates,
)
from codesuggest.candidates.laterality import LateralityCandidates
from codesuggest.candidates.learned import NoteScores, category, label, split_label
from codesuggest.candidates.procedures import procedure_candidates
from codesuggest.candidates.status import StatusCandidates
from codesuggest.codesets.code_systems import CodeSystems
from codesuggest.codesets.icd10cm import SYSTEM, Icd10Cm
from codesuggest.codesets.icd10pcs import shipped_pcs
from codesuggest.extract.lexicon_index import LexiconIndex
from codesuggest.extract.mentions import doc_mentions
from codesuggest.extract.procedures import ProcedureMention, doc_procedures
from codesuggest.extract.uncertain import establish_uncertain
from codesuggest.types import Mention

# the generators a model runs, as its card names them (``stages.generators``), in order: later
# generators read the earlier ones' pool; the catalogs' codes (CPT, HCPCS) last
GENERATORS = (
    "codesuggest.lexicon_candidates.v1",
    "codesuggest.hierarchy_candidates.v1",
    "codesuggest.laterality_candidates.v1",
    "codesuggest.history_candidates.v1",
    "codesuggest.drug_class_candidates.v1",
    "codesuggest.status_candidates.v1",
    _CATALOGS := "codesuggest.catalog_candidates.v1",
)
_BUILT_IN: dict[str, Builder] = dict(
    zip(
        GENERATORS,
        (
            lambda s: LexiconCandidates(s.index),
            lambda s: HierarchyCandidates(s.codeset),
            lambda s: LateralityCandidates(s.codeset),
            lambda s: HistoryCandidates(s.history, s.codeset),
            lambda s: DrugClassCandidates(),
            lambda s: StatusCandidates(),
            lambda s: CatalogCandidates(s.catalogs),
        ),
        strict=True,
    )
)
for _name, _builder in _BUILT_IN.items():
    register(_name)(_builder)


def create_generators(
    sources: Sources, names: Sequence[str] = GENERATORS
) -> list[CandidateGenerator]:
    """The generators ``names`` (through the registry, ``candidates.base.create``), built from
    ``sources``; the catalogs' one only while user catalogs are registered."""
    return [create(name, sources) for name in names if sources.catalogs or name != _CATALOGS]


def collect_candidates(
    doc: Doc,
    index: LexiconIndex,
    codeset: Icd10Cm,
    generators: Sequence[CandidateGenerator],
    setting: str | None = None,
    *,
    assertions: CodeAssertions,
    text: str | None = None,
    procedures: bool = True,
) -> list[Candidate]:
    """Candidates of one processed note from its mentions, with the code facts the ranker's
    features read; ``setting`` is the note's (an inpatient stay codes uncertain diagnoses);
    ``assertions`` reads each candidate's mentions for its code once every generator has run;
    ``text``: the text ``doc`` was made from, when the caller has it (spaCy rebuilds
    ``doc.text`` token by token, a tenth of a millisecond per note); ``procedures``: whether
    to read the note's procedures (ICD-10-PCS candidates; a caller that keeps no PCS code
    need not pay for them: a candidate's features are read among its own system's)."""
    inner: list[Mention] = []
    mentions = establish_uncertain(doc_mentions(doc, index, inner), setting)
    pool: dict[str, Candidate] = {}
    for generator in generators:
        if isinstance(generator, LateralityCandidates):
            generator.add(mentions, pool, doc)  # a side may be stated in any of the note's words
        else:
            generator.add(mentions, pool)
    assertions.read(pool)
    if inner:
        _add_inner(establish_uncertain(inner, setting), generators, pool)
    out = []
    for code, cand in pool.items():
        if cand.system != SYSTEM:  # a user catalog's code, described by CatalogCandidates
            cand.title_words = index.title_words.get(code, 1)
            cand.note_mentions = len(mentions)
            out.append(cand)
            continue
        if code not in codeset:
            continue
        cand.title = codeset.title(code)
        cand.billable = codeset.is_billable(code)
        cand.title_words = index.title_words.get(code, 1)
        cand.note_mentions = len(mentions)
        out.append(cand)
    found = doc_procedures(doc, text) if procedures else None
    if found:  # the PCS tables are read only for notes that name a procedure
        for cand in procedure_candidates(found, shipped_pcs(), _sections_at(doc, found)):
            cand.note_mentions = len(mentions)
            out.append(cand)
    return out


def _add_inner(
    inner: list[Mention], generators: Sequence[CandidateGenerator], pool: dict[str, Candidate]
) -> None:
    """Add to ``pool`` the codes the inner mentions propose through the lexicon and the
    hierarchy that no other mention proposed: the candidates of the note's mentions stay as
    they are, whatever the longer terms hid."""
    found: dict[str, Candidate] = {}
    for generator in generators:
        if isinstance(generator, (LexiconCandidates, HierarchyCandidates)):
            generator.add(inner, found)
    for code, cand in found.items():
        if code not in pool:
            pool[code] = cand


def _sections_at(doc: Doc, procedures: list[ProcedureMention]) -> dict[int, str]:
    """The section of each procedure mention, by its first character."""
    sections = getattr(doc._, "sections", None) or []
    starts = [doc[min(s.title_start, s.body_start)].idx for s in sections if len(doc)]
    out = {}
    for proc in procedures:
        i = bisect_right(starts, proc.start) - 1
        out[proc.start] = (sections[i].category if i >= 0 else None) or "none"
    return out


def add_learned(out: list[Candidate], learned: NoteScores, systems: CodeSystems) -> None:
    """Attach a trained model's scores to the note's candidates ``out``, add the labels it
    scores highest (procedure codes too; ``candidates.described``), and describe them all
    among each other."""
    n_mentions = out[0].note_mentions if out else 0
    keys = [label(cand.system, cand.code) for cand in out]
    seen = set(keys)
    mark_proposed(out, learned.labels)
    for key in learned.labels:
        if key in seen:
            continue
        cand = described(*split_label(key), systems)
        if cand is None:
            continue
        cand.sources.add("learned")
        cand.note_mentions = n_mentions
        out.append(cand)
        keys.append(key)
    # the words that drove a code are its evidence only when no mention names it
    scores = learned.get_many(keys, terms_for=[not cand.mentions for cand in out])
    for cand, score in zip(out, scores, strict=True):
        cand.learned = score
    set_context(out)


def mark_proposed(cands: list[Candidate], labels: Collection[str]) -> None:
    """Give source ``learned`` to the candidates whose only mentions are inner ones that a
    trained model proposes itself (``labels``): they stand on what it learned, as they did
    before those mentions were read, and may be recommended."""
    wanted = set(labels)
    for cand in cands:
        if inner_only(cand) and label(cand.system, cand.code) in wanted:
            cand.sources.add("learned")


def set_context(cands: list[Candidate]) -> None:
    """Describe each candidate among the note's other candidates of its code system: how many
    there are, where the classifier puts it among them, and what its siblings (same category)
    have. Diagnoses and procedures are described apart, so that the procedures a note names
    change nothing of how its diagnoses are described."""
    by_system: dict[str, list[Candidate]] = defaultdict(list)
    for cand in cands:
        by_system[cand.system].append(cand)
    for group in by_system.values():
        _set_context(group)
        # a code that may be recommended is described among those that may be too: the codes
        # held back (``held_back``) change nothing of how the others are described
        kept = [c for c in group if not held_back(c)]
        if len(kept) < len(group):
            _set_context(kept)


def _set_context(cands: list[Candidate]) -> None:
    if not cands:
        return
    scores = [c.learned.classifier if c.learned is not None else -1.0 for c in cands]
    order = sorted(range(len(cands)), key=lambda i: -scores[i])
    rank = [0] * len(cands)
    for r, i in enumerate(order, start=1):
        rank[i] = r
    fifth = scores[order[4]] if len(cands) >= 5 else None
    families: dict[str, list[int]] = defaultdict(list)
    keys = [category(label(c.system, c.code)) for c in cands]
    for i, key in enumerate(keys):
        families[key].append(i)
    for i, c in enumerate(cands):
        family = families[keys[i]]
        best = -1.0
        mentions = 0
        for j in family:
            if j != i:
                best = max(best, scores[j])
                mentions = max(mentions, len(cands[j].mentions))
        c.context = NoteContext(
            candidates=len(cands),
            classifier_rank=rank[i],
            sibling_classifier=best,
            siblings=len(family) - 1,
            sibling_mentions=mentions,
            above_fifth=0.0 if fifth is None else scores[i] - fifth,
        )
