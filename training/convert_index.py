"""Convert a release of the ICD-10-CM Alphabetic Index (flattened to CSV) into the table the
engine ships.

    python training/convert_index.py --index ../shared/data/icd10cm-index

Writes src/codesuggest/codesets/data/icd10cm_index.tsv.gz (see
``codesuggest.codesets.index_convert`` for what a row is) and, beside it, drug_effects.tsv
(each drug's adverse-effect code, ``codesuggest.candidates.drug_class``) and
neoplasm_secondary.tsv (each primary site's secondary code,
``codesuggest.codesets.neoplasm_sites``); and src/codesuggest/extract/data/
neoplasm_morphology.tsv (the behaviour each morphology word says,
``codesuggest.codesets.neoplasm_morphology``). Rebuild the default model and refit its
calibration afterwards: the table and the words are part of its recipe.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from codesuggest.candidates.drug_class import EFFECTS_FILE, build_drug_effects, write_drug_effects
from codesuggest.codesets.alpha_index import drug_aliases
from codesuggest.codesets.index_convert import convert, read_rows, write_table
from codesuggest.codesets.neoplasm_morphology import (
    MORPHOLOGY_FILE,
    build_morphology,
    write_morphology,
)
from codesuggest.codesets.neoplasm_sites import (
    SECONDARY_FILE,
    build_secondary_sites,
    write_secondary_sites,
)

SRC = Path(__file__).resolve().parents[1] / "src" / "codesuggest"
OUT = SRC / "codesets" / "data"
EXTRACT_DATA = SRC / "extract" / "data"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, help="the flattened index folder")
    parser.add_argument("--out", type=Path, default=OUT / "icd10cm_index.tsv.gz")
    args = parser.parse_args()
    rows = convert(args.index)
    n = write_table(rows, args.out)
    tables = Counter(r.table for r in rows)
    print(f"wrote {n} rows to {args.out} ({', '.join(f'{k} {v}' for k, v in tables.items())})")
    effects = build_drug_effects(rows, drug_aliases())
    target = args.out.parent / EFFECTS_FILE
    target.write_text(write_drug_effects(effects), encoding="utf-8")
    print(f"wrote {len(effects)} drugs to {target}")
    sites = build_secondary_sites(rows)
    target = args.out.parent / SECONDARY_FILE
    target.write_text(write_secondary_sites(sites), encoding="utf-8")
    print(f"wrote {len(sites)} primary sites to {target}")
    morphology = build_morphology(read_rows(args.index / "index.csv"))
    target = EXTRACT_DATA / MORPHOLOGY_FILE
    target.write_text(write_morphology(morphology), encoding="utf-8")
    print(f"wrote {len(morphology)} morphology words to {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
