"""What every model build shares: the synthetic training rows and writing the artefacts."""

from __future__ import annotations

import platform
import random
import shutil
from importlib import metadata, resources
from pathlib import Path

from sklearn.pipeline import Pipeline
from tqdm import tqdm

from codesuggest.candidates.base import Candidate
from codesuggest.candidates.learned import LearnedScorer
from codesuggest.codesets.history import HistoryMap
from codesuggest.codesets.icd10cm import SYSTEM, Icd10Cm
from codesuggest.codesets.lexicon import Phrase, code_set_phrases
from codesuggest.extract.lexicon_index import LexiconIndex
from codesuggest.model_card import ModelConfig
from codesuggest.model_io import codeset as codeset_io
from codesuggest.model_io import lexicon as lexicon_io
from codesuggest.model_io.learned import save_learned
from codesuggest.rank import compiled
from codesuggest.rank.ranker import compile_ranker
from codesuggest.rules.engine import RuleSet
from codesuggest.stages import Extraction
from codesuggest.training import synthetic


def library_versions() -> dict[str, str]:
    names = ("codesuggest", "spacy", "medspacy", "scikit-learn", "numpy", "simple-icd-10-cm")
    out = {"python": platform.python_version()}
    for n in names:
        try:
            out[n] = metadata.version(n)
        except metadata.PackageNotFoundError:
            out[n] = "not installed"
    return out


def training_phrases(codeset: Icd10Cm, ours: list[Phrase], seed: int) -> list[Phrase]:
    """Our curated phrases plus plain forms of a sample of billable code titles."""
    titles = [
        p
        for p in code_set_phrases(codeset)
        if p.source == "variant" and codeset.is_billable(p.code) and len(p.text.split()) <= 6
    ]
    random.Random(seed).shuffle(titles)
    n_titles = max(500, len(ours))
    return ours + [Phrase(p.text.lower().strip(" ,"), p.code, p.source) for p in titles[:n_titles]]


def synthetic_rows(
    extraction: Extraction,
    phrases: list[Phrase],
    n_notes: int,
    seed: int,
    progress: bool,
) -> tuple[list[Candidate], list[int], list[int]]:
    """Candidates, labels and note groups of ``n_notes`` synthetic notes."""
    history = HistoryMap.load()
    notes = list(synthetic.generate(phrases, history, n_notes, seed=seed))
    X: list[Candidate] = []
    y: list[int] = []
    groups: list[int] = []
    found = extraction.candidates([n.note.text for n in notes], batch_size=128)
    rows = tqdm(
        zip(notes, found, strict=True),
        total=len(notes),
        desc="synthetic notes",
        disable=not progress,
        leave=False,
    )
    for i, (coded, cands) in enumerate(rows):
        for cand in cands:
            if cand.system != SYSTEM:
                continue  # synthetic notes code diagnoses only: their procedures are unlabelled
            X.append(cand)
            y.append(int(cand.code in coded.codes))
            groups.append(i)
    return X, y, groups


def write_artefacts(
    tmp: Path,
    codeset: Icd10Cm,
    index: LexiconIndex,
    ranker: Pipeline,
    config: ModelConfig,
    learned: LearnedScorer | None = None,
    rules: RuleSet | None = None,
) -> None:
    """Write every artefact of a model directory except its card (``rules``: the packaged
    rule file unless given), none of them a pickle (``codesuggest.model_io``): the ranker as
    the arrays the engine scores with (``ranker.npz``), the learned scorer as JSON and arrays."""
    codeset_io.save_codeset(codeset, tmp / codeset_io.FILE)
    lexicon_io.save_lexicon(index, tmp / lexicon_io.FILE)
    compile_ranker(ranker).save(tmp / compiled.FILE)
    if learned is not None:
        save_learned(learned, tmp)
    packaged = resources.files("codesuggest.rules").joinpath("data").joinpath("rules.json")
    text = packaged.read_text("utf-8") if rules is None else rules.to_json()
    (tmp / "rules.json").write_text(text, "utf-8")
    history = resources.files("codesuggest.codesets").joinpath("data").joinpath("history_codes.tsv")
    shutil.copyfile(str(history), tmp / "history_codes.tsv")
    config.write(tmp / "config.json")
