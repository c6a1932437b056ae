"""Daily drops: record versions, file formats, header spellings and planted bad rows."""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from sample_data.mess import STR

Perturb = Callable[[pa.Table, np.random.Generator], pa.Table]
ExtraColumn = Callable[[np.random.Generator, int], pa.Array]


@dataclass(frozen=True)
class FileSpec:
    drop: int
    fmt: str  # csv | csv.gz | parquet | jsonl
    header: str = "snake"  # snake | pascal | camel
    bom: bool = False
    crlf: bool = False
    drop_columns: tuple[str, ...] = ()
    extra_columns: tuple[tuple[str, ExtraColumn], ...] = ()
    defects: tuple[str, ...] = ()
    all_text: bool = False  # parquet/jsonl written with every column as text


@dataclass
class BadRow:
    source: str
    table: str
    file: str
    row_number: int
    defect: str


@dataclass
class Written:
    files: list[tuple[str, int]] = field(default_factory=list)  # (relative path, data rows)
    bad_rows: list[BadRow] = field(default_factory=list)


def drop_days(anchor: np.datetime64, n_incremental: int = 3) -> np.ndarray:
    """D0 is the full export, D1.. are daily incremental drops up to the anchor date."""
    last = anchor.astype("datetime64[D]")
    return last - np.arange(n_incremental, -1, -1).astype("timedelta64[D]")


def assign_drops(ts: np.ndarray, days: np.ndarray) -> np.ndarray:
    day = ts.astype("datetime64[D]")
    return np.searchsorted(days, day, side="left").clip(0, len(days) - 1)


def with_versions(
    columns: dict[str, pa.Array], ts: np.ndarray, days: np.ndarray, rng: np.random.Generator,
    frac: float, perturb: Perturb, force: np.ndarray | None = None, n_drops: int | None = None,
) -> tuple[pa.Table, np.ndarray, np.ndarray]:
    """Final versions of every record plus an earlier, different version of some of them.

    A redelivered record's final version moves to a later drop with a later version time,
    its earlier version (changed by `perturb`) stays in the full export.
    """
    table = pa.table(columns)
    n = table.num_rows
    n_drops = n_drops or len(days)
    drop = assign_drops(ts, days)
    red = (drop == 0) & (rng.random(n) < frac)
    if force is not None:
        red |= force & (drop == 0)
    new_drop = rng.integers(1, n_drops, n)
    secs = rng.integers(7 * 3600, 20 * 3600, n).astype("timedelta64[s]")
    new_ts = days[new_drop].astype("datetime64[s]") + secs
    final_ts = np.where(red, new_ts, ts)
    final_drop = np.where(red, new_drop, drop)
    idx = np.flatnonzero(red)
    early = perturb(table.take(pa.array(idx)), rng)
    out = pa.concat_tables([table, early])
    return out, np.concatenate([final_ts, ts[idx]]), np.concatenate([final_drop, drop[idx]])


def snake_to_pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def snake_to_camel(name: str) -> str:
    pascal = snake_to_pascal(name)
    return pascal[:1].lower() + pascal[1:]


def header_to_snake(name: str) -> str:
    """What ingestion is expected to do with a header (used by tests)."""
    name = name.lstrip("\ufeff").strip()
    name = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    return name.lower()


def _as_text(col: pa.ChunkedArray | pa.Array) -> pa.Array:
    if pa.types.is_list(col.type):
        return pc.binary_join(col, ";")
    if pa.types.is_string(col.type):
        return col
    return col.cast(STR)


def _corrupt(table: pa.Table, defect: str, key: str, rng: np.random.Generator) -> pa.Table:
    n = table.num_rows

    def nulls(name: str) -> pa.Table:
        i = table.schema.get_field_index(name)
        return table.set_column(i, name, pa.nulls(n, table.schema.field(name).type))

    if defect == "missing_id":
        return nulls(key)
    if defect == "missing_domain":
        return nulls("domain")
    if defect == "no_email_or_ip_domain":
        table = nulls("email")
        i = table.schema.get_field_index("ip_domain")
        return table.set_column(i, "ip_domain", pa.nulls(n, table.schema.field("ip_domain").type))
    if defect == "bad_last_modified_date":
        junk = np.array(["", "not a date", "2024-13-45"])[rng.integers(0, 3, n)]
        i = table.schema.get_field_index("last_modified_date")
        return table.set_column(i, "last_modified_date", pa.array(junk, STR))
    if defect == "bad_composite_score":
        i = table.schema.get_field_index("composite_score")
        if pa.types.is_string(table.schema.field("composite_score").type):
            junk = pa.array(np.array(["n/a", "high", "250", "-4"])[rng.integers(0, 4, n)])
        else:
            junk = pa.array(np.array([150.0, -7.0, 100.5])[rng.integers(0, 3, n)])
        return table.set_column(i, "composite_score", junk)
    raise ValueError(f"unknown defect {defect}")


