"""Code priors for the search: shipped (our phrases, Index main terms) and learned."""

from __future__ import annotations

from codesuggest.candidates.learned import LearnedScorer
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.codesets.search_priors import code_priors, learned_frequencies, shipped_priors
from codesuggest.engine import Engine


def test_shipped_priors_favour_codes_we_have_phrases_for_and_index_defaults(
    engine: Engine,
) -> None:
    priors = shipped_priors(engine.codeset)
    assert priors["I10"] == 1.0  # many phrasings, and the main term "Hypertension"
    assert priors["J18.9"] >= 0.7
    assert priors.get("I09.81", 0.0) < priors["I50.9"]
    assert all(0.0 < p <= 1.0 for p in priors.values())


def test_learned_frequencies_are_the_share_of_training_notes() -> None:
    texts = [f"note {i} heart failure follow up visit" for i in range(20)]
    labels = [{"ICD-10-CM|I50.89"} if i % 2 else {"ICD-10-CM|I50.9"} for i in range(20)]
    labels[0] = {"ICD-10-CM|I50.9", "ICD-10-PCS|0DTJ4ZZ"}
    scorer = LearnedScorer(neighbours=2).fit(texts, labels)
    shares = learned_frequencies(scorer)
    assert set(shares) == {"I50.89", "I50.9"}  # other systems left out
    assert abs(shares["I50.89"] - 10.5 / 21) < 1e-3
    assert learned_frequencies(None) == {}


def test_a_sites_common_code_is_fully_common(engine: Engine) -> None:
    codeset: Icd10Cm = engine.codeset
    base = code_priors(codeset)
    learned = code_priors(codeset, {"I50.89": 0.05, "T86.22": 1e-5, "ZZZ": 0.5})
    assert learned["I50.89"] == 1.0 and base.get("I50.89", 0.0) < 1.0
    assert learned.get("T86.22", 0.0) == base.get("T86.22", 0.0)  # too rare to lean on
    assert "ZZZ" not in learned
