"""Learn which Alphabetic Index entries are noise: they fire in coded notes but are rarely coded.

    python training/index_noise.py --codiesp ../shared/data/codiesp/train \
        [--min-fired 3] [--max-precision 0.05]

Matches every index entry (and nothing else of the lexicon's index source) over the coded
notes of a training split (never dev, on which models are measured) and writes
src/codesuggest/codesets/data/index_noise.tsv: the entries that named a code in at least
``--min-fired`` notes with an affirmed mention, while the coders coded that code (or one below
it) in at most ``--max-precision`` of those notes. Entries matched only through a stronger
source of the lexicon (a title, our synonyms) are not counted: the index is not why they fire.
The shipped file is learned from CodiEsp train (CC BY 4.0, Miranda-Escalada,
Gonzalez-Agirre, Krallinger; CLEF eHealth 2020): only entry names and counts are shipped.
Rebuild the default model and refit its calibration afterwards.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

from tqdm import tqdm

from codesuggest.codesets.alpha_index import NOISE, SOURCE, index_phrases
from codesuggest.codesets.icd10cm import SYSTEM, Icd10Cm
from codesuggest.codesets.lexicon import code_set_phrases, compile_lexicon, data_phrases
from codesuggest.extract.mentions import doc_mentions
from codesuggest.extract.pipeline import build_pipeline
from codesuggest.training.corpus import read_corpus
from codesuggest.types import Assertion

OUT = Path(__file__).resolve().parents[1] / "src" / "codesuggest" / "codesets" / "data" / NOISE
_AFFIRMED = (Assertion.PRESENT, Assertion.POSSIBLE, Assertion.HISTORICAL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codiesp", type=Path, required=True, help="CodiEsp train folder")
    parser.add_argument("--min-fired", type=int, default=3)
    parser.add_argument("--max-precision", type=float, default=0.05)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if args.codiesp.name != "train":
        print("error: learn the filter on a training split, never on dev", file=sys.stderr)
        return 2
    codeset = Icd10Cm.from_package()
    coded, _ = read_corpus(f"codiesp:{args.codiesp}", codeset)
    phrases = [*code_set_phrases(codeset), *data_phrases(codeset)]
    index = compile_lexicon([*phrases, *index_phrases(codeset, noise=False)], codeset)
    nlp = build_pipeline(index)
    fired: Counter[tuple[str, str]] = Counter()
    hits: Counter[tuple[str, str]] = Counter()
    docs = nlp.pipe((c.note.text for c in coded), batch_size=64)
    for note, doc in tqdm(zip(coded, docs, strict=True), total=len(coded), desc="index noise"):
        gold = set(note.codes_of(SYSTEM))
        seen: set[tuple[str, str]] = set()
        for m in doc_mentions(doc, index):
            if m.assertion not in _AFFIRMED:
                continue
            for i, code in enumerate(m.codes):
                path = index.paths.get((m.key, code))
                if path and m.sources and m.sources[i] == SOURCE:
                    seen.add((path, code))
        for path, code in seen:
            fired[path, code] += 1
            hits[path, code] += any(g == code or g.startswith(code) for g in gold)
    noisy = sorted(
        (entry, n)
        for entry, n in fired.items()
        if n >= args.min_fired and hits[entry] <= args.max_precision * n
    )
    lines = [
        "# Alphabetic Index entries left out of the lexicon: they fire often in coded notes but "
        "are rarely the code the coder chose.",
        f"# Learned by training/index_noise.py on CodiEsp train ({len(coded)} notes; CC BY 4.0, "
        f"Miranda-Escalada et al., CLEF eHealth 2020): fired >= {args.min_fired} notes, "
        f"coded in <= {args.max_precision:.0%} of them.",
    ]
    with args.out.open("w", encoding="utf-8", newline="") as f:
        f.write("\n".join(lines) + "\n")
        writer = csv.writer(f, delimiter="\t", lineterminator="\n")
        writer.writerow(("path", "code", "fired", "coded"))
        for (path, code), n in noisy:
            writer.writerow((path, code, n, hits[path, code]))
    print(
        f"{len(fired)} index entries fired in {len(coded)} notes; "
        f"{len(noisy)} written to {args.out} as noise"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
