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


def test_quick_sectionizer_sets_what_medspacy_sets() -> None:
    from importlib import resources

    import medspacy  # noqa: F401 - registers medspacy_sectionizer
    from medspacy.section_detection import SectionRule

    from codesuggest.extract import sections  # noqa: F401 - registers codesuggest_sectionizer

    rules = str(resources.files("codesuggest.extract").joinpath("data", "section_rules.json"))
    text = (
        "History of present illness: chest pain.\nPast medical history: MI, diabetes.\n"
        "FAMILY HISTORY: mother had breast cancer.\nAssessment and plan: aspirin.\n"
    )

    def run(factory: str) -> list[object]:
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        sectionizer = nlp.add_pipe(factory, config={"span_attrs": None})
        sectionizer.add(SectionRule.from_json(rules))
        doc = nlp(text)
        assert len(doc._.sections) > 3
        found: list[object] = [
            (s.category, s.title_span, s.body_span, s.section_span) for s in doc._.sections
        ]
        found += [(t.i, t.is_sent_start, t._.section and t._.section.category) for t in doc]
        found += [(t.i, t._.section_category, t._.section_span.start) for t in doc]
        return found

    assert run("codesuggest_sectionizer") == run("medspacy_sectionizer")
