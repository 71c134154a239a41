"""Builds the default model from what we may ship: the code set, our lexicon, synthetic notes.

No patient data and no downloads: ``build_default_model`` reads ICD-10-CM from the
``simple-icd-10-cm`` package, compiles the lexicon, generates synthetic notes from the
templates, fits the ranker on their candidates and writes a checksummed model directory.
"""

from __future__ import annotations

import json
import pickle
import platform
import random
import shutil
from datetime import datetime, timezone
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from sklearn.model_selection import GroupKFold
from tqdm import tqdm

from codesuggest.candidates.base import Candidate
from codesuggest.candidates.collect import collect_candidates, default_generators
from codesuggest.codesets.history import HistoryMap
from codesuggest.codesets.icd10cm import SYSTEM, Icd10Cm
from codesuggest.codesets.lexicon import Phrase, code_set_phrases, compile_lexicon, data_phrases
from codesuggest.extract.normalize import fingerprint
from codesuggest.extract.pipeline import build_pipeline
from codesuggest.model_dir import write_model_dir
from codesuggest.rank.ranker import best_threshold, make_ranker
from codesuggest.training import synthetic

NAME = "default"
VERSION = "0.1.0"


def _versions() -> dict[str, str]:
    names = ("codesuggest", "spacy", "medspacy", "scikit-learn", "numpy", "simple-icd-10-cm")
    out = {"python": platform.python_version()}
    for n in names:
        try:
            out[n] = metadata.version(n)
        except metadata.PackageNotFoundError:
            out[n] = "not installed"
    return out


def _training_phrases(
    codeset: Icd10Cm, ours: list[Phrase], rng: random.Random, n_titles: int
) -> list[Phrase]:
    """Our curated phrases plus plain forms of a sample of billable code titles."""
    titles = [
        p
        for p in code_set_phrases(codeset)
        if p.source == "variant" and codeset.is_billable(p.code) and len(p.text.split()) <= 6
    ]
    rng.shuffle(titles)
    sample = [Phrase(p.text.lower().strip(" ,"), p.code, p.source) for p in titles[:n_titles]]
    return ours + sample


def build_default_model(
    out: Path,
    *,
    seed: int = 0,
    n_notes: int = 4000,
    progress: bool = True,
    threshold: float | None = None,
) -> Path:
    """Build the default model into ``out`` (atomically) and return its path."""
    rng = random.Random(seed)

    def fill(tmp: Path) -> dict[str, Any]:
        steps = tqdm(total=5, desc="default model", disable=not progress, unit="step")
        codeset = Icd10Cm.from_package()
        history = HistoryMap.load()
        ours = list(data_phrases(codeset))
        index = compile_lexicon([*code_set_phrases(codeset), *ours], codeset)
        steps.update()
        phrases = _training_phrases(codeset, ours, rng, n_titles=max(500, len(ours)))
        notes = list(synthetic.generate(phrases, history, n_notes, seed=seed))
        nlp = build_pipeline(index)
        generators = default_generators(index, codeset, history)
        X: list[Candidate] = []
        y: list[int] = []
        groups: list[int] = []
        docs = nlp.pipe((n.note.text for n in notes), batch_size=128)
        for i, (coded, doc) in enumerate(
            tqdm(
                zip(notes, docs, strict=True),
                total=len(notes),
                desc="synthetic notes",
                disable=not progress,
                leave=False,
            )
        ):
            for cand in collect_candidates(doc, index, codeset, generators):
                X.append(cand)
                y.append(int(cand.code in coded.codes))
                groups.append(i)
        steps.update()
        labels = np.asarray(y)
        # the operating threshold is chosen on notes the ranker did not see
        fit_rows, held_rows = next(GroupKFold(n_splits=3).split(X, labels, groups))
        probe = make_ranker(seed).fit([X[i] for i in fit_rows], labels[fit_rows])
        held_out = probe.predict_proba([X[i] for i in held_rows])[:, 1]
        chosen, f1 = best_threshold(labels[held_rows], held_out)
        steps.update()
        ranker = make_ranker(seed).fit(X, labels)
        steps.update()
        codeset.save(tmp / "icd10cm.pkl")
        with (tmp / "lexicon.pkl").open("wb") as f:
            pickle.dump(index, f, protocol=pickle.HIGHEST_PROTOCOL)
        joblib.dump(ranker, tmp / "ranker.joblib")
        rules = resources.files("codesuggest.rules").joinpath("data").joinpath("rules.json")
        (tmp / "rules.json").write_text(rules.read_text("utf-8"), "utf-8")
        history_file = (
            resources.files("codesuggest.codesets").joinpath("data").joinpath("history_codes.tsv")
        )
        shutil.copyfile(str(history_file), tmp / "history_codes.tsv")
        final = threshold if threshold is not None else chosen
        config = {"threshold": final, "seed": seed, "systems": [SYSTEM]}
        (tmp / "config.json").write_text(json.dumps(config, indent=2) + "\n", "utf-8")
        steps.update()
        steps.close()
        return {
            "name": NAME,
            "version": VERSION,
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "description": "Default model: ICD-10-CM lexicon and a ranker fitted on synthetic "
            "notes; no patient data.",
            "training_data": {
                "kind": "synthetic",
                "notes": len(notes),
                "seed": seed,
                "candidates": len(X),
                "positives": int(labels.sum()),
                "curated_phrases": len(ours),
            },
            "lexicon": {
                "keys": len(index),
                "phrases_curated": len(ours),
                "normalizer": fingerprint(),
            },
            "code_sets": {SYSTEM: codeset.release},
            "metrics": {
                "synthetic_heldout_f1": round(f1, 4),
                "synthetic_threshold": round(chosen, 4),
            },
            "threshold": final,
            "versions": _versions(),
        }

    return write_model_dir(out, fill)
