"""Reading and writing Parquet files (pyarrow), with one-line errors."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from codesuggest.errors import InputError

if TYPE_CHECKING:
    import pyarrow as pa


def read_table(path: Path) -> pa.Table:
    """The whole table of a Parquet file; a file pyarrow cannot read raises InputError."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise InputError(f"{path}: not a readable Parquet file ({exc})") from None
