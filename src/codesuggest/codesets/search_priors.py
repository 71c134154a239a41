"""How commonly a code is coded, for a code search to put common codes first.

Two sources, documented because neither is a count of coded encounters we ship:

- **Shipped** (every model): the engine's curated phrase list (``data/synonyms.tsv``) was
  written for the conditions clinicians write and coders code most; a code it names, the more
  phrasings the more so, is a common code. A code the Alphabetic Index gives as a main term's
  default ("Hypertension" -> I10, "Pneumonia" -> J18.9) is what a coder codes for the bare
  condition. Both are read from the package, so the prior is the same for every model.
- **Learned** (a model trained on a site's coded notes): the share of training notes coded
  with each code (``LearnedScorer.log_prior_``), so a site's common codes come first.

Each prior is in [0, 1]; a code's prior is the larger of the two.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

from codesuggest.codesets.alpha_index import SOURCE as INDEX_SOURCE
from codesuggest.codesets.alpha_index import index_rows, resolve_code
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.codesets.lexicon import data_phrases
from codesuggest.codesets.systems import CM


class TrainedPriors(Protocol):
    """What a trained model's learned scorer (``candidates.learned.LearnedScorer``) holds."""

    @property
    def labels_(self) -> Sequence[str]: ...  # "ICD-10-CM|E11.9"

    @property
    def log_prior_(self) -> npt.NDArray[np.float32]: ...


_SATURATION = 8  # curated phrasings at which the shipped prior is full


def shipped_priors(codeset: Icd10Cm) -> dict[str, float]:
    """Per code, in [0, 1]: curated phrasings (up to 0.7) and main-term default (0.3)."""
    phrasings = Counter(p.code for p in data_phrases(codeset))
    out = {
        code: 0.4 + 0.3 * min(1.0, math.log1p(n) / math.log1p(_SATURATION))
        for code, n in phrasings.items()
    }
    for row in index_rows():
        if row.table == INDEX_SOURCE and " > " not in row.path:
            code = resolve_code(row.code, codeset)
            if code is not None:
                out[code] = out.get(code, 0.0) + 0.3
    return {code: min(1.0, p) for code, p in out.items()}


def learned_frequencies(learned: TrainedPriors | None) -> dict[str, float]:
    """A trained model's share of training notes coded with each ICD-10-CM code (empty for a
    model without a learned scorer, as the default model)."""
    if learned is None or not hasattr(learned, "log_prior_"):
        return {}
    out: dict[str, float] = {}
    for label, log_prior in zip(learned.labels_, learned.log_prior_.tolist(), strict=True):
        system, _, code = label.partition("|")
        if system == CM and code:
            out[code] = math.exp(log_prior)
    return out


def code_priors(codeset: Icd10Cm, learned: Mapping[str, float] | None = None) -> dict[str, float]:
    """Per code, the larger of its shipped prior and its learned one (a code in 1% of a site's
    notes or more is fully common; rarer codes scale with the log of their share)."""
    out = shipped_priors(codeset)
    for code, share in (learned or {}).items():
        found = codeset.normalize(code)
        if found is None:
            continue
        # 1e-4 -> 0, 1e-2 and above -> 1
        p = min(1.0, max(0.0, (math.log10(max(share, 1e-9)) + 4.0) / 2.0))
        out[found] = max(out.get(found, 0.0), p)
    return out
