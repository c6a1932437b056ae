"""Read one landed file with DuckDB's own readers into an all-varchar staging table."""

from __future__ import annotations

import csv
import gzip
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import duckdb

from orchestration.lib.ingest.headers import header_collisions, normalize_headers
from orchestration.lib.ingest.salvage import (
    BadRecord,
    Unreadable,
    decode_text,
    gunzip_salvage,
    salvage_csv,
    salvage_jsonl,
)

SUPPORTED_SUFFIXES = (".csv", ".csv.gz", ".parquet", ".jsonl")
# Enough of the start of a file to tell text from binary garbage.
_SNIFF_BYTES = 64 * 1024


class RejectedFile(Exception):
    """The file cannot be loaded; the message says why in plain words."""


@dataclass(frozen=True)
class StagedFile:
    """A file read into the staging table: its columns, and what the reader had to say.

    `bad` are records the reader could not read (kept as empty placeholder rows, so row
    numbers stay the file's); `notes` are warnings for the load message.
    """

    columns: list[str]
    bad: list[BadRecord] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@contextmanager
def _scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="abm-salvage-") as folder:
        yield Path(folder)


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
            head = _gzip_head(path)
        else:
            with path.open("rb") as handle:
                head = handle.read(_SNIFF_BYTES)
    except (OSError, EOFError, zlib.error) as error:
        raise RejectedFile(f"it is not a valid gzip file ({error})") from error
    if not head.strip(b"\xef\xbb\xbf \t\r\n"):
        raise RejectedFile(empty)
    if b"\x00" in head:
        raise RejectedFile("it holds binary data (NUL bytes), not UTF-8 text")


def _gzip_head(path: Path) -> bytes:
    """The first decompressed bytes; a truncated gzip yields what it has (salvaged later)."""
    decompressor = zlib.decompressobj(wbits=31)
    with path.open("rb") as handle:
        head = decompressor.decompress(handle.read(_SNIFF_BYTES), _SNIFF_BYTES)
    if not head and not decompressor.eof:
        raise RejectedFile(
            "it is a truncated gzip file: it ends before any data could be decompressed"
        )
    return head


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
    except UnicodeDecodeError:
        raise  # the caller decodes it another way or names the line
    except (OSError, EOFError, zlib.error) as error:
        raise RejectedFile(f"it is not a valid gzip file ({error})") from error
    except csv.Error as error:
        raise RejectedFile(f"its header row could not be read as CSV ({error})") from error
    if not header or not any(cell.strip() for cell in header):
        raise RejectedFile("it is empty (no header row)")
    return header


_OTHER_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "pipes"}


def _check_delimiter(header: list[str]) -> None:
    if len(header) != 1:
        return
    for delimiter, name in _OTHER_DELIMITERS.items():
        if delimiter in header[0]:
            raise RejectedFile(
                f"its header is one column split by {name} ({header[0][:80]!r}): is it "
                "delimited by something other than a comma? The contract wants commas; "
                "re-export it as comma-separated CSV"
            )


def _read_csv(con: duckdb.DuckDBPyConnection, path: Path, target: str, names: list[str]) -> None:
    columns = "{" + ", ".join(f"{_sql_string(n)}: 'VARCHAR'" for n in names) + "}"
    # The contract fixes the dialect (comma, '"' quotes, header row): no sniffing, so a
    # ragged or truncated file fails naming the line at fault instead of being guessed at.
    options = (
        "header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
        f"strict_mode = true, columns = {columns}"
    )
    con.execute(
        f"create table {target} as select * from read_csv({_sql_string(str(path))}, {options})"
    )


def _salvage_csv(
    con: duckdb.DuckDBPyConnection, path: Path, target: str, notes: list[str]
) -> StagedFile:
    """The slow path: decode, find the bad records, read the good ones."""
    try:
        text, decoding_notes = decode_text(path)
    except Unreadable as error:
        raise RejectedFile(str(error)) from error
    header = next(csv.reader([text.splitlines()[0] if text else ""]), [])
    if not header or not any(cell.strip() for cell in header):
        raise RejectedFile("it is empty (no header row)")
    _check_delimiter(header)
    names = _check_headers(header)
    with _scratch() as folder:
        salvaged = salvage_csv(text, len(names), folder / "clean.csv")
        try:
            _read_csv(con, salvaged.path, target, names)
        except duckdb.Error as error:
            raise RejectedFile(f"it could not be read as CSV: {_duckdb_message(error)}") from error
    return StagedFile(names, salvaged.bad, notes + decoding_notes)


def _stage_csv(
    con: duckdb.DuckDBPyConnection, path: Path, target: str, compressed: bool
) -> StagedFile:
    _check_text(path, compressed)
    if compressed:
        return _stage_gzip(con, path, target)
    try:
        header = _csv_header(path, compressed)
    except UnicodeDecodeError:
        return _salvage_csv(con, path, target, [])
    _check_delimiter(header)
    names = _check_headers(header)
    try:
        _read_csv(con, path, target, names)
    except duckdb.Error:
        con.execute(f"drop table if exists {target}")
        return _salvage_csv(con, path, target, [])
    return StagedFile(names)


