"""The US acceptance suite: strict loader, the case files themselves, the scorer, a fast subset."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.engine import Engine
from codesuggest.errors import InputError
from codesuggest.training.acceptance import (
    CLASSES,
    KEYS,
    AcceptanceCase,
    load_cases,
    score,
)
from codesuggest.types import ModelInfo, NoteResult, Suggestion

SUITE = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "us_acceptance"
SUITE_FILES = sorted(SUITE.glob("*.jsonl"))
SUITE_NOTES = 150  # issue 9: at least 150 notes across the five settings
NOTES_PER_CLASS = 6
# about twenty cases across the classes, run through the real engine on every test run
# A regression guard: notes across the classes and settings on which the default model
# recommends no forbidden code today (benchmarks/acceptance_us.py reports the whole suite).
FAST_SUBSET = [
    "clinic-003",
    "clinic-008",
    "clinic-012",
    "clinic-014",
    "clinic-019",
    "clinic-023",
    "clinic-024",
    "clinic-027",
    "clinic-036",
    "clinic-042",
    "consult-005",
    "consult-011",
    "discharge-003",
    "discharge-009",
    "discharge-016",
    "discharge-023",
    "ed-001",
    "ed-003",
    "ed-004",
    "ed-005",
    "ed-007",
    "ed-012",
    "ed-013",
    "ed-015",
    "ed-018",
    "operative-005",
    "operative-013",
    "operative-015",
]


def _case(**changes: Any) -> dict[str, Any]:
    case: dict[str, Any] = {
        "id": "ed-001",
        "setting": "ed",
        "encounter": "outpatient",
        "age": 60,
        "sex": "F",
        "text": "A/P: essential hypertension. Denies chest pain.",
        "expected": ["I10"],
        "acceptable": [],
        "forbidden": ["R07.9"],
        "classes": ["negation"],
        "notes": {"R07.9": "denied"},
    }
    case.update(changes)
    return case


def _write(tmp_path: Path, *cases: dict[str, Any]) -> Path:
    path = tmp_path / "ed.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in cases), encoding="utf-8")
    return path


# --- (a) the loader rejects bad input ---------------------------------------------------------
def test_load_cases_reads_a_valid_case(tmp_path: Path) -> None:
    cases = load_cases([_write(tmp_path, _case())])
    assert cases == [
        AcceptanceCase(
            id="ed-001",
            setting="ed",
            encounter="outpatient",
            age=60,
            sex="F",
            text="A/P: essential hypertension. Denies chest pain.",
            expected=("I10",),
            acceptable=(),
            forbidden=("R07.9",),
            classes=("negation",),
            notes={"R07.9": "denied"},
        )
    ]
    assert cases[0].note().setting == "outpatient"
    assert cases[0].note().note_id == "ed-001"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"extra": 1}, "unknown keys"),
        ({"setting": "icu"}, "setting 'icu'"),
        ({"encounter": "observation"}, "encounter 'observation'"),
        ({"classes": ["typo"]}, "not in the vocabulary"),
        ({"classes": []}, "not in the vocabulary"),
        ({"expected": ["I10", "E11.9", "E78.5", "J45.909", "K21.9", "N39.0"]}, "6 expected"),
        ({"expected": []}, "0 expected"),
        ({"expected": ["I10", "R07.9"]}, "both allowed and forbidden"),
        ({"acceptable": ["I20.0"], "forbidden": ["I20.*"]}, "both allowed and forbidden"),
        ({"forbidden": []}, "at least one forbidden"),
        ({"expected": ["I109"]}, "not dotted"),
        ({"forbidden": ["I2*0"]}, "prefix ending in '*'"),
        ({"age": 111}, "age"),
        ({"age": True}, "age"),
        ({"sex": "U"}, "sex 'U'"),
        ({"id": "clinic-001"}, "is not 'ed-NNN'"),
        ({"text": " "}, "'text' must be a non-empty string"),
        ({"notes": {"R07.9": 1}}, "'notes' must map"),
    ],
)
def test_load_cases_rejects_bad_case(tmp_path: Path, changes: dict[str, Any], message: str) -> None:
    path = _write(tmp_path, _case(), _case(**{"id": "ed-002", **changes}))
    with pytest.raises(InputError, match=message) as error:
        load_cases([path])
    assert f"{path}:2" in str(error.value)


def test_load_cases_rejects_missing_key(tmp_path: Path) -> None:
    case = _case()
    del case["forbidden"]
    path = _write(tmp_path, case)
    with pytest.raises(InputError, match=rf"{path}:1: missing keys \['forbidden'\]"):
        load_cases([path])


def test_load_cases_rejects_duplicate_id_across_files(tmp_path: Path) -> None:
    first = _write(tmp_path, _case())
    second = tmp_path / "more.jsonl"
    second.write_text(json.dumps(_case()) + "\n", encoding="utf-8")
    with pytest.raises(
        InputError, match=rf"{second}:1: duplicate id 'ed-001' \(first at {first}:1\)"
    ):
        load_cases([first, second])


def test_load_cases_rejects_invalid_json(tmp_path: Path) -> None:
    path = tmp_path / "ed.jsonl"
    path.write_text('{"id": "ed-001",}\n', encoding="utf-8")
    with pytest.raises(InputError, match=rf"{path}:1: not valid JSON"):
        load_cases([path])


# --- (b) the case files in the repository ---------------------------------------------------------
@pytest.fixture(scope="module")
def codeset(cs: Icd10Cm) -> Icd10Cm:
    """The session's packaged code set (tests/conftest.py; read-only)."""
    return cs


