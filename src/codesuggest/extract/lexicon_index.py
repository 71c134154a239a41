"""The compiled lexicon the term matcher reads (``extract.terms``): word-set keys and the codes
they name. ``codesets.lexicon`` compiles it from the code sets' phrases."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class LexiconIndex:
    """Compiled lexicon: word-set keys, the codes they name, and an anchor index.

    ``keys[i]`` is a sorted tuple of distinct content words; ``codes[i]`` the (code, source)
    pairs that phrase names; ``anchors`` maps a word to the keys it anchors (each key is
    anchored on its rarest word so that common words stay cheap to look up).
    """

    keys: list[tuple[str, ...]] = field(default_factory=list)
    codes: list[tuple[tuple[str, str], ...]] = field(default_factory=list)
    anchors: dict[str, list[int]] = field(default_factory=dict)
    title_words: dict[str, int] = field(default_factory=dict)
    upper_only: set[int] = field(default_factory=set)  # short abbreviations: "MI", not "mi"
    # keys that only learned phrases name: their matches never hide smaller dictionary matches
    weak: set[int] = field(default_factory=set)
    # (key id, code) -> how reliably a learned phrase names the code (its mined precision)
    strength: dict[tuple[int, str], float] = field(default_factory=dict)
    # (key id, code) -> the Alphabetic Index path that names the code with the key
    paths: dict[tuple[int, str], str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.keys)
