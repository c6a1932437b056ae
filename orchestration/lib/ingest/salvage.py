"""When DuckDB's strict reader refuses a file, find the bad lines instead of losing the file.

A landed file is read by DuckDB in one strict pass (fast). Only when that pass fails is
the file walked here, record by record, to tell the bad records (a CSV row with the
wrong number of fields or a quote that never closes, a JSON line that is cut off or not
an object, a gzip whose tail is missing) from the good ones. The good records are
written to a clean temporary file that DuckDB then reads; each bad one keeps its place
as an empty placeholder row, so row numbers stay those of the file, and is quarantined
with its line number, the reason and its raw text.
"""

from __future__ import annotations

import csv
import io
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

# A quoted value spanning more lines than this is taken for a quote that never closes.
MAX_LINES_PER_RECORD = 1_000
_RAW_CHARS = 2_000
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class BadRecord:
    row_number: int  # the data row's position (1 = first record after the header)
    reason: str  # names the line: "line 16: ..."
    raw: str  # the record's text as delivered (cut to a readable length)


@dataclass
class Salvaged:
    path: Path  # the clean file to read instead (UTF-8, same format)
    bad: list[BadRecord] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Unreadable(Exception):
    """Nothing can be salvaged: the message says why."""


def _raw(text: str) -> str:
    text = text.rstrip("\r\n")
    return text if len(text) <= _RAW_CHARS else text[: _RAW_CHARS - 1] + "…"


# --- bytes: gzip tails and text encodings ---------------------------------------------


def gunzip_salvage(path: Path, target: Path) -> tuple[bool, int]:
    """Decompress what can be decompressed; returns (truncated?, bytes written)."""
    decompressor = zlib.decompressobj(wbits=31)
    written = 0
    with path.open("rb") as source, target.open("wb") as out:
        for block in iter(lambda: source.read(_CHUNK), b""):
            try:
                data = decompressor.decompress(block)
            except zlib.error as error:
                if written == 0:
                    raise Unreadable(f"it is not a valid gzip file ({error})") from error
                return True, written
            out.write(data)
            written += len(data)
            if decompressor.eof:
                break
        out.write(decompressor.flush())
    return not decompressor.eof, written


def decode_text(path: Path) -> tuple[str, list[str]]:
    """The file as text: UTF-8, or Windows-1252 when that decodes it cleanly (an Excel
    "CSV"), with a note; otherwise Unreadable naming the line and what to do."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start : error.start + 1].hex()
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise Unreadable(
                f"line {line} is not UTF-8 text (byte 0x{byte}: {error.reason}) nor "
                "Windows-1252: re-save it as 'CSV UTF-8' (Excel: Save As > CSV UTF-8)"
            ) from error
        return text, [
            f"not UTF-8 (line {line}, byte 0x{byte}): read as Windows-1252; re-save it as "
            "'CSV UTF-8' to be sure every character is right"
        ]


# --- CSV -------------------------------------------------------------------------------


def _physical_lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _parse_one(lines: list[str]) -> list[str] | None:
    rows = list(csv.reader(io.StringIO("".join(lines)), strict=True))
    return rows[0] if len(rows) == 1 else None


def _csv_records(
    lines: list[str], start: int, n_columns: int
) -> Iterator[tuple[int, list[str] | None, str, str]]:
    """(first line number, fields or None, reason, raw) per record, resynchronizing after a
    quote that never closes by dropping that one line and reading on from the next."""
    open_quote = "a quoted value opened on this line never closes"
    index = start
    while index < len(lines):
        if not lines[index].strip("\r\n"):
            index += 1
            continue
        end, quotes = index, 0
        while end < len(lines) and end - index < MAX_LINES_PER_RECORD:
            quotes += lines[end].count('"')
            end += 1
            if quotes % 2 == 0:
                break
        if quotes % 2:
            yield index + 1, None, open_quote, lines[index]
            index += 1
            continue
        try:
            fields = _parse_one(lines[index:end])
        except csv.Error as error:
            fields, reason = None, f"it is not valid CSV ({error})"
        else:
            reason = "it is not one CSV record"
        if end - index > 1 and (fields is None or len(fields) != n_columns):
            # A record over several lines that does not fit: the quote on its first line
            # was never closed, and a later line's quote only seemed to close it.
            yield index + 1, None, open_quote, lines[index]
            index += 1
            continue
        yield index + 1, fields, reason, "".join(lines[index:end])
        index = end


def salvage_csv(text: str, n_columns: int, target: Path) -> Salvaged:
    """Write the good records of a CSV text (header first) to target; list the bad ones."""
    lines = _physical_lines(text)
    salvaged = Salvaged(target)
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        out.write(lines[0] if lines[0].endswith("\n") else lines[0] + "\n")
        row_number = 0
        for line_number, fields, reason, raw in _csv_records(lines, 1, n_columns):
            row_number += 1
            if fields is not None and len(fields) == n_columns:
                writer.writerow(fields)
                continue
            if fields is not None:
                reason = f"it has {len(fields)} fields, the header has {n_columns}"
            salvaged.bad.append(BadRecord(row_number, f"line {line_number}: {reason}", _raw(raw)))
            writer.writerow([""] * n_columns)
    return salvaged


# --- JSON lines ------------------------------------------------------------------------


def salvage_jsonl(path: Path, target: Path) -> Salvaged:
    """Write the good JSON lines to target; each bad line becomes `{}` and a BadRecord."""
    salvaged = Salvaged(target)
    row_number = 0
    with path.open("rb") as source, target.open("w", encoding="utf-8") as out:
        for line_number, line in enumerate(source, start=1):
            if not line.strip():
                continue
            row_number += 1
            try:
                text = line.decode("utf-8-sig" if line_number == 1 else "utf-8")
            except UnicodeDecodeError as error:
                reason = f"line {line_number}: not UTF-8 text ({error.reason})"
                raw = line.decode("utf-8", errors="replace")
            else:
                text = text.rstrip("\r\n")
                raw = text
                try:
                    record = json.loads(text)
                except json.JSONDecodeError as error:
                    where = f"{error.msg} at column {error.colno}"
                    reason = f"line {line_number}: not valid JSON ({where})"
                else:
                    if isinstance(record, dict):
                        out.write(text + "\n")
                        continue
                    reason = f"line {line_number}: a JSON {type(record).__name__}, not an object"
            salvaged.bad.append(BadRecord(row_number, reason, _raw(raw)))
            out.write("{}\n")
    return salvaged
