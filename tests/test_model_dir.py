"""Model directories: atomic writes, checksummed model cards, and nothing unlisted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from codesuggest.errors import (
    ChecksumMismatchError,
    ModelError,
    ModelIntegrityError,
    ModelNotFoundError,
)
from codesuggest.model_dir import CARD, FORMAT, artefact, read_card, sha256, write_model_dir


def _fill(tmp: Path) -> dict[str, Any]:
    (tmp / "ranker.npz").write_bytes(b"artefact a")
    (tmp / "config.json").write_text('{"x": 1}', "utf-8")
    return {"name": "toy", "version": "1.0"}


def test_write_model_dir_records_checksums(tmp_path: Path) -> None:
    out = write_model_dir(tmp_path / "model", _fill)
    assert out == (tmp_path / "model").resolve()
    card = read_card(out)
    assert card["name"] == "toy"
    assert card["format"] == FORMAT
    assert card["artefacts"] == {
        "config.json": sha256(out / "config.json"),
        "ranker.npz": sha256(out / "ranker.npz"),
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_write_model_dir_is_atomic_when_fill_raises(tmp_path: Path) -> None:
    def broken(tmp: Path) -> dict[str, Any]:
        (tmp / "half.bin").write_bytes(b"half")
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        write_model_dir(tmp_path / "model", broken)
    assert list(tmp_path.iterdir()) == []  # no model and no temporary directory


def test_write_model_dir_failed_rebuild_keeps_old_model(tmp_path: Path) -> None:
    out = write_model_dir(tmp_path / "model", _fill)

    def broken(tmp: Path) -> dict[str, Any]:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_model_dir(out, broken)
    assert read_card(out)["name"] == "toy"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_write_model_dir_replaces_existing(tmp_path: Path) -> None:
    out = write_model_dir(tmp_path / "model", _fill)

    def newer(tmp: Path) -> dict[str, Any]:
        (tmp / "rules.json").write_bytes(b"c")
        return {"name": "toy", "version": "2.0"}

    write_model_dir(out, newer)
    card = read_card(out)
    assert card["version"] == "2.0"
    assert set(card["artefacts"]) == {"rules.json"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_read_card_rejects_tampered_artefact(tmp_path: Path) -> None:
    out = write_model_dir(tmp_path / "model", _fill)
    data = bytearray((out / "ranker.npz").read_bytes())
    data[0] ^= 1
    (out / "ranker.npz").write_bytes(bytes(data))
    with pytest.raises(ChecksumMismatchError, match=r"ranker\.npz"):
        read_card(out)


def test_read_card_rejects_missing_artefact(tmp_path: Path) -> None:
    out = write_model_dir(tmp_path / "model", _fill)
    (out / "config.json").unlink()
    with pytest.raises(ModelError, match=r"config\.json is missing"):
        read_card(out)


def test_read_card_missing_dir_is_model_not_found(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError):
        read_card(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError):  # ModelNotFoundError is a FileNotFoundError
        read_card(tmp_path / "empty")


def test_read_card_rejects_other_format_and_bad_json(tmp_path: Path) -> None:
    out = write_model_dir(tmp_path / "model", _fill)
    card = json.loads((out / CARD).read_text("utf-8"))
    (out / CARD).write_text(json.dumps({**card, "format": FORMAT + 1}), "utf-8")
    with pytest.raises(ModelError, match="format"):
        read_card(out)
    (out / CARD).write_text("{not json", "utf-8")
    with pytest.raises(ModelError, match="unreadable"):
        read_card(out)


def test_read_card_requires_artefacts(tmp_path: Path) -> None:
    path = tmp_path / "model"
    path.mkdir()
    (path / CARD).write_text(json.dumps({"format": FORMAT, "artefacts": {}}), "utf-8")
    with pytest.raises(ModelError, match="no artefacts"):
        read_card(path)


@pytest.mark.parametrize("name", ["learned.joblib", "notes.txt", ".hidden", "lexicon.pkl"])
def test_read_card_refuses_an_unlisted_file(tmp_path: Path, name: str) -> None:
    out = write_model_dir(tmp_path / "model", _fill)
    (out / name).write_bytes(b"anything")
    with pytest.raises(ModelIntegrityError, match=rf"{name}.* not listed in model_card\.json"):
        read_card(out)


def test_read_card_refuses_an_unlisted_folder(tmp_path: Path) -> None:
    out = write_model_dir(tmp_path / "model", _fill)
    (out / "extra").mkdir()
    with pytest.raises(ModelIntegrityError, match="extra not listed"):
        read_card(out)


def test_read_card_refuses_a_listed_file_no_model_may_hold(tmp_path: Path) -> None:
    """A card edited to list a pickle, with its true checksum, is refused all the same."""
    out = write_model_dir(tmp_path / "model", _fill)
    (out / "learned.joblib").write_bytes(b"payload")
    card = json.loads((out / CARD).read_text("utf-8"))
    card["artefacts"]["learned.joblib"] = sha256(out / "learned.joblib")
    (out / CARD).write_text(json.dumps(card), "utf-8")
    with pytest.raises(ModelIntegrityError, match=r"lists learned\.joblib, which no model"):
        read_card(out)


def test_read_card_refuses_format_1_and_says_to_rebuild(tmp_path: Path) -> None:
    out = write_model_dir(tmp_path / "model", _fill)
    card = json.loads((out / CARD).read_text("utf-8"))
    (out / CARD).write_text(json.dumps({**card, "format": 1}), "utf-8")
    with pytest.raises(ModelError, match="format 1 keeps pickles") as raised:
        read_card(out)
    assert "codesuggest models build-default" in str(raised.value)
    assert "codesuggest train" in str(raised.value)


def test_write_model_dir_refuses_files_no_model_may_hold(tmp_path: Path) -> None:
    def pickled(tmp: Path) -> dict[str, Any]:
        (tmp / "ranker.joblib").write_bytes(b"pickle")
        return {"name": "toy", "version": "1.0"}

    with pytest.raises(ModelError, match=r"ranker\.joblib"):
        write_model_dir(tmp_path / "model", pickled)
    assert list(tmp_path.iterdir()) == []


def test_artefact_is_only_a_listed_file(tmp_path: Path) -> None:
    out = write_model_dir(tmp_path / "model", _fill)
    card = read_card(out)
    assert artefact(out, card, "config.json") == out / "config.json"
    with pytest.raises(ModelError, match=r"lists no rules\.json"):
        artefact(out, card, "rules.json")
