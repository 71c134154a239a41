"""Convert a release of the ICD-10-CM Alphabetic Index (flattened to CSV) into the table the
engine ships.

    python training/convert_index.py --index ../shared/data/icd10cm-index

Writes src/codesuggest/codesets/data/icd10cm_index.tsv.gz (see
``codesuggest.codesets.index_convert`` for what a row is) and, beside it, drug_effects.tsv
(each drug's adverse-effect code, ``codesuggest.candidates.drug_class``) and
neoplasm_secondary.tsv (each primary site's secondary code,
``codesuggest.codesets.neoplasm_sites``). Rebuild the default model and refit its calibration
afterwards: the table is part of its recipe.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from codesuggest.candidates.drug_class import EFFECTS_FILE, build_drug_effects, write_drug_effects
from codesuggest.codesets.alpha_index import drug_aliases
from codesuggest.codesets.index_convert import convert, write_table
from codesuggest.codesets.neoplasm_sites import (
    SECONDARY_FILE,
    build_secondary_sites,
    write_secondary_sites,
)

OUT = Path(__file__).resolve().parents[1] / "src" / "codesuggest" / "codesets" / "data"


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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
