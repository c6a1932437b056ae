"""Read one landed file with DuckDB's own readers into an all-varchar staging table."""

from __future__ import annotations

import csv
import gzip
import zlib
from pathlib import Path
from typing import TextIO

import duckdb

from orchestration.ingest.headers import header_collisions, normalize_headers

SUPPORTED_SUFFIXES = (".csv", ".csv.gz", ".parquet", ".jsonl")
# Enough of the start of a file to tell text from binary garbage.
_SNIFF_BYTES = 64 * 1024


class RejectedFile(Exception):
    """The file cannot be loaded; the message says why in plain words."""


def file_format(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(".csv.gz"):
        return "csv.gz"
    for suffix in (".csv", ".parquet", ".jsonl"):
        if name.endswith(suffix):
            return suffix[1:]
    return None


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _duckdb_message(error: duckdb.Error, max_chars: int = 300) -> str:
    """The first lines of a DuckDB error (what and where), without its class prefix or tips."""
    lines: list[str] = []
    for line in str(error).splitlines():
        line = line.strip()
        if line.startswith(("Possible fixes", "*", "The search space", "LINE ")):
            break
        if line:
            lines.append(line)
    text = "; ".join(lines[:3]) or type(error).__name__
    for prefix in ("Invalid Input Error: ", "IO Error: ", "Conversion Error: ", "Parser Error: "):
        text = text.removeprefix(prefix)
    return text if len(text) <= max_chars else text[: max_chars - 1] + "…"


def _check_text(path: Path, compressed: bool, empty: str = "it is empty (no header row)") -> None:
    try:
        if compressed:
            with gzip.open(path, "rb") as handle:
                head = handle.read(_SNIFF_BYTES)
        else:
            with path.open("rb") as handle:
                head = handle.read(_SNIFF_BYTES)
    except (OSError, EOFError, zlib.error) as error:
        raise RejectedFile(f"it is not a valid gzip file ({error})") from error
    if not head.strip(b"\xef\xbb\xbf \t\r\n"):
        raise RejectedFile(empty)
    if b"\x00" in head:
        raise RejectedFile("it holds binary data (NUL bytes), not UTF-8 text")


def _check_headers(originals: list[str]) -> list[str]:
    clashes = header_collisions(originals)
    if clashes:
        described = "; ".join(
            f"headers {', '.join(repr(o) for o in found)} all mean column '{name}'"
            for name, found in clashes.items()
        )
        raise RejectedFile(f"duplicate columns after normalizing the header: {described}")
    return normalize_headers(originals)


def _open_text(path: Path, compressed: bool) -> TextIO:
    if compressed:
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    return path.open("r", encoding="utf-8-sig", newline="")


def _csv_header(path: Path, compressed: bool) -> list[str]:
    """The header record, read by Python's csv module (BOM, quotes and CRLF handled)."""
    try:
        with _open_text(path, compressed) as handle:
            header = next(csv.reader(handle), None)
    except UnicodeDecodeError as error:
        raise RejectedFile(f"it is not UTF-8 text ({error.reason})") from error
    except (OSError, EOFError, zlib.error) as error:
        raise RejectedFile(f"it is not a valid gzip file ({error})") from error
    except csv.Error as error:
        raise RejectedFile(f"its header row could not be read as CSV ({error})") from error
    if not header or not any(cell.strip() for cell in header):
        raise RejectedFile("it is empty (no header row)")
    return header


def _stage_csv(
    con: duckdb.DuckDBPyConnection, path: Path, target: str, compressed: bool
) -> list[str]:
    _check_text(path, compressed)
    names = _check_headers(_csv_header(path, compressed))
    columns = "{" + ", ".join(f"{_sql_string(n)}: 'VARCHAR'" for n in names) + "}"
    # The contract fixes the dialect (comma, '"' quotes, header row): no sniffing, so a
    # ragged or truncated file fails naming the line at fault instead of being guessed at.
    options = (
        "header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
        f"strict_mode = true, columns = {columns}"
    )
    try:
        con.execute(
            f"create table {target} as select * from read_csv({_sql_string(str(path))}, {options})"
        )
    except duckdb.Error as error:
        raise RejectedFile(f"it could not be read as CSV: {_duckdb_message(error)}") from error
    return names


def _varchar_expression(column: str, column_type: str) -> str:
    ref = quote_identifier(column)
    if column_type.endswith("[]") or column_type.startswith(("LIST", "ARRAY")):
        # A list (e.g. technologies) is stored like its CSV form: ';'-separated.
        return f"array_to_string(list_transform({ref}, lambda x: cast(x as varchar)), ';')"
    if column_type.startswith(("STRUCT", "MAP", "UNION")):
        return f"cast(to_json({ref}) as varchar)"
    return f"cast({ref} as varchar)"


def _stage_parquet(con: duckdb.DuckDBPyConnection, path: Path, target: str) -> list[str]:
    source = _sql_string(str(path))
    try:
        schema = con.execute(f"describe select * from read_parquet({source})").fetchall()
        names = _check_headers([row[0] for row in schema])
        selects = ", ".join(
            f"{_varchar_expression(row[0], row[1])} as {quote_identifier(name)}"
            for row, name in zip(schema, names, strict=True)
        )
        con.execute(f"create table {target} as select {selects} from read_parquet({source})")
    except duckdb.Error as error:
        raise RejectedFile(f"it could not be read as Parquet: {_duckdb_message(error)}") from error
    return names


def _json_value(key: str) -> str:
    path = _sql_string('$."' + key.replace('"', '\\"') + '"')
    return (
        f"case json_type(json, {path}) "
        "when 'ARRAY' then array_to_string("
        f"from_json(json_extract(json, {path}), '[\"VARCHAR\"]'), ';') "
        f"when 'OBJECT' then cast(json_extract(json, {path}) as varchar) "
        f"else json_extract_string(json, {path}) end"
    )


def _stage_jsonl(con: duckdb.DuckDBPyConnection, path: Path, target: str) -> list[str]:
    _check_text(path, compressed=False, empty="it is empty (no JSON records)")
    source = _sql_string(str(path))
    objects = f"{target}__objects"
    try:
        con.execute(f"create table {objects} as select json from read_ndjson_objects({source})")
        not_object = con.execute(
            f"select min(rowid) + 1 from {objects} where json_type(json) <> 'OBJECT'"
        ).fetchall()[0][0]
        if not_object is not None:
            raise RejectedFile(f"record {not_object} is not a JSON object")
        keys = [
            row[0]
            for row in con.execute(
                f"select key from (select unnest(json_keys(json)) as key, rowid as position "
                f"from {objects}) group by key order by min(position), key"
            ).fetchall()
        ]
        if not keys:
            raise RejectedFile("it is empty (no JSON records)")
        names = _check_headers(keys)
        selects = ", ".join(
            f"{_json_value(key)} as {quote_identifier(name)}"
            for key, name in zip(keys, names, strict=True)
        )
        con.execute(f"create table {target} as select {selects} from {objects} order by rowid")
        con.execute(f"drop table {objects}")
    except duckdb.Error as error:
        raise RejectedFile(
            f"it could not be read as JSON lines: {_duckdb_message(error)}"
        ) from error
    return names


def stage_file(con: duckdb.DuckDBPyConnection, path: Path, target: str) -> list[str]:
    """Create table `target` (all varchar, snake_case names, file order = rowid order).

    Returns the normalized column names. Raises RejectedFile when it cannot be read.
    """
    kind = file_format(path)
    if path.stat().st_size == 0:
        raise RejectedFile("it is empty (0 bytes)")
    if kind == "csv":
        return _stage_csv(con, path, target, compressed=False)
    if kind == "csv.gz":
        return _stage_csv(con, path, target, compressed=True)
    if kind == "parquet":
        return _stage_parquet(con, path, target)
    if kind == "jsonl":
        return _stage_jsonl(con, path, target)
    raise RejectedFile(f"unsupported file type (expected one of {', '.join(SUPPORTED_SUFFIXES)})")
