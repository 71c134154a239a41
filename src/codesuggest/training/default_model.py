"""Builds the default model from what we may ship: the code set, our lexicon, synthetic notes.

No patient data and no downloads: ``build_default_model`` reads ICD-10-CM from the
``simple-icd-10-cm`` package, compiles the lexicon, generates synthetic notes from the
templates, fits the ranker on their candidates and writes a checksummed model directory.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import GroupKFold
from threadpoolctl import threadpool_limits
from tqdm import tqdm

from codesuggest.candidates.base import Sources, inner_only, side_elsewhere
from codesuggest.codesets.alpha_index import noise_entries
from codesuggest.codesets.history import HistoryMap
from codesuggest.codesets.icd10cm import SYSTEM, Icd10Cm
from codesuggest.codesets.icd10pcs import RELEASE as PCS_RELEASE
from codesuggest.codesets.index_convert import RELEASE as INDEX_RELEASE
from codesuggest.codesets.index_convert import SOURCE as INDEX_SOURCE
from codesuggest.codesets.lexicon import data_phrases
from codesuggest.codesets.shipped import shipped_lexicon
from codesuggest.codesets.systems import PCS
from codesuggest.extract.normalize import fingerprint
from codesuggest.model_card import ModelConfig
from codesuggest.model_dir import write_model_dir
from codesuggest.rank.calibration import calibration_to_dict
from codesuggest.rank.features import FEATURES
from codesuggest.rank.ranker import make_ranker
from codesuggest.stages import Extraction
from codesuggest.training.artefacts import (
    library_versions,
    synthetic_rows,
    training_phrases,
    write_artefacts,
)
from codesuggest.training.default_calibration import FILE as CALIBRATION_FILE
from codesuggest.training.default_calibration import load_default_calibration
from codesuggest.training.metrics import best_threshold

NAME = "default"
VERSION = "0.1.0"
N_NOTES = 8000  # synthetic notes of the default build (`codesuggest models build-default`)
SEED = 0


# Every data file of these packages shapes the default model (lexicon, assertion, status,
# rules and their tables, synthetic templates): all are hashed, so a new file cannot be missed.
_RECIPE_PACKAGES = (
    "codesuggest.codesets",
    "codesuggest.extract",
    "codesuggest.rules",
    "codesuggest.training",
)


def _recipe_files() -> tuple[tuple[str, str], ...]:
    return tuple(
        (package, entry.name)
        for package in _RECIPE_PACKAGES
        for entry in sorted(
            resources.files(package).joinpath("data").iterdir(), key=lambda e: e.name
        )
        if entry.is_file() and entry.name != CALIBRATION_FILE
    )


# fitted against the model the files above build (training/calibrate_default.py)
_CALIBRATION_FILE = ("codesuggest.training", CALIBRATION_FILE)


def _digest(files: tuple[tuple[str, str], ...]) -> str:
    digest = hashlib.sha256(VERSION.encode())
    for package, name in files:
        digest.update(resources.files(package).joinpath("data").joinpath(name).read_bytes())
    return digest.hexdigest()[:16]


def recipe_fingerprint() -> str:
    """A hash of the shipped data the default model is built from: when it changes (an
    upgrade), ``models build-default --if-missing`` rebuilds the model."""
    return _digest((*_recipe_files(), _CALIBRATION_FILE))


def ranker_recipe_fingerprint() -> str:
    """The same hash without the calibration: what the calibration was fitted against."""
    return _digest(_recipe_files())


def build_default_model(
    out: Path,
    *,
    seed: int = SEED,
    n_notes: int = N_NOTES,
    progress: bool = True,
    threshold: float | None = None,
    calibrate: bool = True,
) -> Path:
    """Build the default model into ``out`` (atomically) and return its path; ``calibrate``
    copies in the packaged calibration (``data/default_calibration.json``)."""
    fitted = load_default_calibration() if calibrate else None

    def fill(tmp: Path) -> dict[str, Any]:
        steps = tqdm(total=5, desc="default model", disable=not progress, unit="step")
        codeset = Icd10Cm.from_package()
        history = HistoryMap.load()
        ours = list(data_phrases(codeset))
        index = shipped_lexicon(codeset, ours)
        steps.update()
        phrases = training_phrases(codeset, ours, seed)
        extraction = Extraction.build(Sources(index, codeset, history))
        X, y, groups = synthetic_rows(extraction, phrases, n_notes, seed, progress)
        # a synthetic note codes no code its phrases only hide ("pain" in "chest pain"), nor
        # a side it states for another condition: the ranker learns nothing of such codes
        # from them, and the engine ranks them last (``rules.finish``); left out, they leave
        # its other scores as they were
        kept = [i for i, c in enumerate(X) if not (inner_only(c) or side_elsewhere(c))]
        X, y, groups = [X[i] for i in kept], [y[i] for i in kept], [groups[i] for i in kept]
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
        final = threshold if threshold is not None else chosen
        config = ModelConfig(threshold=final, seed=seed, systems=[SYSTEM])
        # the card shows the threshold on the scale of the confidences the engine returns
        shown = final
        if fitted is not None:
            config = ModelConfig(
                threshold=final,
                seed=seed,
                systems=[SYSTEM],
                calibration=calibration_to_dict(fitted.calibration),
            )
            shown = float(fitted.calibration(np.asarray([final]))[0])
        write_artefacts(tmp, codeset, index, ranker, config)
        steps.update()
        steps.close()
        return {
            "name": NAME,
            "version": VERSION,
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "description": "Default model: ICD-10-CM lexicon (titles, our phrases, the Alphabetic "
            "Index) and a ranker fitted on synthetic notes; no patient data.",
            "training_data": {
                "kind": "synthetic",
                "notes": n_notes,
                "seed": seed,
                "candidates": len(X),
                "positives": int(labels.sum()),
                "curated_phrases": len(ours),
            },
            "lexicon": {
                "keys": len(index),
                "phrases_curated": len(ours),
                "alphabetic_index": f"{INDEX_SOURCE}, {INDEX_RELEASE}",
                "index_noise_entries": len(noise_entries()),
                "normalizer": fingerprint(),
            },
            "code_sets": {SYSTEM: codeset.release, PCS: PCS_RELEASE},
            "metrics": {
                "synthetic_heldout_f1": round(f1, 4),
                "synthetic_threshold": round(chosen, 4),
            },
            "threshold": shown,
            "stages": {"generators": list(extraction.generator_names)},
            "ranker": {"features": list(FEATURES)},
            **({"calibration": {**fitted.card(), "ranker_threshold": final}} if fitted else {}),
            "recipe": recipe_fingerprint(),
            "ranker_recipe": ranker_recipe_fingerprint(),
            "versions": library_versions(),
        }

    # one OpenMP thread: the trees' parallel sums would otherwise vary from run to run
    with threadpool_limits(limits=1, user_api="openmp"):
        return write_model_dir(out, fill)
