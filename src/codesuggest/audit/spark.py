"""The Spark engine: the notes and their billed codes written to Parquet, read by Spark,
audited by ``mapInPandas`` (one engine per Python worker, loaded from the model directory
shipped to the executors with ``SparkContext.addFile``) and the findings written back to
Parquet, which the driver reads. The findings are those of the local engine: each partition
runs the same :func:`~codesuggest.audit.local.audit_chunk`. A partition holds about
``CODESUGGEST_AUDIT_CHUNK_NOTES`` notes (at most four partitions a core).

The master is ``CODESUGGEST_SPARK_MASTER`` when set (a cluster's, with ``spark-submit``),
else ``local[N,4]``: N cores, a failed task tried up to four times (a worker that dies is
retried and its partition's findings are still written once). Executors need Python with
``codesuggest[spark]`` installed (the same version as the driver) and a Java runtime.

``CODESUGGEST_SPARK_DIE_ONCE=FILE`` is a hook for the tests only, never for a real run: the
first Python worker to find ``FILE`` absent creates it and exits (``os._exit``) after
auditing its first batch, without returning its findings, so that a test can see Spark retry
the task of a worker that died. The driver reads it and hands it to the map function; nothing
else acts on it.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codesuggest.audit.findings import COLUMNS, Finding
from codesuggest.audit.local import Job
from codesuggest.errors import ConfigError
from codesuggest.settings import get_settings

if TYPE_CHECKING:
    import pandas as pd

    from codesuggest.engine import Engine

SCHEMA = ", ".join(
    f"{c} {'double' if c == 'confidence' else 'int' if c == 'worth' else 'string'}" for c in COLUMNS
)
_ENGINES: dict[str, Engine] = {}


def run_spark(
    jobs: list[Job], *, model: Path, min_support: float, workers: int, work: Path
) -> list[Finding]:
    """The findings of ``jobs`` computed by Spark, staging Parquet files under ``work``."""
    if not jobs:
        return []
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        from pyspark import SparkFiles
        from pyspark.sql import SparkSession
    except ImportError:
        raise ConfigError(
            "the Spark engine needs PySpark: pip install 'codesuggest[spark]'"
        ) from None
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    notes_file, findings_dir = work / "notes.parquet", work / "findings"
    pq.write_table(_jobs_table(jobs), notes_file)
    settings = get_settings()
    master = settings.spark_master or f"local[{workers},4]"
    die_once = str(settings.spark_die_once) if settings.spark_die_once else None
    spark = (
        SparkSession.builder.master(master)
        .appName("codesuggest-audit")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    try:
        model_dir = model.resolve()
        spark.sparkContext.addFile(str(model_dir), recursive=True)
        name = model_dir.name

        def audit(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
            return _audit_batches(batches, SparkFiles.get(name), min_support, die_once)

        notes = spark.read.parquet(str(notes_file))
        per_partition = settings.audit_chunk_notes
        partitions = max(1, min(len(jobs) // per_partition + 1, 4 * workers))
        notes = notes.repartition(partitions, "note_id") if len(jobs) > 1 else notes
        notes.mapInPandas(audit, schema=SCHEMA).write.mode("overwrite").parquet(str(findings_dir))
    finally:
        spark.stop()
    table = (
        pa.concat_tables([pq.read_table(p) for p in sorted(findings_dir.glob("*.parquet"))])
        if any(findings_dir.glob("*.parquet"))
        else None
    )
    if table is None:
        return []
    return [Finding.from_row(row) for row in table.to_pylist()]


def _jobs_table(jobs: list[Job]) -> Any:
    import pyarrow as pa

    return pa.table(
        {
            "note_id": [n.note_id for n, _ in jobs],
            "text": [n.text for n, _ in jobs],
            "age": pa.array([n.age for n, _ in jobs], pa.int32()),
            "sex": pa.array([n.sex for n, _ in jobs], pa.string()),
            "setting": pa.array([n.setting for n, _ in jobs], pa.string()),
            "date_of_service": pa.array(
                [n.date_of_service.isoformat() if n.date_of_service else None for n, _ in jobs],
                pa.string(),
            ),
            "billed": [json.dumps(codes) for _, codes in jobs],
        }
    )


def _audit_batches(
    batches: Iterator[pd.DataFrame], model: str, min_support: float, die_once: str | None = None
) -> Iterator[pd.DataFrame]:
    """Run in a Spark Python worker: one engine per worker process, each batch audited
    (``die_once``: the test hook of the module)."""
    import datetime as dt

    import pandas as pd

    from codesuggest.audit.local import audit_chunk
    from codesuggest.engine import Engine
    from codesuggest.types import Note

    engine = _ENGINES.get(model)
    if engine is None:
        engine = _ENGINES[model] = Engine.load(model)
    for frame in batches:
        jobs: list[Job] = []
        for row in frame.itertuples(index=False):
            note = Note(
                text=row.text,
                note_id=row.note_id,
                age=None if pd.isna(row.age) else int(row.age),
                sex=None if pd.isna(row.sex) else row.sex,
                setting=None if pd.isna(row.setting) else row.setting,
                date_of_service=None
                if pd.isna(row.date_of_service)
                else dt.date.fromisoformat(row.date_of_service),
            )
            jobs.append((note, [(s, c) for s, c in json.loads(row.billed)]))
        findings = audit_chunk(engine, jobs, min_support)
        if die_once is not None:
            _die_once(die_once)
        yield pd.DataFrame([f.to_row() for f in findings], columns=list(COLUMNS))


def _die_once(marker: str) -> None:
    """Test only (see the module): exit this worker unless ``marker`` exists, creating it."""
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return
    os.write(fd, str(os.getpid()).encode())
    os.close(fd)
    os._exit(7)
