"""What a user catalog costs: a synthetic 10,000-code CPT-shaped catalog registered, loaded and
used, against no catalog, back to back.

    python benchmarks/catalog_cost.py [--model DIR] [--codes 10000] [--notes 500] [--rounds 2]
                                      [--data CODIESP_DIR]

The catalog is generated here: CPT-shaped codes with descriptors built from ICD-10-PCS-like
vocabulary (root operations, body parts, approaches, qualifiers: "Excision of liver,
percutaneous endoscopic; with biopsy"); no CPT text. Each figure comes from fresh processes
(``codesuggest`` as a user runs it), each in its own CODESUGGEST_HOME, with and without the
catalog alternated so that a shared machine's load falls on both alike:

* register: ``codesuggest codesets add cpt FILE`` wall time (interpreter start included), and
  ``catalogs.register`` in-process (target: under 5 s);
* load: ``Engine.load`` in a fresh interpreter, with and without the catalog registered; the
  extra time is the difference of the medians (target: under 1 s);
* batch: ``codesuggest batch --workers 1`` over CodiEsp's 2,751 background notes (model load
  included, as ``benchmarks/speed.py`` measures it), notes/s by wall time and by CPU time,
  with and without (target: under 10% cost);
* engine: ``Engine.suggest_many`` in one process over the first 500 of those notes, the two
  engines alternated (5 rounds), CPU time (what the catalog costs per note, load excluded).

Figures are printed; nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "codiesp"
BIN = Path(sys.executable).parent

OPERATIONS = (
    "Excision", "Resection", "Drainage", "Destruction", "Extraction", "Inspection",
    "Repair", "Replacement", "Insertion", "Removal", "Dilation", "Bypass", "Biopsy",
    "Fragmentation", "Reposition", "Occlusion",
)  # fmt: skip
BODY_PARTS = (
    "liver", "gallbladder", "appendix", "ascending colon", "sigmoid colon", "stomach",
    "duodenum", "esophagus", "pancreas", "spleen", "right kidney", "left kidney", "bladder",
    "ureter", "prostate", "uterus", "ovary", "thyroid gland", "right lung", "left lung",
    "trachea", "main bronchus", "heart valve", "coronary artery", "femoral artery",
    "carotid artery", "saphenous vein", "right knee joint", "left knee joint",
    "right hip joint", "left hip joint", "shoulder joint", "lumbar vertebra",
    "cervical vertebra", "femur", "tibia", "humerus", "radius", "skin of abdomen",
    "skin of back", "breast", "lymph node", "peritoneum", "pleura", "brain", "spinal cord",
)  # fmt: skip
APPROACHES = (
    "open", "percutaneous", "percutaneous endoscopic", "via natural or artificial opening",
    "via natural or artificial opening endoscopic",
)  # fmt: skip
QUALIFIERS = (
    "with biopsy", "with drainage device", "with imaging guidance", "diagnostic",
    "single or multiple", "each additional lesion", "with synthetic substitute",
    "with intraoperative monitoring",
)  # fmt: skip


def synthetic_catalog(path: Path, codes: int, seed: int = 0) -> Path:
    """``codes`` CPT-shaped codes, each with an invented descriptor, as a catalog file."""
    combos = [
        (op, part, approach, qualifier)
        for op in OPERATIONS
        for part in BODY_PARTS
        for approach in APPROACHES
        for qualifier in QUALIFIERS
    ]
    random.Random(seed).shuffle(combos)
    if codes > len(combos):
        raise SystemExit(f"at most {len(combos)} distinct descriptors; asked for {codes}")
    lines = [
        f"{10000 + i:05d}\t{op} of {part}, {approach}; {qualifier}\n"
        for i, (op, part, approach, qualifier) in enumerate(sorted(combos[:codes]))
    ]
    path.write_text("code\tdescriptor\n" + "".join(lines), encoding="utf-8")
    return path


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CODESUGGEST_")}
    env["CODESUGGEST_HOME"] = str(home)
    return env


def register_times(catalog: Path, work: Path, rounds: int) -> None:
    from codesuggest.codesets import catalogs

    cli: list[float] = []
    inproc: list[float] = []
    for i in range(rounds):
        home = work / f"register-{i}"
        home.mkdir()
        started = time.perf_counter()
        subprocess.run(
            [str(BIN / "codesuggest"), "codesets", "add", "cpt", str(catalog)],
            check=True,
            env=_env(home),
            stdout=subprocess.DEVNULL,
        )
        cli.append(time.perf_counter() - started)
        started = time.perf_counter()
        catalogs.register(work / f"register-inproc-{i}", "cpt", catalog)
        inproc.append(time.perf_counter() - started)
    print(
        f"register (codesuggest codesets add, wall): median {statistics.median(cli):.2f} s "
        f"of {_runs(cli)}  [target < 5 s]"
    )
    print(f"register (in-process catalogs.register):   median {statistics.median(inproc):.3f} s")


LOAD = (
    "import time; t = time.perf_counter(); from codesuggest.engine import Engine; "
    "i = time.perf_counter(); e = Engine.load({model!r}); "
    "print(time.perf_counter() - i, len(e.index), sum(len(c) for c in e.catalogs.values()))"
)


def load_times(model: str, homes: dict[str, Path], rounds: int) -> None:
    times: dict[str, list[float]] = {name: [] for name in homes}
    sizes: dict[str, str] = {}
    for _ in range(rounds):
        for name, home in homes.items():
            out = subprocess.run(
                [sys.executable, "-c", LOAD.format(model=model)],
                check=True,
                capture_output=True,
                text=True,
                env=_env(home),
            ).stdout.split()
            times[name].append(float(out[0]))
            sizes[name] = f"{int(out[1]):,} lexicon keys, {int(out[2]):,} catalog codes"
    for name in homes:
        print(
            f"Engine.load, {name:<12} median {statistics.median(times[name]):.2f} s "
            f"of {_runs(times[name])} ({sizes[name]})"
        )
    extra = statistics.median(times["with catalog"]) - statistics.median(times["no catalog"])
    print(f"extra load time with the catalog: {extra:+.2f} s  [target < 1 s]")


def batch_times(model: str, homes: dict[str, Path], folder: Path, rounds: int) -> None:
    notes = len(list(folder.glob("*.txt")))
    wall: dict[str, list[float]] = {name: [] for name in homes}
    cpu: dict[str, list[float]] = {name: [] for name in homes}
    procedures: dict[str, int] = {}
    for _ in range(rounds):
        for name, home in homes.items():
            out = home / "out.jsonl"
            cmd = [str(BIN / "codesuggest"), "batch", str(folder), "--out", str(out)]
            cmd += ["--model", model, "--workers", "1"]
            before = _children_cpu()
            started = time.perf_counter()
            subprocess.run(
                cmd,
                check=True,
                env=_env(home),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            wall[name].append(notes / (time.perf_counter() - started))
            cpu[name].append(notes / (_children_cpu() - before))
            procedures[name] = out.read_text("utf-8").count('"system": "CPT"')
    for name in homes:
        print(
            f"batch, {name:<12} median {statistics.median(wall[name]):6.1f} notes/s wall "
            f"{_runs(wall[name], 1)}, {statistics.median(cpu[name]):6.1f} notes per CPU-second "
            f"{_runs(cpu[name], 1)}; {procedures[name]:,} CPT suggestions in {notes} notes"
        )
    for label, figures in (("wall", wall), ("CPU", cpu)):
        base = statistics.median(figures["no catalog"])
        cost = 1 - statistics.median(figures["with catalog"]) / base
        print(f"batch throughput cost of the catalog ({label}): {cost:+.1%}  [target < 10%]")


def engine_times(model: str, home: Path, folder: Path, rounds: int, notes: int = 500) -> None:
    import gc

    from codesuggest.codesets import catalogs
    from codesuggest.engine import Engine

    texts = [p.read_text("utf-8") for p in sorted(folder.glob("*.txt"))[:notes]]
    engines = {
        "no catalog": Engine.load(model, catalogs={}),
        "with catalog": Engine.load(model, catalogs=catalogs.load_registered(home)),
    }
    for engine in engines.values():  # warm the caches of both alike
        list(engine.suggest_many(texts[:50]))
    gc.collect()
    gc.freeze()  # as batch does (cli.common.settled_heap): collections do not walk the models
    rates: dict[str, list[float]] = {name: [] for name in engines}
    for _ in range(rounds):
        for name, engine in engines.items():
            started = time.process_time()
            list(engine.suggest_many(texts))
            rates[name].append(len(texts) / (time.process_time() - started))
    for name in engines:
        print(
            f"engine, {name:<12} median {statistics.median(rates[name]):6.1f} notes per "
            f"CPU-second {_runs(rates[name], 1)} (suggest_many, {len(texts)} notes, in-process)"
        )
    base = statistics.median(rates["no catalog"])
    cost = 1 - statistics.median(rates["with catalog"]) / base
    print(f"engine throughput cost of the catalog (CPU, load excluded): {cost:+.1%}")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _runs(values: list[float], digits: int = 2) -> str:
    return "[" + ", ".join(f"{v:.{digits}f}" for v in values) + "]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=str(ROOT / "var" / "models" / "default"))
    parser.add_argument("--codes", type=int, default=10_000)
    parser.add_argument("--notes", type=int, default=0, help="background notes (0: all)")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each, alternated")
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    model = str(Path(args.model).resolve())
    background = args.data / "background" / "text_files_en"
    if not background.is_dir():
        raise SystemExit(f"no CodiEsp background notes at {background} (--data)")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        catalog = synthetic_catalog(work / "synthetic_cpt.tsv", args.codes)
        size = catalog.stat().st_size / 1024
        print(f"synthetic catalog: {args.codes:,} codes, {size:,.0f} KiB ({catalog.name})")
        register_times(catalog, work, max(3, args.rounds))
        homes = {"no catalog": work / "home-none", "with catalog": work / "home-cpt"}
        for home in homes.values():
            home.mkdir()
        from codesuggest.codesets import catalogs

        catalogs.register(homes["with catalog"], "cpt", catalog)
        load_times(model, homes, max(3, args.rounds))
        folder = work / "notes"
        folder.mkdir()
        for path in sorted(background.glob("*.txt"))[: args.notes or None]:
            (folder / path.name).write_bytes(path.read_bytes())
        batch_times(model, homes, folder, args.rounds)
        engine_times(model, homes["with catalog"], folder, max(5, args.rounds))


if __name__ == "__main__":
    main()
