"""A model directory is data, not code: a crafted pickle whose loading would create a file is
refused, whether dropped beside the artefacts or swapped for one with the card re-hashed to
match, and the file is never created."""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

import pytest

from codesuggest.engine import Engine
from codesuggest.errors import ModelError, ModelIntegrityError
from codesuggest.model_dir import CARD, sha256


class _Payload:
    """Unpickled, it calls ``Path.touch(marker)``: any code could run in its place."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[Path]]:
        return (Path.touch, (self.marker,))


def _payload(marker: Path) -> bytes:
    return pickle.dumps(_Payload(marker), protocol=pickle.HIGHEST_PROTOCOL)


def _copy(model: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(model, tmp_path / "model"))


def _rehash(model: Path, name: str) -> None:
    """What an attacker who can write the directory does: the card vouches for the file."""
    card = json.loads((model / CARD).read_text("utf-8"))
    card["artefacts"][name] = sha256(model / name)
    (model / CARD).write_text(json.dumps(card), "utf-8")


def test_the_payload_runs_when_unpickled(tmp_path: Path) -> None:
    """The control: loading the payload with pickle (what joblib does) creates the file."""
    marker = tmp_path / "ran"
    pickle.loads(_payload(marker))
    assert marker.exists()


def test_an_unlisted_pickle_is_refused_and_never_run(model_dir: Path, tmp_path: Path) -> None:
    model = _copy(model_dir, tmp_path)
    marker = tmp_path / "ran"
    (model / "learned.joblib").write_bytes(_payload(marker))
    with pytest.raises(ModelIntegrityError, match=r"learned\.joblib not listed in model_card"):
        Engine.load(model)
    assert not marker.exists()


def test_a_pickle_the_card_lists_is_refused_and_never_run(model_dir: Path, tmp_path: Path) -> None:
    model = _copy(model_dir, tmp_path)
    marker = tmp_path / "ran"
    (model / "learned.joblib").write_bytes(_payload(marker))
    _rehash(model, "learned.joblib")
    with pytest.raises(ModelIntegrityError, match=r"lists learned\.joblib, which no model"):
        Engine.load(model)
    assert not marker.exists()


@pytest.mark.parametrize(
    ("model_fixture", "name"),
    [
        ("model_dir", "config.json"),
        ("model_dir", "icd10cm.npz"),
        ("model_dir", "lexicon.npz"),
        ("model_dir", "ranker.npz"),
        ("model_dir", "rules.json"),
        ("model_dir", "history_codes.tsv"),
        ("adapted_model_dir", "learned.json"),
        ("adapted_model_dir", "learned.npz"),
    ],
)
def test_a_pickle_swapped_for_an_artefact_is_refused_and_never_run(
    model_fixture: str, name: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """With the card re-hashed, the checksums pass: the reader of each artefact's format
    refuses a pickle, and none of them can run one."""
    model = _copy(request.getfixturevalue(model_fixture), tmp_path)
    marker = tmp_path / "ran"
    (model / name).write_bytes(_payload(marker))
    _rehash(model, name)
    with pytest.raises(ModelError, match=name.replace(".", r"\.")):
        Engine.load(model)
    assert not marker.exists()


def test_an_altered_artefact_is_refused(model_dir: Path, tmp_path: Path) -> None:
    model = _copy(model_dir, tmp_path)
    with (model / "rules.json").open("a", encoding="utf-8") as f:
        f.write(" ")
    with pytest.raises(ModelIntegrityError, match=r"rules\.json does not match its checksum"):
        Engine.load(model)


def test_loading_a_trained_model_never_unpickles(
    adapted_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every reader of every artefact, the learned scorer's too, does without pickle."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a model artefact was unpickled")

    import joblib

    for name in ("load", "loads", "Unpickler"):
        monkeypatch.setattr(pickle, name, refuse)
    monkeypatch.setattr(joblib, "load", refuse)
    engine = Engine.load(adapted_model_dir)
    assert engine.learned is not None
    assert engine.suggest("Essential hypertension, continue lisinopril.").suggestions
