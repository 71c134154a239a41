"""The code systems' names, spelled in one place: the API's types are the names, and the
spellings a caller may send are read as them."""

from __future__ import annotations

from typing import get_args

import pytest

from codesuggest.codesets.systems import (
    SHORT_NAMES,
    SYSTEMS,
    SystemName,
    SystemSpelling,
    known_system,
    system_filter,
    system_name,
)
from codesuggest.errors import InputError


def test_the_api_types_are_the_systems_and_their_plain_spellings() -> None:
    assert get_args(SystemName) == SYSTEMS
    assert set(get_args(SystemSpelling)) == {*SYSTEMS, *SHORT_NAMES}
    assert all(known_system(spelling) is not None for spelling in get_args(SystemSpelling))


@pytest.mark.parametrize(
    ("spelled", "name"),
    [
        ("icd10cm", "ICD-10-CM"),
        ("ICD-10-pcs", "ICD-10-PCS"),
        ("Icd10Pcs", "ICD-10-PCS"),
        ("cpt", "CPT"),
    ],
)
def test_any_spelling_reads_as_the_one_name(spelled: str, name: str) -> None:
    assert system_name(spelled) == name
    assert known_system(spelled) == name


def test_a_filter_names_unknown_systems_and_the_known_ones() -> None:
    assert system_filter(["icd10cm,cpt"]) == {"ICD-10-CM", "CPT"}
    assert system_filter(None) is None and system_filter([" "]) is None
    with pytest.raises(InputError, match="unknown code system 'snomed'; known: ICD-10-CM"):
        system_filter(["snomed"])
    assert system_name("snomed") == "snomed"
