"""The findings of one note: for each billed code whether the note supports it, a more specific
code it documents, or a coding rule the billed combination breaks; and the codes the engine
recommends that were never billed.

``confidence`` is the engine's support for the row's code in the note (``Engine.assess_many``):
its calibrated confidence that a coder would report the code. A billed code is **supported**
when the engine recommends it; when a present mention names it; when the note names it only
otherwise (negated, possible, historical, family, hypothetical) but the engine's confidence
still reaches its recommendation threshold (a trained model learned its site codes such
mentions); or when no mention names it but the engine proposed it or a trained model found the
note's words behind it, with a confidence of at least ``min_support``. Otherwise it is
**unsupported** (its evidence, if any, shows what the note said instead: a negated or
family-history mention). Each billed code gets one row, the first that applies of:

1. ``more_specific_available``: the note documents (the engine recommends) a code that says
   more than the billed one by a relation of ``data/specificity_kinds.tsv``
   (:mod:`~codesuggest.audit.specificity`): a billable descendant of a billed category that
   is not billable, a code of an unspecified or residual ``.9`` billed code's category naming
   the same condition more specifically, or a code the model's supersedes table names as more
   specific. ``related`` names it, ``rule`` the model's rule that knows the relation and
   ``detail`` why.
2. ``unsupported``.
3. ``conflict``: with the other supported billed codes it breaks a coding rule of the model's
   rule set whose kind ``data/conflict_kinds.tsv`` lists (Excludes1, a code beside its own
   descendant, sex and age edits); ``rule`` names the rule, ``related`` the other code.
4. ``supported``.

A recommended code that was not billed is **missed** unless a billed code is its ancestor or
descendant (billed as a category or more specifically) or names it as the more specific code.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from codesuggest.audit.impact import Impact, ImpactTables
from codesuggest.audit.specificity import Specificity
from codesuggest.candidates.base import Candidate
from codesuggest.codesets.catalogs import Catalog
from codesuggest.codesets.code_systems import CodeSystems
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.codesets.systems import CM
from codesuggest.io.tables import parse_table
from codesuggest.rules.base import Scored
from codesuggest.rules.engine import KINDS, RuleSet
from codesuggest.types import Evidence, Note, NoteAssessment, Suggestion, Support

FINDINGS = ("unsupported", "missed", "more_specific_available", "conflict", "supported")
COLUMNS = (
    "note_id",
    "code",
    "system",
    "finding",
    "confidence",
    "evidence",
    "rule",
    "related",
    "detail",
    "description",
    "severity",
    "hcc",
    "impact",
    "worth",
)
# chosen on CodiEsp dev with a model trained on CodiEsp train (benchmarks/audit_codiesp.py)
DEFAULT_MIN_SUPPORT = 0.03


@dataclass(frozen=True)
class Finding:
    """One row of ``findings.csv``: a (note, code) pair and what the audit found."""

    note_id: str
    code: str
    system: str
    finding: str
    confidence: float
    evidence: str  # JSON: [{"start", "end", "text", "assertion", "kind"}, ...]
    rule: str = ""
    related: str = ""  # the more specific code, or the other code of a conflict
    detail: str = ""
    description: str = ""
    severity: str = ""  # MS-DRG: MCC, CC or ""
    hcc: str = ""  # CMS-HCC V28 category, or ""
    impact: str = ""
    worth: int = 0

    def to_row(self) -> dict[str, Any]:
        return {c: getattr(self, c) for c in COLUMNS}

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Finding:
        return cls(**{c: row[c] for c in COLUMNS})

    @property
    def spans(self) -> list[dict[str, Any]]:
        spans: list[dict[str, Any]] = json.loads(self.evidence)
        return spans


@dataclass
class Context:
    """What classifying a note's codes reads besides the note: the code set, the model's
    rules, the impact tables, the support a billed code needs and the user catalogs
    registered (their codes' titles)."""

    codeset: Icd10Cm
    rules: RuleSet
    impact: ImpactTables
    min_support: float = DEFAULT_MIN_SUPPORT
    catalogs: Mapping[str, Catalog] = field(default_factory=dict)
    specificity: Specificity = field(init=False)
    systems: CodeSystems = field(init=False)  # the code systems, by name

    def __post_init__(self) -> None:
        self.specificity = Specificity(self.rules)
        self.systems = CodeSystems(self.codeset, self.catalogs)


@cache
def conflict_kinds() -> frozenset[str]:
    """The rule kinds whose firing on billed codes is a conflict (``data/conflict_kinds.tsv``)."""
    text = resources.files("codesuggest.audit").joinpath("data", "conflict_kinds.tsv").read_text()
    rows = parse_table(text, "conflict_kinds.tsv", ("kind", "why"))
    kinds = frozenset(row["kind"] for row in rows)
    unknown = kinds - set(KINDS)
    if unknown:
        raise ValueError(f"conflict_kinds.tsv: unknown rule kinds {sorted(unknown)}")
    return kinds


def supported(s: Support, min_support: float) -> bool:
    """Whether the note supports a code (see the module)."""
    if s.recommended:
        return True
    mentions = {e.assertion for e in s.evidence if e.kind == "mention"}
    if "present" in mentions:
        return True
    if mentions:  # named only negated, possible, historical, family or hypothetical
        return s.confidence >= s.threshold
    # learned from the note's words, or proposed by the engine without a mention
    return (s.proposed or bool(s.evidence)) and s.confidence >= min_support


def note_findings(
    note: Note, assessment: NoteAssessment, billed: Sequence[tuple[str, str]], ctx: Context
) -> list[Finding]:
    """The findings of one note (see the module), sorted by system, code and finding."""
    cs = ctx.codeset
    recommended = [s for s in assessment.result.suggestions if s.recommended]
    billed_set = set(billed)
    unbilled = [s for s in recommended if (s.system, s.code) not in billed_set]
    support = assessment.support
    ok = {key for key in billed if supported(support[key], ctx.min_support)}
    conflicts = _conflicts(note, [support[k] for k in billed if k in ok], ctx)
    out: list[Finding] = []
    named: set[tuple[str, str]] = set()
    documented = {
        s.code: s for s in sorted(unbilled, key=lambda o: (-o.confidence, o.code)) if s.system == CM
    }
    for key in billed:
        s = support[key]
        specific = (
            ctx.specificity.more_specific(s.code, list(documented), cs) if s.system == CM else None
        )
        if specific is not None:
            better = documented[specific.code]
            named.add((better.system, better.code))
            detail = f"the note documents {better.code} ({better.description}): {specific.why}"
            out.append(
                _finding(
                    note,
                    s,
                    "more_specific_available",
                    ctx,
                    better.evidence,
                    specific.rule,
                    better,
                    detail=detail,
                )
            )
        elif key not in ok:
            out.append(_finding(note, s, "unsupported", ctx, s.evidence, detail=_why_not(s)))
        elif key in conflicts:
            rule, other, detail = conflicts[key]
            out.append(_finding(note, s, "conflict", ctx, s.evidence, rule, None, other, detail))
        else:
            out.append(_finding(note, s, "supported", ctx, s.evidence))
    for sug in unbilled:
        key = (sug.system, sug.code)
        if key in named or _in_lineage(sug, billed_set, cs):
            continue
        out.append(_missed(note, sug, ctx))
    out.sort(key=lambda f: (f.system, f.code, f.finding))
    return out


def _why_not(s: Support) -> str:
    if not s.evidence:
        return "nothing in the note names it"
    said = sorted({e.assertion for e in s.evidence})
    if "present" not in said:
        return f"the note mentions it only as {', '.join(said)}"
    return f"its support ({s.confidence:.2f}) is below the audit's minimum"


def _finding(
    note: Note,
    s: Support,
    finding: str,
    ctx: Context,
    evidence: Sequence[Evidence],
    rule: str = "",
    better: Suggestion | None = None,
    related: str = "",
    detail: str = "",
) -> Finding:
    impact = (
        ctx.impact.of(better.system, better.code)
        if better is not None
        else ctx.impact.of(s.system, s.code)
    )
    return _row(
        note.note_id,
        s.code,
        s.system,
        finding,
        s.confidence,
        evidence,
        rule,
        better.code if better is not None else related,
        detail,
        ctx.systems.title(s.system, s.code),
        impact,
    )


def _missed(note: Note, s: Suggestion, ctx: Context) -> Finding:
    impact = ctx.impact.of(s.system, s.code)
    detail = "recommended by the engine and not billed"
    return _row(
        note.note_id,
        s.code,
        s.system,
        "missed",
        s.confidence,
        s.evidence,
        "",
        "",
        detail,
        s.description,
        impact,
    )


def _row(
    note_id: str,
    code: str,
    system: str,
    finding: str,
    confidence: float,
    evidence: Sequence[Evidence],
    rule: str,
    related: str,
    detail: str,
    description: str,
    impact: Impact,
) -> Finding:
    # the evidence as suggestions give it (``Evidence.to_dict``), less its section
    spans = [{k: v for k, v in e.to_dict().items() if k != "section"} for e in evidence]
    return Finding(
        note_id,
        code,
        system,
        finding,
        round(float(confidence), 4),
        json.dumps(spans, ensure_ascii=False, separators=(",", ":")),
        rule,
        related,
        detail,
        description,
        impact.severity,
        impact.hcc,
        str(impact),
        impact.worth,
    )


def _in_lineage(s: Suggestion, billed: set[tuple[str, str]], cs: Icd10Cm) -> bool:
    """Whether a billed code is ``s``'s ancestor or descendant (same system)."""
    if s.system != CM or s.code not in cs:
        return False
    above = set(cs.ancestors(s.code))
    for system, code in billed:
        if system != CM or code not in cs:
            continue
        if code in above or s.code in cs.ancestors(code):
            return True
    return False


def _conflicts(
    note: Note, billed: list[Support], ctx: Context
) -> dict[tuple[str, str], tuple[str, str, str]]:
    """The supported billed codes a conflict rule withdraws or drops, each with the rule's
    name, the other code and the rule's flag: the model's own rules, applied to the billed
    codes as if the engine recommended them all."""
    items = [
        Scored(
            Suggestion(
                s.code,
                s.system,
                ctx.systems.title(s.system, s.code),
                s.confidence,
                recommended=True,
                evidence=list(s.evidence),
            ),
            Candidate(s.code, system=s.system, title=ctx.systems.title(s.system, s.code)),
        )
        for s in billed
    ]
    before = {(i.suggestion.system, i.suggestion.code): i for i in items}
    kinds = conflict_kinds()
    out: dict[tuple[str, str], tuple[str, str, str]] = {}
    for rule in ctx.rules.rules:
        if rule.kind not in kinds:
            continue
        live = [i for i in items if (i.suggestion.system, i.suggestion.code) not in out]
        kept = KINDS[rule.kind](rule, live, note, ctx.codeset)
        kept_keys = {(i.suggestion.system, i.suggestion.code) for i in kept}
        for item in live:
            key = (item.suggestion.system, item.suggestion.code)
            if key not in kept_keys:  # dropped beside a descendant
                other = _descendant(item.suggestion.code, before, ctx.codeset)
                out[key] = (rule.name, other, f"billed beside its descendant {other}")
            elif item.withdrawn and rule.name in item.suggestion.rules:
                flag = item.suggestion.flags[-1] if item.suggestion.flags else rule.description
                other = _excluded_partner(item.suggestion.code, before, ctx.codeset)
                out[key] = (rule.name, other, flag)
        items = [i for i in items if (i.suggestion.system, i.suggestion.code) in kept_keys]
    return out


def _descendant(code: str, billed: dict[tuple[str, str], Scored], cs: Icd10Cm) -> str:
    return next(
        (c for (_, c) in sorted(billed) if c in cs and code in cs.ancestors(c)),
        "",
    )


def _excluded_partner(code: str, billed: dict[tuple[str, str], Scored], cs: Icd10Cm) -> str:
    if code not in cs:
        return ""
    return next(
        (
            c
            for (_, c) in sorted(billed)
            if c != code and c in cs and cs.excludes1_conflict(code, c)
        ),
        "",
    )
