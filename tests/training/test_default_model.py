"""The default model build is deterministic for a seed, byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from codesuggest.training.default_calibration import load_default_calibration
from codesuggest.training.default_model import build_default_model


@pytest.mark.slow
def test_build_default_model_is_deterministic(tmp_path: Path) -> None:
    cards = []
    for name in ("a", "b"):
        out = build_default_model(tmp_path / name, seed=3, n_notes=150, progress=False)
        cards.append(json.loads((out / "model_card.json").read_text("utf-8")))
    assert cards[0]["artefacts"] == cards[1]["artefacts"]
    assert cards[0]["training_data"]["notes"] == 150
    # the packaged calibration, copied into the config and credited on the card
    fitted = load_default_calibration()
    config = json.loads((out / "config.json").read_text("utf-8"))
    assert config["calibration"]["parameters"] == fitted.calibration.parameters()
    assert cards[0]["calibration"]["credit"] == fitted.credit
    assert cards[0]["threshold"] == fitted.calibration(np.asarray([config["threshold"]]))[0]
