"""Candidate recall on a CodiEsp split: how many gold ICD-10-CM codes the engine proposes at all.

    python benchmarks/candidates_codiesp.py [--split dev] [--missed 40]

No ranker can find a code that is never a candidate, so this bounds MAP. Runs the dictionary
candidate generators (lexicon, hierarchy, history, status) twice back to back, without and with
the ICD-10-CM Alphabetic Index (noise filter applied; its entries inside longer terms, and
words spread wider over a sentence than a finding is read (loose matches), propose codes too,
which the engine ranks but never recommends on that alone), and prints gold codes
among candidates, overall and by how often train codes them (never, 1-2 times, 3-9, 10+),
candidates per note, the gain the index brings, and the commonest gold codes still never
proposed with why: the code has no lexicon phrase at all, or its phrases never occur in the
note. Data: CodiEsp (CC-BY
4.0, Miranda-Escalada, Gonzalez-Agirre, Krallinger; CLEF eHealth 2020), read from
../shared/data/codiesp and never copied.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from tqdm import tqdm

from codesuggest.candidates.base import Sources
from codesuggest.codesets.alpha_index import index_phrases
from codesuggest.codesets.history import HistoryMap
from codesuggest.codesets.icd10cm import SYSTEM, Icd10Cm
from codesuggest.codesets.lexicon import code_set_phrases, compile_lexicon, data_phrases
from codesuggest.extract.lexicon_index import LexiconIndex
from codesuggest.stages import Extraction
from codesuggest.training.corpus import CodedNote, read_corpus

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "codiesp"
BANDS = (
    ("never in train", 0, 0),
    ("1-2 in train", 1, 2),
    ("3-9 in train", 3, 9),
    ("10+", 10, 10**9),
)


def _candidates(
    index: LexiconIndex, codeset: Icd10Cm, notes: list[CodedNote], desc: str
) -> tuple[list[set[str]], float]:
    extraction = Extraction.build(Sources(index, codeset, HistoryMap.load()))
    out = []
    started = time.perf_counter()
    found = extraction.candidates([n.note.text for n in notes])
    for cands in tqdm(found, total=len(notes), desc=desc, file=sys.stderr, leave=False):
        out.append({c.code for c in cands})
    return out, time.perf_counter() - started


def _recall(
    cands: list[set[str]], gold: list[set[str]], train: Counter[str], lo: int, hi: int
) -> tuple[float, int]:
    hit = total = 0
    for found, codes in zip(cands, gold, strict=True):
        for code in codes:
            if lo <= train[code] <= hi:
                total += 1
                hit += code in found
    return (hit / total if total else 0.0), total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--split", default="dev")
    parser.add_argument("--missed", type=int, default=40, help="list this many missed codes")
    args = parser.parse_args()
    folder, train_folder = args.data / args.split, args.data / "train"
    if not folder.is_dir() or not train_folder.is_dir():
        print(f"skipped: CodiEsp not found at {args.data}", file=sys.stderr)
        return 0
    codeset = Icd10Cm.from_package()
    coded, _ = read_corpus(f"codiesp:{folder}", codeset)
    coded = [c for c in coded if c.codes_of(SYSTEM)]
    trained, _ = read_corpus(f"codiesp:{train_folder}", codeset)
    train: Counter[str] = Counter(code for c in trained for code in c.codes_of(SYSTEM))
    gold = [set(c.codes_of(SYSTEM)) for c in coded]
    ours = list(data_phrases(codeset))
    base_phrases = [*code_set_phrases(codeset), *ours]
    indexed = list(index_phrases(codeset))
    runs = {}
    for name, phrases in (("without index", base_phrases), ("with index", base_phrases + indexed)):
        index = compile_lexicon(phrases, codeset)
        runs[name] = (*_candidates(index, codeset, coded, name), len(index))
    print(f"CodiEsp {args.split}: {len(coded)} notes, {sum(map(len, gold))} gold ICD-10-CM codes")
    header = f"  {'':16s}" + "".join(f"{name:>16s}" for name in runs)
    print(header)
    rows = [("all gold", 0, 10**9), *BANDS]
    for label, lo, hi in rows:
        cells = []
        for cands, _, _ in runs.values():
            value, total = _recall(cands, gold, train, lo, hi)
            cells.append(
                f"{value:10.3f} ({total:>3d})" if label != "all gold" else f"{value:16.3f}"
            )
        print(f"  {label:16s}" + "".join(f"{c:>16s}" for c in cells))
    per_note = [sum(map(len, c)) / len(c) for c, _, _ in runs.values()]
    print(f"  {'per note':16s}" + "".join(f"{v:16.1f}" for v in per_note))
    print(f"  {'lexicon keys':16s}" + "".join(f"{k:16d}" for _, _, k in runs.values()))
    print(f"  {'notes/s':16s}" + "".join(f"{len(coded) / t:16.1f}" for _, t, _ in runs.values()))
    with_index = runs["with index"][0]
    phrased = {p.code for p in (*base_phrases, *indexed)}
    missed: Counter[str] = Counter(
        code for found, codes in zip(with_index, gold, strict=True) for code in codes - found
    )
    print(f"\ncommonest gold codes never proposed (with index), of {sum(missed.values())} misses")
    for code, n in missed.most_common(args.missed):
        why = "phrases never in the note" if code in phrased else "no phrase names it"
        title = codeset.title(code) if code in codeset else "(not in the code set)"
        print(f"  {code:9s} {n:3d}  train {train[code]:3d}  {why:26s} {title[:60]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