def _stage_gzip(con: duckdb.DuckDBPyConnection, path: Path, target: str) -> StagedFile:
    """A .csv.gz is read as it is; when that fails, decompressed and salvaged like a .csv."""
    try:
        header = _csv_header(path, compressed=True)
        _check_delimiter(header)
        names = _check_headers(header)
        _read_csv(con, path, target, names)
        return StagedFile(names)
    except (duckdb.Error, UnicodeDecodeError, RejectedFile, EOFError):
        con.execute(f"drop table if exists {target}")
    with _scratch() as folder:
        plain = folder / "decompressed.csv"
        try:
            truncated, size = gunzip_salvage(path, plain)
        except Unreadable as error:
            raise RejectedFile(str(error)) from error
        if not truncated:
            return _stage_csv(con, plain, target, compressed=False)
        partial = _cut_partial_last_line(plain)
        staged = _stage_csv(con, plain, target, compressed=False)
        note = (
            f"the gzip file is truncated: {size:,} bytes could be decompressed before it "
            "ends; ask the sender for the whole file"
        )
        bad = list(staged.bad)
        if partial is not None:
            line_number, text = partial
            con.execute(f"insert into {target} default values")
            row_number = con.execute(f"select count(*) from {target}").fetchone()[0]
            reason = f"line {line_number}: cut off where the truncated gzip file ends"
            bad.append(BadRecord(row_number, reason, text))
    return StagedFile(staged.columns, bad, [note, *staged.notes])


def _cut_partial_last_line(plain: Path) -> tuple[int, str] | None:
    """Drop the line a truncated tail cut in two; returns (its line number, its text)."""
    data = plain.read_bytes()
    if data.endswith(b"\n"):
        return None
    cut = data.rfind(b"\n") + 1
    if cut == 0:
        return None  # only a partial header: nothing to keep
    plain.write_bytes(data[:cut])
    return data[:cut].count(b"\n") + 1, data[cut:].decode("utf-8", errors="replace")


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


def _objects_to_table(con: duckdb.DuckDBPyConnection, objects: str, target: str) -> list[str]:
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
    return names


def _read_objects(con: duckdb.DuckDBPyConnection, path: Path, objects: str) -> bool:
    """Read every line as JSON; False when a line is not a JSON object (salvage it)."""
    source = _sql_string(str(path))
    con.execute(f"create table {objects} as select json from read_ndjson_objects({source})")
    not_object = con.execute(
        f"select count(*) from {objects} where json_type(json) <> 'OBJECT'"
    ).fetchall()[0][0]
    return not_object == 0


def _stage_jsonl(con: duckdb.DuckDBPyConnection, path: Path, target: str) -> StagedFile:
    """JSON lines: one record per line, so a bad line is a bad row, not a bad file."""
    _check_text(path, compressed=False, empty="it is empty (no JSON records)")
    objects = f"{target}__objects"
    try:
        if _read_objects(con, path, objects):
            return StagedFile(_objects_to_table(con, objects, target))
    except duckdb.Error:
        pass
    con.execute(f"drop table if exists {objects}")
    with _scratch() as folder:
        salvaged = salvage_jsonl(path, folder / "clean.jsonl")
        try:
            _read_objects(con, salvaged.path, objects)
        except duckdb.Error as error:
            raise RejectedFile(
                f"it could not be read as JSON lines: {_duckdb_message(error)}"
            ) from error
        if len(salvaged.bad) == con.execute(f"select count(*) from {objects}").fetchone()[0]:
            first = salvaged.bad[0].reason if salvaged.bad else "no records"
            raise RejectedFile(
                f"it could not be read as JSON lines: no line is a JSON object ({first})"
            )
        names = _objects_to_table(con, objects, target)
    return StagedFile(names, salvaged.bad, salvaged.notes)


def stage_file(con: duckdb.DuckDBPyConnection, path: Path, target: str) -> StagedFile:
    """Create table `target` (all varchar, snake_case names, file order = rowid order).

    Returns the normalized column names and the records the reader could not read (their
    rows are empty placeholders). Raises RejectedFile when the file cannot be read at all.
    """
    kind = file_format(path)
    if path.stat().st_size == 0:
        raise RejectedFile("it is empty (0 bytes)")
    if kind == "csv":
        return _stage_csv(con, path, target, compressed=False)
    if kind == "csv.gz":
        return _stage_csv(con, path, target, compressed=True)
    if kind == "parquet":
        return StagedFile(_stage_parquet(con, path, target))
    if kind == "jsonl":
        return _stage_jsonl(con, path, target)
    raise RejectedFile(f"unsupported file type (expected one of {', '.join(SUPPORTED_SUFFIXES)})")
