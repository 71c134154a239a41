"""The lexicon index of a model (``lexicon.npz``): keys as numbers into one list of words, the
(code, source) pairs they name as numbers into one list of pairs, codes and sources as numbers
into one list of each, the rest as columns.

Equal values are stored once and read back as one object, as the index is built
(``codesets.lexicon.compile_lexicon``): a pair, a key's tuple of pairs and an index path recur
across keys.
"""

from __future__ import annotations

from collections.abc import Sized
from pathlib import Path
from typing import TypeVar

import numpy as np

from codesuggest.errors import ModelError
from codesuggest.extract.lexicon_index import LexiconIndex
from codesuggest.model_io.arrays import (
    Array,
    check_format,
    check_ids,
    check_offsets,
    decode_strings,
    encode_strings,
    gather_tuples,
    id_list,
    int_array,
    ragged,
    read_arrays,
    write_arrays,
)

FILE = "lexicon.npz"
FORMAT = 1
NAMES = (
    "format",
    "words",
    "codes",
    "sources",
    "keys",
    "keys_offsets",
    "pair_codes",
    "pair_sources",
    "named",
    "named_offsets",
    "key_named",
    "anchor_words",
    "anchors",
    "anchors_offsets",
    "title_codes",
    "title_words",
    "upper_only",
    "weak",
    "strength_keys",
    "strength_codes",
    "strength",
    "path_texts",
    "path_keys",
    "path_codes",
    "paths",
)
T = TypeVar("T")


def save_lexicon(index: LexiconIndex, path: Path) -> None:
    """Write ``index`` to ``path``."""
    words = _Numbering[str]()
    codes = _Numbering[str]()
    sources = _Numbering[str]()
    pairs = _Numbering[tuple[str, str]]()
    named = _Numbering[tuple[int, ...]]()
    paths = _Numbering[str]()
    keys = [[words.of(w) for w in key] for key in index.keys]
    key_named = [named.of(tuple(pairs.of(p) for p in named_codes)) for named_codes in index.codes]
    arrays: dict[str, Array] = {"format": np.asarray(FORMAT)}
    arrays["keys"], arrays["keys_offsets"] = ragged(keys)
    arrays["named"], arrays["named_offsets"] = ragged(named.values)
    arrays["key_named"] = int_array(key_named)
    anchor_words = [words.of(w) for w in index.anchors]
    arrays["anchor_words"] = int_array(anchor_words)
    arrays["anchors"], arrays["anchors_offsets"] = ragged(list(index.anchors.values()))
    arrays["pair_codes"] = int_array([codes.of(c) for c, _ in pairs.values])
    arrays["pair_sources"] = int_array([sources.of(s) for _, s in pairs.values])
    arrays["title_codes"] = int_array([codes.of(c) for c in index.title_words])
    arrays["title_words"] = int_array(list(index.title_words.values()))
    arrays["upper_only"] = int_array(sorted(index.upper_only))
    arrays["weak"] = int_array(sorted(index.weak))
    arrays["strength_keys"] = int_array([k for k, _ in index.strength])
    arrays["strength_codes"] = int_array([codes.of(c) for _, c in index.strength])
    arrays["strength"] = np.asarray(list(index.strength.values()), dtype=np.float64)
    arrays["path_keys"] = int_array([k for k, _ in index.paths])
    arrays["path_codes"] = int_array([codes.of(c) for _, c in index.paths])
    arrays["paths"] = int_array([paths.of(p) for p in index.paths.values()])
    arrays["path_texts"] = encode_strings(paths.values)
    arrays["words"] = encode_strings(words.values)
    arrays["codes"] = encode_strings(codes.values)
    arrays["sources"] = encode_strings(sources.values)
    write_arrays(path, arrays)


def load_lexicon(path: Path) -> LexiconIndex:
    """The index :func:`save_lexicon` wrote, checked as it is read."""
    a = read_arrays(path, NAMES)
    where = path.name
    check_format(a, FORMAT, where, "lexicon")
    words = decode_strings(a["words"], where)
    codes = decode_strings(a["codes"], where)
    sources = decode_strings(a["sources"], where)

    def code_ids(name: str) -> list[str]:
        return list(map(codes.__getitem__, id_list(a[name], len(codes), f"{where}: {name}")))

    pair_sources = id_list(a["pair_sources"], len(sources), f"{where}: pair_sources")
    pairs = list(zip(code_ids("pair_codes"), map(sources.__getitem__, pair_sources), strict=True))
    check_ids(a["named"], len(pairs), f"{where}: named")
    check_offsets(a["named_offsets"], len(a["named"]), f"{where}: named")
    named = gather_tuples(pairs, a["named_offsets"], a["named"])
    check_ids(a["keys"], len(words), f"{where}: keys")
    n = len(check_offsets(a["keys_offsets"], len(a["keys"]), f"{where}: keys")) - 1
    keys = gather_tuples(words, a["keys_offsets"], a["keys"])
    key_named = id_list(a["key_named"], len(named), f"{where}: key_named")
    if len(key_named) != n:
        raise ModelError(f"{where}: {len(key_named)} keys name codes, not {n}")
    anchor_words = list(map(words.__getitem__, id_list(a["anchor_words"], len(words), where)))
    anchor_ids = id_list(a["anchors"], n, f"{where}: anchors")
    anchor_at = check_offsets(a["anchors_offsets"], len(anchor_ids), where, len(anchor_words))
    title_codes = code_ids("title_codes")
    title_words = id_list(a["title_words"], 1 << 31, f"{where}: title_words")
    strength_codes = code_ids("strength_codes")
    strength_keys = id_list(a["strength_keys"], n, f"{where}: strength_keys")
    if a["strength"].ndim != 1 or not np.issubdtype(a["strength"].dtype, np.floating):
        raise ModelError(f"{where}: strength is not a list of numbers")
    strength: list[float] = a["strength"].astype(np.float64, copy=False).tolist()
    path_texts = decode_strings(a["path_texts"], where)
    path_codes = code_ids("path_codes")
    path_keys = id_list(a["path_keys"], n, f"{where}: path_keys")
    path_ids = id_list(a["paths"], len(path_texts), f"{where}: paths")
    _same_length(where, title_codes, title_words)
    _same_length(where, strength_codes, strength_keys, strength)
    _same_length(where, path_codes, path_keys, path_ids)
    return LexiconIndex(
        keys=keys,
        codes=list(map(named.__getitem__, key_named)),
        anchors=dict(
            zip(
                anchor_words,
                map(anchor_ids.__getitem__, map(slice, anchor_at, anchor_at[1:])),
                strict=True,
            )
        ),
        title_words=dict(zip(title_codes, title_words, strict=True)),
        upper_only=set(id_list(a["upper_only"], n, f"{where}: upper_only")),
        weak=set(id_list(a["weak"], n, f"{where}: weak")),
        strength=dict(zip(zip(strength_keys, strength_codes, strict=True), strength, strict=True)),
        paths=dict(
            zip(
                zip(path_keys, path_codes, strict=True),
                map(path_texts.__getitem__, path_ids),
                strict=True,
            )
        ),
    )


def _same_length(where: str, *columns: Sized) -> None:
    if len({len(c) for c in columns}) != 1:
        raise ModelError(f"{where}: columns of different lengths")


class _Numbering(dict[T, int]):
    """Distinct values numbered in order of first use."""

    @property
    def values(self) -> list[T]:  # type: ignore[override]
        return list(self)

    def of(self, value: T) -> int:
        return self.setdefault(value, len(self))