MAX_BAD_ROWS_PER_FILE = 400


def plant_bad_rows(
    table: pa.Table, defects: Sequence[str], key: str, rng: np.random.Generator
) -> tuple[pa.Table, list[tuple[int, str]]]:
    """Insert corrupted copies of real rows (about 0.4% of a file) at random positions."""
    n = table.num_rows
    k = int(n * 0.004) if n >= 250 else (1 if n >= 100 else 0)
    k = min(k, MAX_BAD_ROWS_PER_FILE)
    if not defects or k == 0:
        return table, []
    src = np.sort(rng.choice(n, size=k, replace=False))
    kinds = rng.integers(0, len(defects), k)
    bad = [_corrupt(table.slice(int(s), 1), defects[int(j)], key, rng)
           for s, j in zip(src, kinds, strict=True)]
    # Slices keep the big table zero-copy; bad row i lands before original row cut[i].
    cuts = np.sort(rng.choice(n + 1, size=k, replace=True))
    pieces, prev = [], 0
    for i in range(k):
        pieces.append(table.slice(prev, int(cuts[i]) - prev))
        pieces.append(bad[i])
        prev = int(cuts[i])
    pieces.append(table.slice(prev))
    out = pa.concat_tables([p for p in pieces if p.num_rows] or [table.slice(0, 0)])
    rows = [(int(cuts[i]) + i + 1, defects[int(kinds[i])]) for i in range(k)]
    return out, rows


def write_table_files(
    landing: Path, source: str, table_name: str, table: pa.Table, drops: np.ndarray,
    days: np.ndarray, specs: Sequence[FileSpec], key: str, rng: np.random.Generator,
) -> Written:
    out = Written()
    folder = landing / source / table_name
    folder.mkdir(parents=True, exist_ok=True)
    for spec in specs:
        part = table.filter(pa.array(drops == spec.drop))
        part = part.drop_columns([c for c in spec.drop_columns if c in part.column_names])
        text = spec.fmt.startswith("csv") or spec.all_text
        if text:
            part = pa.table({c: _as_text(part[c]) for c in part.column_names})
        for name, make in spec.extra_columns:
            part = part.append_column(name, make(rng, part.num_rows))
        part, bad = plant_bad_rows(part, spec.defects, key, rng)
        if spec.header != "snake":
            rename = snake_to_pascal if spec.header == "pascal" else snake_to_camel
            part = part.rename_columns([rename(c) for c in part.column_names])
        day = str(days[spec.drop])
        kind = "full" if spec.drop == 0 else "incremental"
        rel = f"{source}/{table_name}/{day}_{table_name}_{kind}.{spec.fmt}"
        _write(part, landing / rel, spec)
        out.files.append((rel, part.num_rows))
        out.bad_rows.extend(BadRow(source, table_name, rel, r, d) for r, d in bad)
    return out


ROW_GROUP = 1_000_000


def _plain(col: pa.ChunkedArray) -> pa.ChunkedArray:
    return col.cast(STR) if pa.types.is_dictionary(col.type) else col


def _write(table: pa.Table, path: Path, spec: FileSpec) -> None:
    if spec.fmt == "parquet":
        # Dictionary columns are written as plain text slice by slice: Arrow's dictionary
        # pass-through is not byte-stable, and one slice at a time keeps memory flat.
        plain = pa.schema([pa.field(f.name, STR) if pa.types.is_dictionary(f.type) else f
                           for f in table.schema])
        with pq.ParquetWriter(path, plain, compression="zstd") as writer:
            for start in range(0, max(table.num_rows, 1), ROW_GROUP):
                part = table.slice(start, ROW_GROUP)
                writer.write_table(pa.table(
                    [_plain(part[c]) for c in part.column_names], schema=plain),
                    row_group_size=ROW_GROUP)
    elif spec.fmt == "jsonl":
        con = duckdb.connect()
        con.execute("set threads = 1")  # one writer thread keeps row order and bytes stable
        con.execute("set enable_progress_bar = false")
        con.register("t", table)
        con.execute(f"copy t to '{path}' (format json)")
        con.close()
    else:
        options = pacsv.WriteOptions(eol="\r\n" if spec.crlf else "\n", batch_size=65_536)
        if spec.fmt == "csv.gz":
            with open(path, "wb") as raw, gzip.GzipFile(
                filename="", fileobj=raw, mode="wb", compresslevel=5, mtime=0
            ) as gz:
                pacsv.write_csv(table, pa.PythonFile(gz, mode="w"), options)
        else:
            with open(path, "wb") as handle:
                if spec.bom:
                    handle.write(b"\xef\xbb\xbf")
                pacsv.write_csv(table, pa.PythonFile(handle, mode="w"), options)
