"""The Engine: what the product promises for a note, end to end, on the default model."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from codesuggest.engine import Engine
from codesuggest.errors import (
    ChecksumMismatchError,
    ModelError,
    ModelNotFoundError,
    NoteTooLargeError,
)
from codesuggest.model_dir import CARD
from codesuggest.rank import compiled
from codesuggest.rules.finish import secondary_prefixes
from codesuggest.settings import get_settings
from codesuggest.types import Assertion, Note, NoteResult, Suggestion

# medspaCy's sectionizer makes spaCy warn W036 on every call (see tests/extract/test_terms.py)
pytestmark = pytest.mark.filterwarnings(r"ignore:\[W036\]:UserWarning")

NOTES = Path(__file__).parent / "resources" / "notes"
EXPECTED: dict[str, Any] = json.loads((NOTES / "expected.json").read_text("utf-8"))
TOP = 10

DIABETES_HTN = "Assessment: Type 2 diabetes mellitus without complications. Essential hypertension."
NEGATIONS = (
    "Patient denies chest pain. No evidence of pneumonia. Mother had breast cancer. History of MI."
)


def _by_code(result: NoteResult) -> dict[str, Suggestion]:
    return {s.code: s for s in result.suggestions}


def _recommended(result: NoteResult) -> set[str]:
    return {s.code for s in result.suggestions if s.recommended}


# --- the product promises --------------------------------------------------------------------


def test_engine_codes_diabetes_and_hypertension(engine: Engine) -> None:
    result = engine.suggest(DIABETES_HTN, top=5)
    top5 = _by_code(result)
    assert {"E11.9", "I10"} <= set(top5)
    assert top5["E11.9"].recommended
    assert top5["I10"].recommended


def test_engine_never_recommends_negated_family_or_historical(engine: Engine) -> None:
    recommended = _recommended(engine.suggest(NEGATIONS, top=20))
    assert "R07.9" not in recommended
    assert "J18.9" not in recommended
    assert not any(c.startswith("C50") for c in recommended)
    assert not any(c.startswith("I21") for c in recommended)


def test_engine_suggests_history_codes(engine: Engine) -> None:
    result = engine.suggest(NEGATIONS, top=20)
    by_code = _by_code(result)
    assert by_code["Z80.3"].recommended  # family history of breast cancer
    assert by_code["I25.2"].recommended  # old myocardial infarction
    assert "personal-history-code" in by_code["I25.2"].rules


def test_engine_withdrawn_codes_say_why(engine: Engine) -> None:
    by_code = _by_code(engine.suggest(NEGATIONS, top=20))
    for code in ("R07.9", "J18.9"):
        if code in by_code:
            assert "unaffirmed-evidence" in by_code[code].rules
            assert by_code[code].flags == ["no affirmed evidence (negated)"]


def test_engine_sex_edit_on_a_note(engine: Engine) -> None:
    text = "Assessment: Benign prostatic hyperplasia."
    male = _by_code(engine.suggest(Note(text, sex="M")))
    female = _by_code(engine.suggest(Note(text, sex="F")))
    n40 = [c for c in male if c.startswith("N40")]
    assert n40
    assert all("sex-edit" not in male[c].rules for c in n40)
    assert all(not female[c].recommended and "sex-edit" in female[c].rules for c in n40)


# --- plain notes -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def note_results(engine: Engine) -> dict[str, NoteResult]:
    names = sorted(EXPECTED["notes"])
    texts = [Note((NOTES / n).read_text("utf-8"), note_id=n) for n in names]
    return {r.note_id: r for r in engine.suggest_many(texts, top=TOP)}


def test_engine_resource_notes_all_listed() -> None:
    assert sorted(p.name for p in NOTES.glob("*.txt")) == sorted(EXPECTED["notes"])


@pytest.mark.parametrize("name", sorted(EXPECTED["notes"]))
def test_engine_plain_note_expected_codes(name: str, note_results: dict[str, NoteResult]) -> None:
    want = EXPECTED["notes"][name]
    by_code = _by_code(note_results[name])
    for code in want.get("recommended", []):
        assert code in by_code, f"{code} not in the top {TOP}"
        assert by_code[code].recommended, f"{code} suggested but not recommended"
    for code in want.get("suggested", []):
        assert code in by_code, f"{code} not in the top {TOP}"
    for code in want.get("not_recommended", []):
        assert code not in _recommended(note_results[name]), f"{code} recommended"


# --- input handling ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\t \n"])
def test_engine_empty_note_gives_no_suggestions(engine: Engine, text: str) -> None:
    assert engine.suggest(text).suggestions == []


def test_engine_note_over_limit_raises(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "max_chars", 20)
    with pytest.raises(NoteTooLargeError) as info:
        engine.suggest("x" * 21)
    assert info.value.size == 21
    assert info.value.limit == 20
    assert engine.suggest("x" * 20).suggestions == []  # at the limit: accepted


def test_engine_suggest_many_keeps_order_and_matches_suggest(engine: Engine) -> None:
    notes = [
        Note(DIABETES_HTN, note_id="a"),
        Note("", note_id="b"),
        Note(NEGATIONS, note_id="c"),
        Note("Acute cystitis.", note_id="d"),
    ]
    many = list(engine.suggest_many(notes, top=8, batch_size=3))
    assert [r.note_id for r in many] == ["a", "b", "c", "d"]
    for note, result in zip(notes, many, strict=True):
        assert result.to_dict() == engine.suggest(note, top=8).to_dict()


def test_engine_top_limits_suggestions(engine: Engine) -> None:
    assert len(engine.suggest(NEGATIONS, top=2).suggestions) == 2


# --- output shape --------------------------------------------------------------------------------


def test_engine_output_matches_documented_shape(engine: Engine) -> None:
    note = Note(NEGATIONS + "\nAssessment: Essential hypertension.", note_id="n-1")
    out = engine.suggest(note).to_dict()
    json.dumps(out)  # serialisable as is
    assert out["note_id"] == "n-1"
    assert out["model"] == {"name": engine.info.name, "version": engine.info.version}
    assert out["code_sets"]["ICD-10-CM"].startswith("FY2026")
    assert out["suggestions"]
    for s in out["suggestions"]:
        assert set(s) == {
            "code",
            "system",
            "description",
            "confidence",
            "recommended",
            "evidence",
            "flags",
            "rules",
            "index_path",
        }
        assert s["system"] == "ICD-10-CM"
        assert s["code"] in engine.codeset
        assert s["description"] == engine.codeset.title(s["code"])
        assert 0.0 <= s["confidence"] <= 1.0
        assert isinstance(s["recommended"], bool)
        assert all(isinstance(f, str) for f in s["flags"])
        assert all(isinstance(r, str) for r in s["rules"])
        assert s["evidence"]
        for e in s["evidence"]:
            assert set(e) == {
                "start",
                "end",
                "text",
                "section",
                "assertion",
                "kind",
                "note_assertion",
            }
            assert e["kind"] in {"mention", "learned"}
            assert note.text[e["start"] : e["end"]] == e["text"]
            assert {e["assertion"], e["note_assertion"]} <= {a.value for a in Assertion}


def test_engine_suggestions_ordered_as_a_coder_sequences_them(engine: Engine) -> None:
    secondary = secondary_prefixes()
    for text in (DIABETES_HTN, NEGATIONS):
        out = engine.suggest(text, top=20).suggestions
        marks = [s.recommended for s in out]
        assert marks == sorted(marks, reverse=True)  # every recommended code first
        recommended = [s for s in out if s.recommended]
        first = [s for s in recommended if not s.code.startswith(secondary)]
        then = [s for s in recommended if s.code.startswith(secondary)]
        assert recommended == first + then  # status, history, external causes after
        for group in (first, then):
            confidences = [s.confidence for s in group]
            assert confidences == sorted(confidences, reverse=True)


def test_engine_calibration_keeps_codes_order_and_recommended(
    engine: Engine, model_dir: Path
) -> None:
    raw = Engine.load(model_dir, calibrated=False)
    for text in (DIABETES_HTN, NEGATIONS, *(p.read_text("utf-8") for p in NOTES.glob("*.txt"))):
        ours, theirs = engine.suggest(text, top=30), raw.suggest(text, top=30)
        assert [(s.code, s.recommended) for s in ours.suggestions] == [
            (s.code, s.recommended) for s in theirs.suggestions
        ]


# --- loading -------------------------------------------------------------------------------------


def test_engine_load_missing_dir(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError):
        Engine.load(tmp_path / "no-model")


def test_engine_load_rejects_changed_artefact(model_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "model"
    shutil.copytree(model_dir, copy)
    data = bytearray((copy / "rules.json").read_bytes())
    data[-2] ^= 0x20
    (copy / "rules.json").write_bytes(bytes(data))
    with pytest.raises(ChecksumMismatchError, match=r"rules\.json"):
        Engine.load(copy)


def test_engine_load_refuses_a_model_whose_card_lacks_an_artefact(
    model_dir: Path, tmp_path: Path
) -> None:
    """Models built before ``ranker.npz`` scored with a pickled pipeline: no model may now."""
    copy = tmp_path / "model"
    shutil.copytree(model_dir, copy)
    (copy / compiled.FILE).unlink()
    card = json.loads((copy / CARD).read_text("utf-8"))
    del card["artefacts"][compiled.FILE]
    (copy / CARD).write_text(json.dumps(card), "utf-8")
    with pytest.raises(ModelError, match=r"model_card\.json lists no ranker\.npz"):
        Engine.load(copy)


def test_engine_cold_suggest_imports_no_scikit_learn_scipy_or_nltk(model_dir: Path) -> None:
    """What a cold ``codesuggest suggest`` spends a second on when it does (the default model:
    no learned scorer)."""
    code = (
        "import sys\n"
        "from codesuggest.engine import Engine\n"
        f"Engine.load({str(model_dir)!r}).suggest({DIABETES_HTN!r})\n"
        "loaded = [m for m in ('sklearn', 'scipy', 'joblib') if m in sys.modules]\n"
        "nltk = sys.modules.get('nltk')\n"
        "print(loaded, type(nltk).__name__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] _Deferred"


def test_engine_load_without_a_model_names_the_place_and_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CODESUGGEST_HOME", str(tmp_path / "home"))
    get_settings.cache_clear()
    try:
        with pytest.raises(ModelNotFoundError) as raised:
            Engine.load()
    finally:
        get_settings.cache_clear()
    default = tmp_path / "home" / "models" / "default"
    assert str(raised.value).startswith(f"no model at {default} ")
    assert "run `make install` in the checkout or `codesuggest models build-default`" in str(
        raised.value
    )


def test_engine_ranks_codes_held_back_last_unless_its_ranker_learned_them(
    engine: Engine, adapted_model_dir: Path
) -> None:
    # the default ranker never learned codes only inner mentions support: they rank last
    assert engine.held_last
    # a model trained on coded notes learned how often coders code them: by confidence
    assert not Engine.load(adapted_model_dir).held_last


def test_engine_leaves_no_cyclic_garbage_per_note(engine: Engine) -> None:
    """A processed note's Doc is released once its candidates are read: ranking notes leaves
    nothing for the cyclic garbage collector (one-shot processes rarely run it)."""
    import gc

    notes = [p.read_text("utf-8") for p in sorted(NOTES.glob("*.txt"))]
    list(engine.suggest_many(notes))  # first sight: lazily built tables and caches
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        results = list(engine.suggest_many(notes))
        assert gc.collect() == 0
    finally:
        if enabled:
            gc.enable()
    assert all(r.suggestions for r in results)
