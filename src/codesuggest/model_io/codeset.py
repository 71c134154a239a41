"""The ICD-10-CM table of a model (``icd10cm.npz``): one column of arrays per field of
:class:`~codesuggest.codesets.icd10cm.Entry`, text as UTF-8, references to other entries as
their row numbers."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TypeVar

import numpy as np

from codesuggest.codesets.icd10cm import Entry, Icd10Cm
from codesuggest.errors import ModelError
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
    offsets_of,
    ragged,
    read_arrays,
    write_arrays,
)

FILE = "icd10cm.npz"
FORMAT = 1
KINDS = ("chapter", "block", "code")
# the fields of an entry that hold a tuple of free texts, in Entry's order
T = TypeVar("T")
_TEXTS = ("inclusion_terms", "excludes1", "excludes2", "code_first", "use_additional")
NAMES = (
    "format",
    "release",
    "codes",
    "titles",
    "parents",
    "kinds",
    "billable",
    "children",
    "children_offsets",
    *(f"{f}{part}" for f in _TEXTS for part in ("", "_offsets")),
    "seventh_keys",
    "seventh_titles",
    "seventh_offsets",
)


def save_codeset(codeset: Icd10Cm, path: Path) -> None:
    """Write ``codeset`` to ``path``."""
    entries = codeset.entries
    codes = list(entries)
    row = {code: i for i, code in enumerate(codes)}
    values = list(entries.values())
    arrays: dict[str, Array] = {
        "format": np.asarray(FORMAT),
        "release": encode_strings([codeset.release]),
        "codes": encode_strings(codes),
        "titles": encode_strings([e.title for e in values]),
        "parents": int_array(-1 if e.parent is None else row[e.parent] for e in values),
        "kinds": np.asarray([KINDS.index(e.kind) for e in values], dtype=np.uint8),
        "billable": np.asarray([e.billable for e in values], dtype=bool),
    }
    arrays["children"], arrays["children_offsets"] = ragged(
        [[row[c] for c in e.children] for e in values]
    )
    for name in _TEXTS:
        texts: list[tuple[str, ...]] = [getattr(e, name) for e in values]
        arrays[name] = encode_strings([t for group in texts for t in group])
        arrays[f"{name}_offsets"] = offsets_of(len(t) for t in texts)
    arrays["seventh_keys"] = encode_strings([k for e in values for k, _ in e.seventh])
    arrays["seventh_titles"] = encode_strings([t for e in values for _, t in e.seventh])
    arrays["seventh_offsets"] = offsets_of(len(e.seventh) for e in values)
    write_arrays(path, arrays)


def load_codeset(path: Path) -> Icd10Cm:
    """The table :func:`save_codeset` wrote, checked as it is read."""
    a = read_arrays(path, NAMES)
    where = path.name
    check_format(a, FORMAT, where, "code-set table")
    (release,) = decode_strings(a["release"], where, 1)
    codes = decode_strings(a["codes"], where)
    n = len(codes)
    titles = decode_strings(a["titles"], where, n)
    parents = id_list(a["parents"], n, f"{where}: parents", low=-1)
    kind_ids = id_list(a["kinds"], len(KINDS), f"{where}: kinds")
    if a["billable"].dtype != np.bool_ or len(a["billable"]) != n or len(parents) != n:
        raise ModelError(f"{where}: columns of different lengths")
    billable: list[bool] = a["billable"].tolist()
    check_ids(a["children"], n, f"{where}: children")
    children = _groups(codes, a["children_offsets"], n, f"{where}: children", a["children"])
    texts = [
        _groups(decode_strings(a[name], where), a[f"{name}_offsets"], n, f"{where}: {name}")
        for name in _TEXTS
    ]
    keys = decode_strings(a["seventh_keys"], where)
    seventh = _groups(
        list(zip(keys, decode_strings(a["seventh_titles"], where, len(keys)), strict=True)),
        a["seventh_offsets"],
        n,
        f"{where}: seventh",
    )
    kinds = list(map(KINDS.__getitem__, kind_ids))
    # tuple.__new__ is what Entry._make calls, less a Python call per entry
    rows = map(
        partial(tuple.__new__, Entry),
        zip(
            titles,
            list(map([*codes, None].__getitem__, parents)),  # -1: no parent
            kinds,
            billable,
            children,
            *texts,
            seventh,
            strict=True,
        ),
    )
    entries = dict(zip(codes, rows, strict=True))
    if len(entries) != n:
        raise ModelError(f"{where}: a code listed twice")
    return Icd10Cm(entries, release)


def _groups(
    table: list[T], offsets: Array, count: int, where: str, ids: Array | None = None
) -> list[tuple[T, ...]]:
    """``count`` tuples of ``table``'s items (at ``ids`` when given) cut at ``offsets``."""
    check_offsets(offsets, len(table) if ids is None else len(ids), where, count)
    return gather_tuples(table, offsets, ids)