@pytest.fixture(scope="module")
def suite() -> list[AcceptanceCase]:
    return load_cases(SUITE_FILES)


def test_suite_files_load_with_keys_in_order(suite: list[AcceptanceCase]) -> None:
    assert SUITE_FILES, f"no case files in {SUITE}"
    for path in SUITE_FILES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert tuple(json.loads(line)) == KEYS, f"{path.name}:{number}: keys out of order"
    assert {c.setting for c in suite} == {p.stem for p in SUITE_FILES}


def test_suite_codes_are_valid_and_billable(suite: list[AcceptanceCase], codeset: Icd10Cm) -> None:
    codes = codeset.codes()
    bad = []
    for case in suite:
        for code in (*case.expected, *case.acceptable):
            if code not in codeset or not codeset.is_billable(code):
                bad.append(f"{case.id}: {code} not a billable code")
        for entry in case.forbidden:
            if entry.endswith("*"):
                if not any(c.startswith(entry[:-1]) for c in codes):
                    bad.append(f"{case.id}: {entry} is no code's prefix")
            elif entry not in codeset:
                bad.append(f"{case.id}: forbidden {entry} not a code")
    assert not bad, "\n".join(bad)


def test_suite_cases_are_well_formed(suite: list[AcceptanceCase]) -> None:
    bad = []
    for case in suite:
        words = len(case.text.split())
        if not 60 <= words <= 350:
            bad.append(f"{case.id}: {words} words (60-350)")
        if case.setting in ("ed", "clinic") and case.encounter != "outpatient":
            bad.append(f"{case.id}: ED and clinic notes are outpatient encounters")
        unexplained = [c for c in case.forbidden if c not in case.notes]
        if unexplained:
            bad.append(f"{case.id}: no reason for forbidden {unexplained}")
    assert not bad, "\n".join(bad)


def test_suite_is_complete_across_settings(suite: list[AcceptanceCase]) -> None:
    """Fails until suite-b's discharge, operative and consult files are merged (issue 9)."""
    counts = Counter(name for case in suite for name in case.classes)
    thin = {name: counts[name] for name in CLASSES if counts[name] < NOTES_PER_CLASS}
    assert len(suite) >= SUITE_NOTES, f"{len(suite)} notes; the suite needs {SUITE_NOTES}"
    assert not thin, f"classes in fewer than {NOTES_PER_CLASS} notes: {thin}"


# --- (c) the scorer -----------------------------------------------------------------------------
def _suggestion(code: str, recommended: bool, system: str = "ICD-10-CM") -> Suggestion:
    return Suggestion(code, system, code, 0.5, recommended)


def _result(note_id: str, *suggestions: Suggestion) -> NoteResult:
    return NoteResult(note_id, ModelInfo("test", "0"), list(suggestions))


def _made_up(case_id: str, classes: tuple[str, ...], **changes: Any) -> AcceptanceCase:
    fields: dict[str, Any] = {
        "id": case_id,
        "setting": case_id.split("-")[0],
        "encounter": "outpatient",
        "age": 50,
        "sex": "M",
        "text": "made up",
        "expected": ("I10", "E11.9"),
        "acceptable": ("Z79.84",),
        "forbidden": ("R07.9", "I20.*"),
        "classes": classes,
        "notes": {"I20.*": "angina negated"},
    }
    fields.update(changes)
    return AcceptanceCase(**fields)


