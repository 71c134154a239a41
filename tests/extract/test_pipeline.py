"""The extraction pipeline's tokenizer: quicker special cases, the same tokens."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import spacy

from codesuggest.extract.pipeline import (
    _ATTRIBUTE_NAMES,
    LEXEME_ATTRIBUTES,
    TOKENIZER,
    _compute_only_attributes_read,
)

TEXTS = [
    "Chest pain.\nNo fever;\n\nDr. Smith's note:\tBP 120/80  mmHg, e.g. at 10 a.m.\n",
    "  Leading spaces\n\tand tabs\t\t,\u00a0no-break space\u00a0here.  \n",
    "Line one\nline two\n\n\nline  three \t\n",
]


def _tokens(nlp: spacy.language.Language, text: str) -> list[tuple[str, str, str, str, int]]:
    return [(t.text, t.whitespace_, t.norm_, t.lower_, t.idx) for t in nlp.make_doc(text)]


def test_whitespace_special_cases_gone_tokens_unchanged() -> None:
    reference = spacy.blank("en")
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER}}})
    assert {"\n", "\t", " "}.isdisjoint(nlp.tokenizer.rules)
    assert "\u00a0" in nlp.tokenizer.rules  # it sets a NORM: kept
    assert len(nlp.tokenizer.rules) == len(reference.tokenizer.rules) - 3
    # the same affix rules, URL and token matching as spaCy's own tokenizer
    for attr in ("prefix_search", "suffix_search", "infix_finditer", "token_match", "url_match"):
        ours, theirs = getattr(nlp.tokenizer, attr), getattr(reference.tokenizer, attr)
        assert getattr(ours, "__self__", ours) == getattr(theirs, "__self__", theirs)
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


SENTENCE_TEXTS = [
    *TEXTS,
    "",
    " ",
    "\n",
    ".",
    "...",
    "a . . b",
    "No fever. No cough! Pain? yes;no\n\nEnd",
    "Ends without punctuation",
    "(Quoted.) \"Next.\" 'And'. Dr. X; y\n",
]


def test_quick_sentencizer_finds_spacys_sentences() -> None:
    from spacy.pipeline import Sentencizer

    from codesuggest.extract.pipeline import _SENT_END
    from codesuggest.extract.sentences import QuickSentencizer

    nlp = spacy.blank("en")
    for punct in (_SENT_END, None):
        reference = Sentencizer(punct_chars=punct)
        quick = QuickSentencizer(punct_chars=punct)
        docs = [nlp.make_doc(text) for text in SENTENCE_TEXTS]
        assert quick.predict(docs) == reference.predict(docs)
        for doc in docs:
            assert quick.predict([doc]) == reference.predict([doc])
            a, b = nlp.make_doc(doc.text), nlp.make_doc(doc.text)
            assert [s.start for s in quick(a).sents] == [s.start for s in reference(b).sents]


CONTEXT_TEXTS = [
    "No relevant medical history. He denies chest pain or fever, but has a cough.\n"
    "History of hypertension. Without other significant past history of note.",
    "Patient with no previous history of interest who presents with dyspnea. No fever, no "
    "cough; possible pneumonia. Mother had breast cancer. Ruled out myocardial infarction.",
    "Fever and cough for three days. Chest X-ray without infiltrates.",
    "without relevant antecedents of heart disease. No significant family background\n"
    "no personal history of diabetes mellitus, no history of interest",
    "Diabetes without complications on metformin. No rash on exam (no fever), then cough.",
]


def test_quick_context_builds_medspacys_graph(engine: object) -> None:
    from importlib import resources

    from medspacy.context import ConText

    from codesuggest.extract.context import load_context_rules
    from codesuggest.extract.medspacy_private import context_matcher, matcher_parts

    nlp = engine.nlp  # type: ignore[attr-defined]
    quick = nlp.get_pipe("medspacy_context")
    rules = str(resources.files("codesuggest.extract").joinpath("data", "context_rules.json"))
    reference = ConText(
        nlp,
        name="reference_context",
        input_span_type="group",
        span_group_name="codesuggest_terms",
        rules=None,
        prune_on_target_overlap=True,
    )
    reference.add(load_context_rules(rules))  # medspaCy's JSON reader refuses terminated_by

    def run(component: object, text: str) -> tuple[list[object], list[object], list[object]]:
        doc = nlp.make_doc(text)
        for name, proc in nlp.pipeline:
            if name == "medspacy_context":
                break
            doc = proc(doc)
        doc = component(doc)  # type: ignore[operator]
        graph = doc._.context_graph
        modifiers: list[object] = [
            (m.modifier_span, m.scope_span, m.category, m.rule.literal, m.direction)
            for m in graph.modifiers
        ]
        found: list[object] = [((t.start, t.end), m.modifier_span) for t, m in graph.edges]
        found += [
            (s.start, s.end, s._.is_negated, s._.is_uncertain, s._.is_historical)
            for s in doc.spans["codesuggest_terms"]
        ]
        return modifiers, list(getattr(graph, "idle", [])), found

    idle_seen = 0
    for text in CONTEXT_TEXTS:
        mine, idle, found = run(quick, text)
        theirs, _, expected = run(reference, text)
        assert found == expected  # the same edges and the same assertions
        # the same cues, but those that could change nothing are set aside, not built
        assert [m for m in theirs if m[0] not in idle] == mine
        left_out = [m for m in theirs if m[0] in idle]
        assert sorted(m[0] for m in left_out) == sorted(idle)
        assert all(m[4] in ("PSEUDO", "TERMINATE") for m in left_out)
        idle_seen += len(idle)
    assert idle_seen  # some sentences hold only pseudo or terminating cues
    # the token-pattern rules ("no ... history of interest") matched after the first token
    doc = nlp(CONTEXT_TEXTS[1])
    matcher = context_matcher(quick)
    assert quick._token_windows(doc, matcher, matcher_parts(matcher).tokens)[0][0] > 0
    graph = doc._.context_graph
    cues = [m.modifier_span for m in graph.modifiers if m.category == "PSEUDO"] + graph.idle
    assert any(doc[s:e].text.startswith("no previous history of interest") for s, e in cues)


def test_nltk_is_imported_when_first_used_not_with_medspacy() -> None:
    """QuickUMLS (imported by medspaCy) imports NLTK; it stands deferred until read."""
    code = (
        "import sys\n"
        "from codesuggest.extract.lexicon_index import LexiconIndex\n"
        "from codesuggest.extract.pipeline import build_pipeline\n"
        "build_pipeline(LexiconIndex())\n"
        "import quickumls.core\n"
        "print(type(sys.modules['nltk']).__name__, 'sklearn' in sys.modules)\n"
        "stopwords = quickumls.core.nltk.corpus.stopwords\n"  # QuickUMLS's own use of it
        "print(type(sys.modules['nltk']).__name__, hasattr(sys.modules['nltk'], 'corpus'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["_Deferred False", "module True"]


# token attributes a pattern may read beyond the lexeme's: the text itself
_TEXT_ATTRIBUTES = {"TEXT", "ORTH"}


def test_only_the_lexeme_attributes_read_are_computed_and_as_spacy_computes_them() -> None:
    reference = spacy.blank("en")
    nlp = spacy.blank("en")
    _compute_only_attributes_read(nlp)
    names = {_ATTRIBUTE_NAMES[k] for k in nlp.vocab.lex_attr_getters}
    assert names == LEXEME_ATTRIBUTES
    kept = sorted(LEXEME_ATTRIBUTES)
    for text in [*TEXTS, "Hgb 7.2 g/dL, 3 days; see www.example.org or a@b.org! 45-year-old"]:
        ours, theirs = nlp.make_doc(text), reference.make_doc(text)
        assert ours.to_array(kept).tolist() == theirs.to_array(kept).tolist()
    assert not nlp.make_doc("forty-five")[0].like_num  # not computed: reads False


def _pattern_attributes(rule_file: str, key: str) -> set[str]:
    import json

    with open(rule_file, encoding="utf-8") as f:
        rules = json.load(f)[key]
    found: set[str] = set()
    for rule in rules:
        pattern = rule.get("pattern")
        if isinstance(pattern, list):
            for token in pattern:
                found.update(k for k in token if k != "OP")
    return found


def test_packaged_rule_patterns_read_only_attributes_the_pipeline_computes() -> None:
    from importlib import resources

    import medspacy

    data = resources.files("codesuggest.extract").joinpath("data")
    read = _pattern_attributes(str(data.joinpath("context_rules.json")), "context_rules")
    read |= _pattern_attributes(str(data.joinpath("section_rules.json")), "section_rules")
    # the rules medspaCy's Sectionizer packages (``DEFAULT_RULES_FILEPATH``), which ours extend
    packaged = Path(medspacy.__file__).parents[1] / "resources" / "en" / "section_patterns.json"
    read |= _pattern_attributes(str(packaged), "section_rules")
    assert "LOWER" in read  # the files were read
    assert read <= LEXEME_ATTRIBUTES | _TEXT_ATTRIBUTES


@pytest.mark.parametrize("module", ["context", "sections", "sentences", "medspacy_private"])
def test_each_fork_runs_on_the_upstream_release_it_tracks(module: str) -> None:
    """The forks above are tested against the upstream components of the release installed; a
    new release fails here until the fork has been read against it and ``TRACKS`` moved on."""
    from importlib import import_module
    from importlib.metadata import version

    package, tracked = import_module(f"codesuggest.extract.{module}").TRACKS
    installed = version(package)
    assert installed == tracked or installed.startswith(f"{tracked}."), (
        f"{package} {installed}: review codesuggest/extract/{module}.py against it"
    )
