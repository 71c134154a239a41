"""Trains a model on a site's coded notes: everything the default model has, plus what the
notes teach (a text classifier over their label space, nearest notes, code priors), with the
ranker fitted on out-of-fold candidates and calibrated on held-out notes.

The Engine never trains; this module builds the parts an Engine loads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import GroupKFold, KFold
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits
from tqdm import tqdm

from codesuggest.candidates.base import Candidate, Sources
from codesuggest.candidates.learned import LearnedScorer, label, learned_text, split_label
from codesuggest.codesets.history import HistoryMap
from codesuggest.codesets.icd10cm import SYSTEM, Icd10Cm
from codesuggest.codesets.icd10pcs import RELEASE as PCS_RELEASE
from codesuggest.codesets.lexicon import data_phrases
from codesuggest.codesets.shipped import shipped_lexicon
from codesuggest.codesets.systems import PCS
from codesuggest.errors import InputError
from codesuggest.extract.normalize import fingerprint
from codesuggest.model_card import ModelConfig
from codesuggest.model_dir import write_model_dir
from codesuggest.rank.features import FEATURES
from codesuggest.rank.ranker import make_ranker
from codesuggest.rules.engine import RuleSet
from codesuggest.stages import Extraction, score_learned
from codesuggest.training.artefacts import (
    library_versions,
    synthetic_rows,
    training_phrases,
    write_artefacts,
)
from codesuggest.training.corpus import CodedNote, feedback_url, read_corpus
from codesuggest.training.metrics import Ranked, evaluate
from codesuggest.training.phrases import choose_rule, phrase_stats, with_phrases
from codesuggest.training.rule_choice import choose


@dataclass(frozen=True)
class TrainConfig:
    """How a model is trained (saved in its card)."""

    name: str = "trained"
    version: str = "1"
    seed: int = 0
    folds: int = 5
    synthetic_notes: int = 0  # synthetic notes mixed into the ranker's rows (0: none)
    trees: int = 150
    learning_rate: float = 0.1
    leaves: int = 31
    # adapt the rules that declare adaptable settings to the site's coding (default: packaged)
    adapt_rules: bool = False

    def ranker(self) -> Pipeline:
        return make_ranker(
            self.seed,
            max_iter=self.trees,
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.leaves,
        )


def read_training_data(specs: list[str], codeset: Icd10Cm) -> tuple[list[CodedNote], list[str]]:
    """Every corpus of ``specs`` together; an id in two corpora is an error, except that coders'
    feedback (``feedback:DB_URL``) edits the gold of the same note from a file corpus."""
    notes: list[CodedNote] = []
    decisions: list[CodedNote] = []
    summaries: list[str] = []
    seen: dict[bool, dict[str, str]] = {False: {}, True: {}}  # from feedback? -> id -> spec
    for spec in specs:
        corpus, report = read_corpus(spec, codeset)
        from_feedback = feedback_url(spec) is not None
        ids = seen[from_feedback]
        for coded in corpus:
            if coded.note.note_id in ids:
                raise InputError(
                    f"note id {coded.note.note_id!r} is in both {ids[coded.note.note_id]} "
                    f"and {spec}"
                )
            ids[coded.note.note_id] = spec
        (decisions if from_feedback else notes).extend(corpus)
        summaries.append(report.summary())
    notes, edited = merge_feedback(notes, decisions)
    if edited:
        summaries.append(f"feedback edited the gold codes of {edited:,} notes of other corpora")
    if not notes:
        raise InputError("no coded notes to train on")
    return notes, summaries


def merge_feedback(
    notes: list[CodedNote], feedback: list[CodedNote]
) -> tuple[list[CodedNote], int]:
    """``notes`` with coders' decisions applied, and how many of them the decisions edited.

    A feedback note with the id of a note in ``notes`` edits that note's gold, code by code:
    accepted and added codes join it, rejected codes leave it; the note's text stays. Other
    feedback notes are appended as notes of their own.
    """
    by_id = {coded.note.note_id: coded for coded in feedback}
    merged: list[CodedNote] = []
    for coded in notes:
        fb = by_id.pop(coded.note.note_id, None)
        if fb is None:
            merged.append(coded)
        else:
            merged.append(replace(coded, codes=(coded.codes - fb.rejected) | fb.codes))
    edited = len(feedback) - len(by_id)
    return merged + list(by_id.values()), edited


def train_model(
    specs: list[str], out: Path, config: TrainConfig | None = None, *, progress: bool = True
) -> Path:
    """Train on the corpora named by ``specs`` and write the model to ``out`` atomically."""
    cfg = config or TrainConfig()

    def fill(tmp: Path) -> dict[str, Any]:
        steps_total = 2 * cfg.folds + 4
        with tqdm(total=steps_total, disable=not progress, unit="step") as steps:
            stage = partial(_stage, steps)
            stage("reading the notes, choosing learned phrases")
            codeset = Icd10Cm.from_package()
            notes, summaries = read_training_data(specs, codeset)
            history = HistoryMap.load()
            ours = list(data_phrases(codeset))
            index = shipped_lexicon(codeset, ours)
            extraction = Extraction.build(Sources(index, codeset, history))
            texts = [n.note.text for n in notes]
            settings = [n.note.setting for n in notes]
            gold = [{label(system, code) for system, code in n.codes} for n in notes]
            folds = list(
                KFold(n_splits=cfg.folds, shuffle=True, random_state=cfg.seed).split(texts)
            )
            # learned phrases: thresholds chosen by cross-validation on the same folds
            stats = phrase_stats(texts, [n.codes_of(SYSTEM) for n in notes], index)
            phrase_cv = stats.cross_validate(folds)
            rule = choose_rule(phrase_cv)
            steps.update()
            # lexicon candidates of each note, from phrases mined without its fold (as the
            # final model's are for new notes), and the text the learned scorer reads
            per_note: list[list[Candidate]] = [[] for _ in notes]
            read = list(texts)
            for fold, (fit_idx, held_idx) in enumerate(folds, start=1):
                stage(f"candidates, fold {fold} of {cfg.folds}")
                fold_index = with_phrases(index, stats.select(rule, fit_idx), rule.pseudo_notes)
                found = extraction.over(fold_index).candidates(
                    [texts[i] for i in held_idx], [settings[i] for i in held_idx]
                )
                for i, cands in zip(held_idx, found, strict=True):
                    per_note[i] = cands
                    read[i] = learned_text(texts[i], cands)
                steps.update()
            # learned scores out of fold
            for fold, (fit_idx, held_idx) in enumerate(folds, start=1):
                stage(f"classifier scores, fold {fold} of {cfg.folds}")
                scorer = LearnedScorer(seed=cfg.seed).fit(
                    [read[i] for i in fit_idx], [gold[i] for i in fit_idx]
                )
                score_learned(
                    scorer,
                    [read[i] for i in held_idx],
                    [per_note[i] for i in held_idx],
                    extraction.systems,
                )
                steps.update()
            X: list[Candidate] = [c for cands in per_note for c in cands]
            y: list[int] = [
                int(label(c.system, c.code) in gold[i])
                for i, cands in enumerate(per_note)
                for c in cands
            ]
            groups: list[int] = [i for i, cands in enumerate(per_note) for _ in cands]
            n_real = len(X)
            stage("ranker rows" + (", synthetic notes" if cfg.synthetic_notes else ""))
            sx, sy, sgroups = (
                ([], [], [])
                if not cfg.synthetic_notes
                else synthetic_rows(
                    extraction,
                    training_phrases(codeset, ours, cfg.seed),
                    cfg.synthetic_notes,
                    cfg.seed,
                    progress,
                )
            )
            X += sx
            y += sy
            groups += [len(notes) + g for g in sgroups]
            labels = np.asarray(y)
            steps.update()
            # thresholds, rule settings and held-out metrics: a ranker fitted without a third
            # of the real notes, drawn by the seed alone (not balanced by candidate rows, which
            # moved the held-out notes, and the threshold, with any change to the candidates)
            stage(
                "thresholds" + (", rule settings" if cfg.adapt_rules else "") + " on held-out notes"
            )
            fit_rows, held_rows = next(
                GroupKFold(n_splits=3, shuffle=True, random_state=cfg.seed).split(
                    X[:n_real], labels[:n_real], groups[:n_real]
                )
            )
            probe_rows = np.concatenate([fit_rows, np.arange(n_real, len(X))])
            probe = cfg.ranker().fit([X[i] for i in probe_rows], labels[probe_rows])
            held = [X[i] for i in held_rows]
            held_p = probe.predict_proba(held)[:, 1]
            held_groups = [groups[i] for i in held_rows]
            choice = choose(
                RuleSet.from_json(),
                cfg.adapt_rules,
                {g: notes[g].note for g in set(held_groups)},
                held,
                held_p,
                held_groups,
                gold,
                _systems(notes),
                codeset,
            )
            threshold, thresholds = choice.threshold, choice.thresholds
            metrics = _held_out_metrics(
                held,
                held_p,
                held_groups,
                lambda system: thresholds.get(system, threshold),
                gold,
            )
            steps.update()
            stage("final ranker and classifier")
            ranker = cfg.ranker().fit(X, labels)
            learned = LearnedScorer(seed=cfg.seed).fit(read, gold)
            phrases = stats.select(rule)
            final_index = with_phrases(index, phrases, rule.pseudo_notes)
            write_artefacts(
                tmp,
                codeset,
                final_index,
                ranker,
                ModelConfig(
                    threshold=threshold,
                    thresholds=thresholds,
                    seed=cfg.seed,
                    systems=_systems(notes),
                    # its ranker learned from coded notes how often coders code the codes
                    # only inner mentions support (``rules.finish.held_back``)
                    ranks_held_back=True,
                ),
                learned,
                choice.rules,
            )
            steps.update()
            return {
                "name": cfg.name,
                "version": cfg.version,
                "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "description": "Trained on coded notes, with the default lexicon and rules.",
                "training_data": {
                    "sources": specs,
                    "notes": len(notes),
                    "labels": len(learned.labels_),
                    "candidates": n_real,
                    "synthetic_notes": cfg.synthetic_notes,
                    "summaries": summaries,
                },
                "config": {
                    "seed": cfg.seed,
                    "folds": cfg.folds,
                    "adapt_rules": cfg.adapt_rules,
                    "learned_phrases": {
                        "min_support": rule.min_support,
                        "min_precision": rule.min_precision,
                        "pseudo_notes": rule.pseudo_notes,
                        "cv_precision_recall_f1": [round(v, 4) for v in phrase_cv[rule]],
                    },
                },
                "lexicon": {
                    "keys": len(final_index),
                    "phrases_curated": len(ours),
                    "phrases_learned": len(phrases),
                    "normalizer": fingerprint(),
                },
                "code_sets": {SYSTEM: codeset.release, PCS: PCS_RELEASE},
                "metrics": {
                    "held_out": metrics,
                    "held_out_f1_after_rules": round(choice.f1, 4),
                },
                "rule_settings": choice.tried,
                "rule_adaptations": choice.adaptations,
                "threshold": threshold,
                "thresholds": thresholds,
                "stages": {"generators": list(extraction.generator_names)},
                "ranker": {"features": list(FEATURES)},
                "versions": library_versions(),
            }

    # one OpenMP thread: the trees' parallel sums would otherwise vary from run to run
    with threadpool_limits(limits=1, user_api="openmp"):
        return write_model_dir(out, fill)


def _stage(steps: tqdm[Any], text: str) -> None:
    """Name the stage the progress bar is in (``train: candidates, fold 2 of 5``)."""
    steps.set_description_str(f"train: {text}")


def _systems(notes: list[CodedNote]) -> list[str]:
    return sorted({system for n in notes for system, _ in n.codes} | {SYSTEM})


def _held_out_metrics(
    cands: list[Candidate],
    probs: Any,
    note_ids: list[int],
    threshold: Callable[[str], float],
    gold: list[set[str]],
) -> dict[str, float]:
    """Figures of the probe ranker on the real notes it did not see (before rules), for
    ICD-10-CM alone and for every system."""
    per: dict[int, list[tuple[float, str]]] = {}
    for c, p, g in zip(cands, probs, note_ids, strict=True):
        per.setdefault(g, []).append((float(p), label(c.system, c.code)))
    out: dict[str, float] = {}
    for name, keep in (("icd10cm", f"{SYSTEM}|"), ("all", "")):
        preds = {}
        golds = {}
        for g, rows in per.items():
            rows = sorted((r for r in rows if r[1].startswith(keep)), reverse=True)[:30]
            preds[str(g)] = Ranked(
                [lab for _, lab in rows],
                [p for p, _ in rows],
                [p >= threshold(split_label(lab)[0]) for p, lab in rows],
            )
            wanted = {lab for lab in gold[g] if lab.startswith(keep)}
            if wanted:
                golds[str(g)] = wanted
        for key, value in evaluate(preds, golds).items():
            out[f"{name}_{key}"] = round(value, 4)
    return out