def test_score_counts_top5_forbidden_precision_recall() -> None:
    first = _made_up("ed-001", ("negation", "plain"))
    second = _made_up("clinic-001", ("negation",), expected=("J45.20",), acceptable=())
    results = [
        _result(
            "ed-001",
            _suggestion("0DTJ4ZZ", True, system="ICD-10-PCS"),  # other systems do not count
            _suggestion("E11.9", True),
            _suggestion("I20.0", True),
            _suggestion("Z79.84", True),
            _suggestion("J45.909", True),
            _suggestion("R07.9", False),  # forbidden but not recommended: no harm
            _suggestion("I10", False),  # rank 6: missed
        ),
        _result("clinic-001", _suggestion("J45.20", True)),
    ]
    report = score(results, [first, second])
    overall = report.overall
    assert (overall.notes, overall.expected, overall.expected_top5) == (2, 3, 2)
    assert (overall.recommended, overall.correct, overall.expected_recommended) == (5, 3, 2)
    assert overall.top5 == pytest.approx(2 / 3)
    assert overall.precision == pytest.approx(3 / 5)
    assert overall.recall == pytest.approx(2 / 3)
    assert overall.forbidden == 1
    assert overall.failing == 1
    hit = report.forbidden_recommended[0]
    assert (hit.case_id, hit.code, hit.entry, hit.reason) == (
        "ed-001",
        "I20.0",
        "I20.*",
        "angina negated",
    )
    failure = report.failures[0]
    assert failure.case.id == "ed-001"
    assert failure.missed == ("I10",)
    assert failure.ranks == {"I10": 6, "E11.9": 1}
    assert failure.other == ("J45.909",)
    assert list(report.by_setting) == ["ed", "clinic"]
    assert report.by_setting["clinic"].precision == 1.0
    assert report.by_class["negation"] == overall
    assert report.by_class["plain"].precision == pytest.approx(2 / 4)
    assert not report.meets_targets()


def test_score_rejects_a_missing_result() -> None:
    with pytest.raises(InputError, match="no result for 1 case"):
        score([], [_made_up("ed-001", ("plain",))])


# --- (d) a fast subset through the real engine ------------------------------------------------
def test_engine_recommends_no_forbidden_code_on_fast_subset(
    engine: Engine, suite: list[AcceptanceCase]
) -> None:
    by_id = {c.id: c for c in suite}
    cases = [by_id[i] for i in FAST_SUBSET]
    report = score(engine.suggest_many([c.note() for c in cases]), cases)
    hits = [f"{h.case_id}: {h.code} ({h.reason})" for h in report.forbidden_recommended]
    assert not hits, "forbidden codes recommended:\n" + "\n".join(hits)


def test_unaffirmed_counts_codes_recommended_on_denied_or_relatives_mentions_only() -> None:
    from codesuggest.training.acceptance import unaffirmed
    from codesuggest.types import Evidence, Suggestion

    def s(code: str, *assertions: str) -> Suggestion:
        evidence = [Evidence(0, 4, "term", "none", a) for a in assertions]
        return Suggestion(code, "ICD-10-CM", "t", 0.9, True, evidence)

    assert unaffirmed(s("R07.9", "negated"))
    assert unaffirmed(s("E11.9", "family"))
    assert unaffirmed(s("J18.9", "hypothetical", "negated"))
    assert not unaffirmed(s("R07.9", "negated", "present"))
    # a relative's mention affirms the family-history code it supports (candidates.assertion)
    z83 = s("Z83.3")
    z83.evidence.append(Evidence(0, 4, "term", "none", "present", "mention", "family"))
    assert not unaffirmed(z83)
    assert not unaffirmed(s("R07.9"))  # learned from the note as a whole: no mention to read


def test_unnamed_counts_codes_recommended_without_a_mention_naming_them() -> None:
    from codesuggest.training.acceptance import unnamed
    from codesuggest.types import Evidence

    def s(*kinds: str) -> Suggestion:
        evidence = [Evidence(0, 4, "word", "none", "present", kind=k) for k in kinds]
        return Suggestion("I10", "ICD-10-CM", "x", 0.9, True, evidence)

    assert unnamed(s("learned")) and unnamed(s())
    assert not unnamed(s("mention")) and not unnamed(s("learned", "mention"))
