"""The code search: what a coder types finds the code a coder picks, and no query costs much."""

from __future__ import annotations

import itertools
import string
from pathlib import Path

import pytest

from codesuggest.codesets.alpha_index import index_rows
from codesuggest.codesets.search import (
    MAX_BROWSE_ROWS,
    MAX_CHILDREN,
    MAX_POSTINGS,
    MAX_PREFIX_WORDS,
    MAX_TOKENS,
    CodeSearch,
    Work,
    code_search,
)
from codesuggest.engine import Engine

QUERIES = Path(__file__).parents[2] / "benchmarks" / "data" / "search_queries.tsv"


@pytest.fixture(scope="module")
def search(engine: Engine) -> CodeSearch:
    return code_search(engine.codeset, engine.learned)


def codes(search: CodeSearch, query: str, limit: int = 10) -> list[str]:
    return [hit.code for hit in search.search(query, limit=limit)]


def test_a_third_of_the_benchmark_queries_find_the_coders_code_in_the_top_3(
    search: CodeSearch,
) -> None:
    rows = [
        line.split("\t")
        for line in QUERIES.read_text("utf-8").splitlines()
        if line and not line.startswith(("#", "query\t"))
    ]
    subset = rows[::3]
    assert len(subset) >= 70
    missed = [(q, code) for q, code, _ in subset if code not in codes(search, q, 3)]
    assert len(missed) <= 0.05 * len(subset), missed


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("hypertension", "I10"),
        ("pneumonia", "J18.9"),
        ("heart failure", "I50.9"),
        ("htn", "I10"),
        ("chf", "I50.9"),
        ("copd", "J44.9"),
        ("afib", "I48.91"),
        ("dm2", "E11.9"),
        ("ckd 3b", "N18.32"),
        ("vitamin d deficiency", "E55.9"),
    ],
)
def test_what_the_issue_saw_missed_comes_first(search: CodeSearch, query: str, code: str) -> None:
    assert codes(search, query)[0] == code


def test_residual_and_unrelated_codes_wait_behind_the_default(search: CodeSearch) -> None:
    found = codes(search, "heart failure", 20)
    assert all(found.index("I50.9") < found.index(c) for c in ("I50.89", "I09.81") if c in found)
    assert "D68.8" not in codes(search, "afib", 3)  # afibrinogenemia


def test_initial_encounter_before_subsequent_and_sequela(search: CodeSearch) -> None:
    found = codes(search, "fall from ladder")
    assert found.index("W11.XXXA") < found.index("W11.XXXD") < found.index("W11.XXXS")


def test_billable_codes_before_their_categories(search: CodeSearch) -> None:
    hits = search.search("pneumonia", limit=10)
    billable = [h.billable for h in hits]
    assert billable[:5] == [True] * 5


def test_a_main_term_lists_its_subterms_in_index_order_with_their_paths(
    search: CodeSearch,
) -> None:
    hits = search.search("hypertension", limit=10)
    assert hits[0].code == "I10"
    under = [h for h in hits[1:] if h.path.startswith("Hypertension, hypertensive > ")]
    assert len(under) >= 5
    book = {}
    for n, row in enumerate(index_rows()):
        book.setdefault(row.path, n)
    positions = [book[h.path] for h in under]
    assert positions == sorted(positions)
    assert "Hypertension, hypertensive > with > heart failure" in [h.path for h in under]


def test_an_index_entry_with_an_incomplete_code_gives_the_child_the_query_supports(
    search: CodeSearch,
) -> None:
    by_code = {h.code: h for h in search.search("fracture of radius", limit=10)}
    assert "S52.90XA" in by_code  # "Fracture, traumatic > radius" S52.9-: unspecified forearm
    assert by_code["S52.90XA"].path == "Fracture, traumatic > radius"


def test_misspellings_and_typing_ahead(search: CodeSearch) -> None:
    assert codes(search, "pnuemonia")[0] == "J18.9"
    assert codes(search, "sepsys")[0] == "A41.9"
    assert "I10" in codes(search, "hypert", 5)


def test_codes_by_prefix_exact_first(search: CodeSearch) -> None:
    assert codes(search, "e119")[0] == "E11.9"
    found = codes(search, "I50.")
    assert found[0] == "I50"
    assert all(c.startswith("I50.") for c in found[1:]) and len(found) == 10


def test_empty_and_wordless_queries_find_nothing(search: CodeSearch) -> None:
    assert search.search("") == []
    assert search.search("-- ??") == []


def _bound(search: CodeSearch, limit: int) -> Work:
    """The most work any query may cost: every limit the search keeps, at once."""
    widest = max(len(words) for words in search.index.by_shape.values())
    variants = 2  # as typed, and with abbreviations and equivalents said in full
    return Work(
        tokens=variants * MAX_TOKENS,
        words=variants * MAX_TOKENS * (MAX_PREFIX_WORDS + 8 + 2 * 3 * widest),
        postings=variants * MAX_TOKENS * MAX_POSTINGS,
        rows=MAX_BROWSE_ROWS,
        codes=limit * MAX_CHILDREN,
    )


def _within(work: Work, bound: Work) -> bool:
    return all(getattr(work, f) <= getattr(bound, f) for f in vars(bound))


def test_a_hundred_one_letter_words_cost_nothing(search: CodeSearch) -> None:
    """Issue 15: ``q`` of 100 one-letter words took seconds of CPU."""
    work = Work()
    query = " ".join(itertools.islice(itertools.cycle(string.ascii_lowercase), 100))
    assert search.search(query, limit=100, work=work) == []
    assert work == Work()


@pytest.mark.parametrize(
    "query",
    [
        " ".join(a + b for a, b in itertools.product(string.ascii_lowercase, "aeiou"))[:200],
        " ".join(["fracture", "left", "right", "disease", "of", "a", "b", "c"] * 25)[:200],
        "co di hy an ca in de re pa ch " * 6,
        " ".join(w * 3 for w in string.ascii_lowercase)[:200],  # slips hunted for each
        "x" * 200,
    ],
)
def test_hostile_queries_stay_within_the_bound(search: CodeSearch, query: str) -> None:
    work = Work()
    search.search(query, limit=100, work=work)
    assert work.tokens <= 2 * MAX_TOKENS
    assert _within(work, _bound(search, 100)), work


def test_a_query_reads_only_its_first_words(search: CodeSearch) -> None:
    long, short = Work(), Work()
    words = "acute chronic systolic diastolic heart failure kidney disease stage lung liver"
    search.search(words + " brain bone skin eye ear nose", work=long)
    search.search(words, work=short)
    assert long == short
