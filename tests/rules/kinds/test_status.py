"""The status_requirements rule kind: BMI needs a weight diagnosis, an external cause an
injury, an adult BMI an adult."""

import pytest

from codesuggest.candidates.base import Candidate
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.errors import ConfigError
from codesuggest.rules.engine import Rule, Scored
from codesuggest.rules.kinds.status import status_requirements
from codesuggest.types import Assertion, Note, Suggestion
from tests.utils.scored import mentioned

RULE = Rule(
    "status-requirements",
    "status_requirements",
    "test",
    {
        "groups": [
            {"codes": ["Z68"], "companions": ["E66", "R63.6"], "reason": "BMI"},
            {"codes": ["Z68.1", "Z68.2", "Z68.3", "Z68.4"], "min_age": 20, "reason": "adult"},
            {"codes": ["V", "W"], "companions": ["S", "T"], "reason": "external cause"},
        ]
    },
)


@pytest.fixture(scope="module")
def codeset(cs: Icd10Cm) -> Icd10Cm:
    """The session's packaged code set (tests/conftest.py; read-only)."""
    return cs


def _items(*codes):
    return [
        Scored(Suggestion(c, "ICD-10-CM", c, 0.9, recommended=True), Candidate(c)) for c in codes
    ]


def _recommended(items):
    return {s.suggestion.code for s in items if s.suggestion.recommended}


def test_status_requirements_withdraws_bmi_without_weight_diagnosis(codeset):
    items = status_requirements(RULE, _items("Z68.34", "I10"), Note("x", age=50), codeset)
    assert _recommended(items) == {"I10"}
    assert items[0].suggestion.rules == ["status-requirements"]
    assert "BMI: no E66, R63.6 recommended" in items[0].suggestion.flags


def test_status_requirements_keeps_bmi_with_obesity(codeset):
    items = status_requirements(RULE, _items("Z68.34", "E66.9"), Note("x", age=50), codeset)
    assert _recommended(items) == {"Z68.34", "E66.9"}


def test_status_requirements_withdraws_adult_bmi_for_a_child(codeset):
    items = status_requirements(RULE, _items("Z68.34", "E66.9"), Note("x", age=12), codeset)
    assert _recommended(items) == {"E66.9"}


def test_status_requirements_external_cause_needs_an_injury(codeset):
    alone = status_requirements(RULE, _items("W18.30XA"), Note("x"), codeset)
    assert _recommended(alone) == set()
    with_injury = status_requirements(RULE, _items("W18.30XA", "S52.501A"), Note("x"), codeset)
    assert _recommended(with_injury) == {"W18.30XA", "S52.501A"}


def test_status_requirements_rejects_a_group_without_condition(codeset):
    bad = Rule("r", "status_requirements", "d", {"groups": [{"codes": ["Z68"]}]})
    with pytest.raises(ConfigError):
        status_requirements(bad, _items("Z68.34"), Note("x"), codeset)


@pytest.mark.parametrize(
    ("codes", "kept"),
    [
        # OCG I.C.4.a.3: the drug status codes go with the diabetes codes whose Tabular asks
        (("E11.9", "Z79.4", "Z79.84"), {"E11.9", "Z79.4", "Z79.84"}),
        (("O24.414", "Z79.4"), {"O24.414", "Z79.4"}),
        (("E10.10", "Z79.4"), {"E10.10"}),  # type 1: no Z79.4
        (("I50.22", "Z79.84"), {"I50.22"}),  # empagliflozin for heart failure
    ],
)
def test_packaged_diabetes_drug_status_needs_its_diabetes(codeset, codes, kept):
    from codesuggest.rules.engine import RuleSet

    [rule] = [r for r in RuleSet.from_json().rules if r.name == "status-code-requirements"]
    items = status_requirements(rule, _items(*codes), Note("x", age=50, sex="F"), codeset)
    assert _recommended(items) == kept


DOCUMENTED = Rule(
    "status-requirements",
    "status_requirements",
    "test",
    {
        "groups": [
            {
                "codes": ["V", "W", "X", "Y0"],
                "companions": ["S", "T"],
                "reason": "external cause",
                "confirm_min_confidence": 0.3,
                "complete_min_confidence": 0.3,
            }
        ]
    },
)


def test_status_requirements_a_recommended_cause_confirms_its_documented_injury(codeset):
    items = [
        mentioned("W54.0XXA", codeset, "bitten by her own dog", 0, 0.59),
        mentioned("S51.852A", codeset, "Dog bite, left forearm", 30, 0.47, False),
        mentioned("S51.859A", codeset, "Dog bite, forearm", 30, 0.5, False),  # says less
        mentioned("S61.452A", codeset, "bite of left hand", 60, 0.2, False),  # below the floor
    ]
    out = status_requirements(DOCUMENTED, items, Note("x"), codeset)
    assert _recommended(out) == {"W54.0XXA", "S51.852A"}
    assert out[1].suggestion.flags == ["documented beside W54.0XXA"]


def test_status_requirements_an_undocumented_injury_is_not_confirmed(codeset):
    items = [
        mentioned("W54.0XXA", codeset, "bitten by her own dog", 0, 0.59),
        mentioned("S51.852A", codeset, "bite", 30, 0.47, False, assertion=Assertion.NEGATED),
    ]
    out = status_requirements(DOCUMENTED, items, Note("x"), codeset)
    assert _recommended(out) == set()  # the cause, alone, is withdrawn


def test_status_requirements_a_recommended_injury_completes_its_documented_cause(codeset):
    items = [
        mentioned("S72.142A", codeset, "intertrochanteric fracture L femur", 0, 0.59),
        mentioned("W19.XXXA", codeset, "fell", 40, 0.48, False, n_words=1),
        mentioned("W10.9XXA", codeset, "fell down the stairs", 40, 0.45, False, n_words=2),
    ]
    out = status_requirements(DOCUMENTED, items, Note("x"), codeset)
    assert _recommended(out) == {"S72.142A", "W10.9XXA"}


def _fall_and_injury(codeset, source):
    injury = mentioned("T14.8XXA", codeset, "hematoma", 30, 0.47, False, n_words=1, source=source)
    return [mentioned("W19.XXXA", codeset, "fell", 0, 0.59, n_words=1), injury]


def test_status_requirements_a_phrase_only_paired_with_an_injury_does_not_document_it(codeset):
    # "hematoma" is a phrase a site's coding pairs with T14.8XXA (lexicon source "learned"):
    # it does not name the injury, so no rule recommends the injury on it
    out = status_requirements(DOCUMENTED, _fall_and_injury(codeset, "learned"), Note("x"), codeset)
    assert "T14.8XXA" not in _recommended(out)
    # named by its mention, it is documented beside the fall
    out = status_requirements(DOCUMENTED, _fall_and_injury(codeset, "title"), Note("x"), codeset)
    assert "T14.8XXA" in _recommended(out)
