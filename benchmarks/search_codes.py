"""How well the code search finds what a coder types: hit rates and latency.

    python benchmarks/search_codes.py [--model DIR] [--queries TSV] [--runs N] [--failures]

Reads ``benchmarks/data/search_queries.tsv`` (query, the code a coder would pick, category),
searches each query with the model's code set (and its learned code frequencies, if it was
trained), and prints the share of queries whose code is first, in the top 3 and in the top 10,
overall and per category; then the time one search takes (p50, p99, max over N rounds of all
queries, after the index is built) and the time to build the index. ``--failures`` lists the
queries whose code is not in the top 3, with what came first. Nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from codesuggest.codesets.search import code_search
from codesuggest.engine import Engine

QUERIES = Path(__file__).parent / "data" / "search_queries.tsv"


def read_queries(path: Path) -> list[tuple[str, str, str]]:
    """(query, code, category) rows of a query list."""
    rows = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("query\t"):
            continue
        query, code, category = line.split("\t")
        rows.append((query, code, category))
    return rows


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="model directory (default: the configured one)")
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("--runs", type=int, default=5, help="timed rounds of all queries")
    parser.add_argument("--failures", action="store_true", help="list queries missing the top 3")
    args = parser.parse_args()
    queries = read_queries(args.queries)
    engine = Engine.load(args.model)
    started = time.perf_counter()
    search = code_search(engine.codeset, engine.learned)
    built = time.perf_counter() - started

    ranks: dict[str, list[int | None]] = defaultdict(list)
    failures = []
    for query, code, category in queries:
        found = [hit.code for hit in search.search(query, limit=10)]
        rank = found.index(code) + 1 if code in found else None
        ranks[category].append(rank)
        ranks["all"].append(rank)
        if rank is None or rank > 3:
            failures.append((query, code, rank, found[:3]))

    print(f"{len(queries)} queries ({args.queries.name}), model {engine.path}")
    print(f"{'category':<14}{'n':>5}{'top-1':>8}{'top-3':>8}{'top-10':>8}")
    for category in ["all", *sorted(c for c in ranks if c != "all")]:
        got = ranks[category]
        cells = [sum(1 for r in got if r is not None and r <= k) / len(got) for k in (1, 3, 10)]
        print(f"{category:<14}{len(got):>5}" + "".join(f"{c:>8.1%}" for c in cells))

    times = []
    for _ in range(args.runs):
        for query, _, _ in queries:
            t0 = time.perf_counter()
            search.search(query, limit=20)
            times.append((time.perf_counter() - t0) * 1000)
    print(
        f"latency over {len(times)} searches (limit 20): p50 {statistics.median(times):.1f} ms, "
        f"p99 {percentile(times, 0.99):.1f} ms, max {max(times):.1f} ms; "
        f"index built in {built:.1f} s ({len(search.index)} entries)"
    )
    if args.failures:
        for query, code, rank, first in failures:
            print(f"  {query!r}: {code} at {rank or '>10'}; first {', '.join(first)}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
