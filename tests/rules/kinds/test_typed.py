"""The documented type selects the category (OCG I.C.4.a.2): type 1 diabetes is E10, not E11."""

from __future__ import annotations

import pytest

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.engine import Engine
from codesuggest.errors import ConfigError
from codesuggest.rules.engine import RuleSet, Scored
from codesuggest.rules.kinds.typed import TYPE_COLUMNS, check_rows
from codesuggest.rules.tables import parse_table
from codesuggest.types import Assertion, Mention, Note
from tests.utils.scored import apply, item

RULE = "documented-diabetes-type"


def _said(code: str, cs: Icd10Cm, text: str, *, recommended: bool = True, **kw: object) -> Scored:
    s = item(code, cs, recommended=recommended)
    assertion = kw.get("assertion", Assertion.PRESENT)
    assert isinstance(assertion, Assertion)
    s.candidate.add_support(
        Mention(0, len(text), text, "none", assertion, (code,), "contiguous", "synonym", 1),
        1,
        "synonym",
    )
    return s


def test_type_1_documented_moves_type_2_codes_to_e10(packaged: RuleSet, cs: Icd10Cm) -> None:
    items = [
        _said("E10.9", cs, "T1DM", recommended=False),
        _said("E11.10", cs, "DKA"),
        _said("E11.43", cs, "diabetic gastroparesis"),
    ]
    out = apply(packaged, RULE, items, cs)
    assert out["E10.10"].recommended and out["E10.43"].recommended
    assert out["E10.10"].rules == [RULE]
    assert not out["E11.10"].recommended and not out["E11.43"].recommended
    assert out["E11.10"].flags == [
        f"type 1 diabetes documented: E10.10 ({cs.title('E10.10')}) - OCG I.C.4.a.2"
    ]
    assert [e.text for e in out["E10.10"].evidence][:1] == ["term"]  # the typing mention's


@pytest.mark.parametrize(
    ("typing", "assertion", "other"),
    [
        ("diabetes", Assertion.PRESENT, "DKA"),  # no type said
        ("T1DM", Assertion.NEGATED, "DKA"),  # the type denied
        ("T1DM", Assertion.PRESENT, "type 2 diabetes with DKA"),  # both types said
    ],
)
def test_type_kept_unless_only_type_1_is_said(
    packaged: RuleSet, cs: Icd10Cm, typing: str, assertion: Assertion, other: str
) -> None:
    items = [
        _said("E10.9", cs, typing, recommended=False, assertion=assertion),
        _said("E11.10", cs, other),
    ]
    out = apply(packaged, RULE, items, cs)
    assert out["E11.10"].recommended
    assert "E10.10" not in out


@pytest.mark.parametrize(
    ("row", "error"),
    [
        ("E11.9\tE10\tt1dm\tt2dm", "default 'E11.9' is not a category"),
        ("E11\tE10\t |\tt2dm", "at least one phrase"),
    ],
)
def test_type_table_rows_are_checked(row: str, error: str) -> None:
    text = "\t".join(TYPE_COLUMNS) + "\n" + row + "\tOCG I.C.4.a.2\tc\n"
    with pytest.raises(ConfigError, match=error):
        check_rows(parse_table(text, "x.tsv", TYPE_COLUMNS), "x.tsv")
    check_rows(parse_table(text.replace(row, "E11\tE10\tt1dm\tt2dm"), "x.tsv", TYPE_COLUMNS), "x")


def test_engine_type_1_dka_is_e10(engine: Engine) -> None:
    text = (
        "HPI: 27F with T1DM since age 12 admitted with vomiting. Glucose 512, AG 26.\n"
        "Assessment: DKA without coma. Diabetic gastroparesis."
    )
    out = {s.code: s for s in engine.suggest(Note(text), top=20).suggestions}
    recommended = {c for c, s in out.items() if s.recommended}
    assert not {c for c in recommended if c.startswith("E11")}
    assert "E10.10" in recommended
