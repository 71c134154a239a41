"""Builds the extraction pipeline: sentences, lexicon terms, sections, ConText assertion.

spaCy's rule-based sentencizer replaces medspaCy's PyRuSH (about ten times slower and not
thread-safe); line breaks end sentences too, as clinical notes are often one statement a line.
It runs as ``codesuggest_sentencizer``: the same rule and sentences, found with numpy.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
import types
import warnings
from collections.abc import Callable
from importlib import resources
from typing import Any

import spacy
from spacy import util
from spacy.attrs import IDS  # type: ignore[import-not-found]  # (Cython: no stub)
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokenizer import Tokenizer  # type: ignore[import-not-found]  # (Cython: no stub)
from spacy.tokens import Span

from codesuggest.extract.lexicon_index import LexiconIndex
from codesuggest.extract.mentions import RESOLVED_ATTR
from codesuggest.extract.terms import SPAN_KEY, TermMatcher

_SENT_END = [*Sentencizer.default_punct_chars, "\n", "\n\n", ";"]
_ATTRIBUTE_NAMES = {v: k for k, v in IDS.items()}  # attribute id -> name
# The lexeme attributes the pipeline and its rules read (LOWER: ConText's and the sectionizer's
# patterns, IS_PUNCT: the sentencizer; NORM, the affixes and the cheap character classes are
# kept as spaCy's own components may read them). ``LIKE_NUM``, ``LIKE_URL``, ``SHAPE``,
# ``IS_STOP``... are not computed: nothing here reads them.
LEXEME_ATTRIBUTES = frozenset(
    {
        "LOWER",
        "NORM",
        "PREFIX",
        "SUFFIX",
        "IS_ALPHA",
        "IS_DIGIT",
        "IS_LOWER",
        "IS_UPPER",
        "IS_TITLE",
        "IS_SPACE",
        "IS_PUNCT",
    }
)
# medspaCy's ConText flags, and RESOLVED ("pneumonia, resolved"): historical, marked resolved
_CONTEXT_ATTRIBUTES = {
    "NEGATED_EXISTENCE": {"is_negated": True},
    "POSSIBLE_EXISTENCE": {"is_uncertain": True},
    "HISTORICAL": {"is_historical": True},
    "HYPOTHETICAL": {"is_hypothetical": True},
    "FAMILY": {"is_family": True},
    "RESOLVED": {"is_historical": True, RESOLVED_ATTR: True},
}


def build_pipeline(index: LexiconIndex, *, mining: bool = False) -> Language:
    """A fresh pipeline over ``index`` (one per process: ConText rules cannot be pickled);
    ``mining``: one for mining phrases (``training.phrases``), whose larger matches hide no
    smaller ones and which keeps no loose match."""
    _quiet_third_party_loggers()
    _defer_nltk()
    import medspacy  # noqa: F401 - registers the medspacy_* factories
    from medspacy.context import ConText
    from medspacy.section_detection import Sectionizer

    from codesuggest.extract import context, current, sections, sentences, terms  # noqa: F401

    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER}}})
    _compute_only_attributes_read(nlp)
    nlp.add_pipe("codesuggest_sentencizer", name="sentencizer", config={"punct_chars": _SENT_END})
    matcher = nlp.add_pipe("codesuggest_terms")
    assert isinstance(matcher, TermMatcher)
    matcher.index = index
    matcher.subsume = matcher.loose = not mining
    sectionizer = nlp.add_pipe(
        "codesuggest_sectionizer",  # medspaCy's Sectionizer, quicker
        name="medspacy_sectionizer",
        config={
            "input_span_type": "group",
            "span_group_name": SPAN_KEY,
            "span_attrs": None,
            "rules": None,
        },
    )
    assert isinstance(sectionizer, Sectionizer)
    data = resources.files("codesuggest.extract").joinpath("data")
    ours = str(data.joinpath("section_rules.json"))
    sectionizer.add(sections.section_rules(ours, sectionizer.DEFAULT_RULES_FILEPATH))
    context_rules = data.joinpath("context_rules.json")
    ConText.register_default_attributes()
    if not Span.has_extension(RESOLVED_ATTR):
        Span.set_extension(RESOLVED_ATTR, default=False)
    con_text = nlp.add_pipe(
        "codesuggest_context",  # medspaCy's ConText, quicker
        name="medspacy_context",
        config={
            "input_span_type": "group",
            "span_group_name": SPAN_KEY,
            "rules": None,
            "prune_on_target_overlap": True,
            "span_attrs": _CONTEXT_ATTRIBUTES,
        },
    )
    assert isinstance(con_text, ConText)
    con_text.add(context.load_context_rules(str(context_rules)))
    nlp.add_pipe("codesuggest_treatments")  # chronic conditions made current by their drugs
    return nlp


TOKENIZER = "codesuggest.tokenizer.v1"


def quick_tokenizer() -> Callable[[Language], Tokenizer]:
    """spaCy's tokenizer for the language, less the special cases for a lone whitespace
    character ("\\n", "\\t", " ") that only name the character itself: without them the affix
    rules make the very same single token. They cost much: spaCy's tokenizer stops caching the
    rest of a note once a special case has matched (its ``has_special`` flag), so the first line
    break of a note left every later word to be split afresh, as if never seen (about 40% of
    the tokenizer's time). Special cases that set anything else (NORM of a no-break space) are
    kept. Built with its special cases once: setting them afresh costs a tenth of a second."""

    def make(nlp: Language) -> Tokenizer:
        defaults = nlp.Defaults  # (as spaCy's own tokenizer factory reads them)
        p, s, i = defaults.prefixes, defaults.suffixes, defaults.infixes
        prefix = util.compile_prefix_regex(p).search if p else None
        suffix = util.compile_suffix_regex(s).search if s else None
        infix = util.compile_infix_regex(i).finditer if i else None

        def redundant(k: str, v: list[dict[int, str]]) -> bool:
            # a rule's every token has an ORTH: a lone attribute that is the text itself is
            # that ORTH
            return (
                k.isspace()
                and len(v) == 1
                and list(v[0].values()) == [k]
                and not (prefix and prefix(k))
                and not (suffix and suffix(k))
                and not (infix and next(infix(k), None) is not None)
            )

        rules = {k: v for k, v in defaults.tokenizer_exceptions.items() if not redundant(k, v)}
        return Tokenizer(
            nlp.vocab,
            rules=rules,
            prefix_search=prefix,
            suffix_search=suffix,
            infix_finditer=infix,
            token_match=defaults.token_match,
            url_match=defaults.url_match,
        )

    return make


util.registry.tokenizers.register(TOKENIZER, func=quick_tokenizer)


def _compute_only_attributes_read(nlp: Language) -> None:
    """Compute, for each new word, only the lexeme attributes in :data:`LEXEME_ATTRIBUTES`.
    spaCy computes two dozen of them with Python functions for every word its vocabulary has
    not met (a batch meets tens of thousands of them): those nothing reads cost a tenth of the
    tokenizer's time. An attribute not computed reads as False or empty."""
    vocab: Any = nlp.vocab
    getters: dict[int, Any] = vocab.lex_attr_getters
    vocab.lex_attr_getters = {
        k: f for k, f in getters.items() if _ATTRIBUTE_NAMES.get(k) in LEXEME_ATTRIBUTES
    }


class _Deferred(types.ModuleType):
    """Stands in ``sys.modules`` for a module until one of its attributes is read, then
    imports it (and steps aside): ``import x`` costs nothing until ``x`` is used."""

    def __getattr__(self, name: str) -> Any:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), name)


def _defer_nltk() -> None:
    """medspaCy imports QuickUMLS (for a pipe we do not use), which imports NLTK, which
    imports SciPy's statistics and scikit-learn: a second of every cold start. QuickUMLS
    reads NLTK only when it builds a matcher, so NLTK is imported then instead."""
    if "nltk" not in sys.modules and importlib.util.find_spec("nltk") is not None:
        sys.modules["nltk"] = _Deferred("nltk")


def _quiet_third_party_loggers() -> None:
    """PyRuSH logs every sentence through loguru unless told not to; medspaCy's sectionizer
    runs a pattern-less spaCy Matcher that warns (W036) on every note, costing ~0.8 ms each."""
    warnings.filterwarnings("ignore", message=r"\[W036\]", category=UserWarning)
    try:
        from loguru import logger

        logger.disable("PyRuSH")
    except ImportError:  # pragma: no cover - loguru comes with medspaCy
        pass
    logging.getLogger("medspacy").setLevel(logging.WARNING)
