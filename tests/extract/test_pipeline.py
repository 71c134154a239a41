"""The extraction pipeline's tokenizer: quicker special cases, the same tokens."""

from __future__ import annotations

import spacy

from codesuggest.extract.pipeline import _drop_whitespace_special_cases

TEXTS = [
    "Chest pain.\nNo fever;\n\nDr. Smith's note:\tBP 120/80  mmHg, e.g. at 10 a.m.\n",
    "  Leading spaces\n\tand tabs\t\t,\u00a0no-break space\u00a0here.  \n",
    "Line one\nline two\n\n\nline  three \t\n",
]


def _tokens(nlp: spacy.language.Language, text: str) -> list[tuple[str, str, str, str, int]]:
    return [(t.text, t.whitespace_, t.norm_, t.lower_, t.idx) for t in nlp.make_doc(text)]


def test_whitespace_special_cases_gone_tokens_unchanged() -> None:
    reference = spacy.blank("en")
    nlp = spacy.blank("en")
    _drop_whitespace_special_cases(nlp)
    assert {"\n", "\t", " "}.isdisjoint(nlp.tokenizer.rules)
    assert "\u00a0" in nlp.tokenizer.rules  # it sets a NORM: kept
    assert len(nlp.tokenizer.rules) == len(reference.tokenizer.rules) - 3
    for text in TEXTS:
        for _ in range(2):  # the second time from the tokenizer's cache
            assert _tokens(nlp, text) == _tokens(reference, text)
