"""Operating thresholds, and (only when asked) the settings of adaptable rules, chosen on
held-out notes.

Some rules that withdraw recommendations are coding policy more than coding law, and sites
differ: the inpatient guidelines report uncertain diagnoses as if established (outpatient ones
do not), and coders report both codes of an Excludes1 pair when the conditions are unrelated.
Such a rule declares its adaptable settings and their effect in plain words in the rule data
(rules/adaptable.py). By default a trained model keeps the packaged rules; with ``adapt`` it
measures, on notes its ranker did not see, the micro-F1 of its recommendations after the rules
with each setting, keeps the best (the packaged one unless another is better by ``MIN_GAIN``)
and states what each relaxed rule makes the model do. A relaxed rule still flags the suggestion
for the coder; rules that encode the code set (billable codes, sex and age edits, combination
codes) declare no adaptable setting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import product
from typing import Any

import numpy as np
import numpy.typing as npt

from codesuggest.candidates.base import Candidate, held_back
from codesuggest.candidates.learned import Label, label
from codesuggest.codesets.icd10cm import SYSTEM, Icd10Cm
from codesuggest.rules.adaptable import Adaptation, adaptations
from codesuggest.rules.engine import RuleSet
from codesuggest.rules.finish import names_code
from codesuggest.stages import Decision
from codesuggest.training.metrics import Tally, best_threshold
from codesuggest.types import Assertion, Note

# a code system gets a threshold of its own when its held-out rows hold this many gold codes
MIN_POSITIVES = 30
# a setting other than the strictest must beat it by this much held-out micro-F1
MIN_GAIN = 0.002
# suggestions per note when measuring (as `codesuggest evaluate` reports them)
TOP = 30


@dataclass(frozen=True)
class Choice:
    """The chosen rules and thresholds, and what every setting scored."""

    rules: RuleSet
    threshold: float
    thresholds: dict[str, float]
    f1: float
    # {"settings": {rule: params}, "f1": ..., "chosen": True on the one kept} for each setting
    tried: list[dict[str, Any]]
    # what each relaxed rule makes the model do: {"rule", "setting", "effect", "held_out_f1",
    # "packaged_f1"} (F1 with the same settings but this rule as packaged); [] when none is
    adaptations: list[dict[str, Any]] = field(default_factory=list)


def recommendable(
    c: Candidate,
    affirmed: frozenset[str] | None = frozenset({"present"}),
    named: bool = True,
) -> bool:
    """Whether the rules could leave ``c`` recommended: billable, not held back (its only
    mentions inside longer terms: ``candidates.base.held_back``), named by a mention (unless
    ``named`` is False: the rules then recommend codes learned from the note as a whole), and
    (unless ``affirmed`` is None) supported by a mention of an ``affirmed`` kind (as
    ``candidates.assertion`` read it for the code)."""
    if (c.system == SYSTEM and not c.billable) or held_back(c) or (named and not names_code(c)):
        return False
    return (
        affirmed is None or not c.mentions or any(m.assertion.value in affirmed for m in c.mentions)
    )


def choose(
    rules: RuleSet,
    adapt: bool,
    notes: Mapping[int, Note],
    cands: Sequence[Candidate],
    probs: npt.NDArray[np.float64],
    groups: Sequence[int],
    gold: Sequence[set[Label]],
    systems: Sequence[str],
    codeset: Icd10Cm,
) -> Choice:
    """Thresholds for the held-out rows ``cands`` (of notes ``groups``) with probabilities
    ``probs`` under ``rules`` as packaged; with ``adapt``, also the settings of the adaptable
    rules (each rule's packaged setting or one it declares adaptable)."""
    labels = np.asarray(
        [int(label(c.system, c.code) in gold[g]) for c, g in zip(cands, groups, strict=True)]
    )
    row_systems = np.asarray([c.system for c in cands])
    options = {r.name: adaptations(r) for r in rules.rules} if adapt else {}
    adaptable = [name for name, found in options.items() if found]
    best: Choice | None = None
    winner = 0
    tried = []
    f1_of: dict[tuple[int, ...], float] = {}
    best_picks: tuple[int, ...] = ()
    best_chosen: dict[str, Adaptation] = {}
    for picks in product(*(range(len(options[name]) + 1) for name in adaptable)):
        # pick 0 keeps the packaged rule, pick i the rule's (i-1)-th adaptable setting
        chosen = {name: options[name][i - 1] for name, i in zip(adaptable, picks, strict=True) if i}
        ruleset = RuleSet(
            [chosen[r.name].applied(r) if r.name in chosen else r for r in rules.rules]
        )
        affirmed, named = _affirmed(ruleset), _named(ruleset)
        eligible = np.asarray([recommendable(c, affirmed, named) for c in cands])
        scores = np.where(eligible, probs, 0.0)
        threshold, _ = best_threshold(labels, scores)
        thresholds = {
            system: best_threshold(labels[row_systems == system], scores[row_systems == system])[0]
            for system in systems
            if labels[row_systems == system].sum() >= MIN_POSITIVES
        }
        decision = Decision(threshold, thresholds, ruleset, codeset)
        f1 = _micro_f1(decision, notes, cands, probs, groups, gold)
        f1_of[picks] = f1
        tried.append({"settings": {k: a.setting for k, a in chosen.items()}, "f1": round(f1, 4)})
        if best is None or f1 > best.f1 + MIN_GAIN:
            best = Choice(ruleset, threshold, thresholds, f1, tried)
            winner = len(tried) - 1
            best_picks, best_chosen = picks, chosen
    assert best is not None  # product() of no lists still yields one empty setting
    tried[winner]["chosen"] = True
    return replace(
        best, tried=tried, adaptations=_statements(adaptable, best_picks, best_chosen, f1_of)
    )


def _statements(
    adaptable: list[str],
    picks: tuple[int, ...],
    chosen: dict[str, Adaptation],
    f1_of: dict[tuple[int, ...], float],
) -> list[dict[str, Any]]:
    """What each relaxed rule of the winning ``picks`` does, with the held-out F1 it won by."""
    out = []
    for at, name in enumerate(adaptable):
        if name not in chosen:
            continue
        packaged = (*picks[:at], 0, *picks[at + 1 :])
        out.append(
            {
                "rule": name,
                "setting": chosen[name].setting,
                "effect": chosen[name].effect,
                "held_out_f1": round(f1_of[picks], 4),
                "packaged_f1": round(f1_of[packaged], 4),
            }
        )
    return out


def _affirmed(rules: RuleSet) -> frozenset[str] | None:
    """The assertions the affirmed-evidence rule accepts, or None if it withdraws nothing."""
    for r in rules.rules:
        if r.kind == "require_affirmed":
            if not r.params.get("withdraw", True):
                return None
            return frozenset(r.params.get("affirmed", [Assertion.PRESENT.value]))
    return None


def _named(rules: RuleSet) -> bool:
    """Whether the rules recommend only codes a mention names (``require_mention``)."""
    return any(r.kind == "require_mention" and r.params.get("withdraw", True) for r in rules.rules)


def _micro_f1(
    decision: Decision,
    notes: Mapping[int, Note],
    cands: Sequence[Candidate],
    probs: npt.NDArray[np.float64],
    groups: Sequence[int],
    gold: Sequence[set[Label]],
) -> float:
    """The micro F1 of the codes ``decision`` recommends for the held-out notes."""
    per: dict[int, list[int]] = {}
    for i, g in enumerate(groups):
        per.setdefault(g, []).append(i)
    tally = Tally()
    for g, rows in per.items():
        suggestions = decision.suggestions(
            notes[g], [cands[i] for i in rows], [float(probs[i]) for i in rows], TOP
        )
        chosen = [label(s.system, s.code) for s in suggestions if s.recommended]
        tally.add((), chosen, gold[g], ranking=False)
    return tally.f1
