"""Load new landed files of one contract table into raw, one transaction per file."""

from __future__ import annotations

import hashlib
import logging
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.lib import settings
from orchestration.lib.ingest import hosts
from orchestration.lib.ingest.contracts import (
    CONTRACT_TABLES,
    EXPECTATIONS_DIR,
    TableContract,
    contract_for,
    contracts,
)
from orchestration.lib.ingest.inventory import visible_files
from orchestration.lib.ingest.readers import (
    RejectedFile,
    StagedFile,
    file_format,
    quote_identifier,
    stage_file,
)
from orchestration.lib.ingest.sql_validation import (
    CompiledSuite,
    FileChecks,
    NotCompilable,
    SqlFailures,
    Unreadable,
    compile_suite,
    find_bad_rows,
)
from orchestration.lib.ingest.validation import RowFailures, SuiteRunner, collect_row_failures, rows
from orchestration.lib.ingest.warehouse import (
    LoadLogEntry,
    LoggedFile,
    attached,
    ensure_raw_tables,
    insert_load_log,
    logged_files,
    qualified,
)

CHUNK_ROWS = 250_000
_LOG = logging.getLogger(__name__)
_STAGED = "file_raw"
_BAD = "bad_rows"


@dataclass(frozen=True)
class FileResult:
    source: str
    table: str
    path: str  # relative to the landing dir, '/'-separated
    # loaded | rejected | skipped_already_loaded | changed_after_load | duplicate_content
    status: str
    rows_loaded: int
    rows_quarantined: int
    message: str | None


@dataclass(frozen=True)
class TableIngestResult:
    source: str
    table: str
    files: tuple[FileResult, ...]

    def _count(self, status: str) -> int:
        return sum(f.status == status for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows_quarantined for f in self.files)

    @property
    def files_loaded(self) -> int:
        return self._count("loaded")

    @property
    def files_rejected(self) -> int:
        return self._count("rejected")



def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def landed_files(landing_dir: Path, source: str, table: str) -> list[Path]:
    """Files under <landing>/<source>/<table>/, except hidden and marker files (`_SUCCESS`)."""
    return visible_files(landing_dir / source / table)


@contextmanager
def _staging_connection() -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB for reading and checking files; it spills to a temp folder."""
    with tempfile.TemporaryDirectory(prefix="abm-ingest-") as spill:
        config = {
            "temp_directory": spill,
            "preserve_insertion_order": True,
            # Past this the staged file spills to the temp folder: memory stays flat.
            "memory_limit": settings.ingest_memory_limit(),
        }
        con = duckdb.connect(config=config)
        hosts.register(con)
        try:
            yield con
        finally:
            con.close()


def _blank_to_null(column: str) -> str:
    """Empty or white space only: null. Only a value whose first byte sorts before '!'
    (empty, a space, a control character) can be blank: the rest skip the costly trim."""
    ref = quote_identifier(column)
    return f"case when {ref} < '!' and trim({ref}, ' \t\r\n') = '' then null else {ref} end"


def _values(contract: TableContract, file_columns: list[str]) -> dict[str, str]:
    """Each contract column's value as loaded: blank is null, hosts in one spelling."""
    present = set(file_columns)

    def value(name: str) -> str:
        if name not in present:
            return "cast(null as varchar)"
        return hosts.normalized(name, _blank_to_null(name))

    return {name: value(name) for name in contract.columns}


def _projection(contract: TableContract, file_columns: list[str]) -> tuple[dict[str, str], str]:
    """Contract columns (missing optional ones null) and the `_extra_columns` JSON expression."""
    values = _values(contract, file_columns)
    columns = {name: f"{values[name]} as {quote_identifier(name)}" for name in contract.columns}
    extras = [name for name in file_columns if name not in set(contract.columns)]
    if extras:
        pairs = ", ".join(f"'{name}', {_blank_to_null(name)}" for name in extras)
        extra = f"cast(json_object({pairs}) as varchar)"
    else:
        extra = "cast(null as varchar)"
    return columns, extra


def _previous_decision(rel: str, checksum: str, logged: list[LoggedFile]) -> tuple[str, str] | None:
    same_path = [entry for entry in logged if entry.path == rel]
    loaded = [entry for entry in same_path if entry.status == "loaded"]
    if any(entry.checksum == checksum for entry in loaded):
        return (
            "skipped_already_loaded",
            f"{rel} was already loaded at {loaded[0].loaded_at:%Y-%m-%d %H:%M:%S}",
        )
    if loaded:
        return "changed_after_load", (
            f"{rel} changed after it was loaded at {loaded[0].loaded_at:%Y-%m-%d %H:%M:%S} "
            f"(sha256 {loaded[0].checksum[:12]}… is now {checksum[:12]}…); raw history is "
            "append-only, so it is not reloaded: deliver corrections as a new file"
        )
    copies = [e for e in logged if e.status == "loaded" and e.checksum == checksum]
    if copies:
        return "duplicate_content", (
            f"{rel} has the same content (sha256 {checksum[:12]}…) as {copies[0].path}, "
            f"loaded at {copies[0].loaded_at:%Y-%m-%d %H:%M:%S}: a re-sent copy under a new "
            "name, so it is not loaded again (remove it, or deliver new rows in a new file)"
        )
    rejected = [
        entry for entry in same_path if entry.status == "rejected" and entry.checksum == checksum
    ]
    if rejected:
        return "rejected", (
            f"{rel} is unchanged since it was rejected at "
            f"{rejected[-1].loaded_at:%Y-%m-%d %H:%M:%S}: {rejected[-1].message}"
        )
    return None


class _Ingestor:
    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        warehouse_path: Path,
        contract: TableContract,
        max_share: float,
        max_field_chars: int,
        chunk_rows: int,
        validation: str | None = None,
    ) -> None:
        self.con = con
        self.warehouse_path = warehouse_path
        self.contract = contract
        self.max_share = max_share
        self.max_field_chars = max_field_chars
        self.chunk_rows = chunk_rows
        self._runner: SuiteRunner | None = None
        self.compiled = self._compile(settings.ingest_validation(validation))

    def _compile(self, validation: str) -> CompiledSuite | None:
        """The suite as SQL (validation 'sql'), or None: GX validates (asked, or needed)."""
        if validation == "gx":
            return None
        try:
            return compile_suite(self.contract)
        except NotCompilable as error:
            c = self.contract
            _LOG.warning(
                "%s/%s: validated with GX over pandas chunks, not in SQL: the suite %s "
                "uses %s, which the SQL compiler does not translate",
                c.source,
                c.table,
                c.suite.name,
                error,
            )
            return None

    @property
    def runner(self) -> SuiteRunner:
        if self._runner is None:
            self._runner = SuiteRunner()
        return self._runner

    def _result(
        self, rel: str, status: str, loaded: int, quarantined: int, message: str | None
    ) -> FileResult:
        c = self.contract
        return FileResult(c.source, c.table, rel, status, loaded, quarantined, message)

    def _log_entry(
        self,
        rel: str,
        size: int,
        checksum: str,
        status: str,
        loaded: int,
        quarantined: int,
        message: str | None,
        loaded_at: datetime,
    ) -> LoadLogEntry:
        c = self.contract
        return LoadLogEntry(
            c.source, c.table, rel, size, checksum, status, loaded, quarantined, message, loaded_at
        )

    def reject(self, rel: str, size: int, checksum: str, message: str) -> FileResult:
        loaded_at = _now()
        with attached(self.con, self.warehouse_path):
            self.con.execute("begin")
            try:
                insert_load_log(
                    self.con,
                    self._log_entry(rel, size, checksum, "rejected", 0, 0, message, loaded_at),
                )
                self.con.execute("commit")
            except BaseException:
                self.con.execute("rollback")
                raise
        return self._result(rel, "rejected", 0, 0, message)

    def ingest(self, path: Path, rel: str, size: int, checksum: str) -> FileResult:
        for table in (_STAGED, _BAD):
            self.con.execute(f"drop table if exists {table}")
        if file_format(path) is None:
            return self.reject(
                rel,
                size,
                checksum,
                f"{rel} rejected: unsupported file type "
                "(expected .csv, .csv.gz, .parquet or .jsonl)",
            )
        try:
            staged = stage_file(self.con, path, _STAGED)
        except RejectedFile as error:
            return self.reject(rel, size, checksum, f"{rel} rejected: {error}")
        file_columns = staged.columns

        if self.compiled is not None:
            missing = self.compiled.missing_columns(file_columns)
        else:
            missing = self.runner.missing_columns(self.contract, file_columns)
        if missing:
            names = ", ".join(f"'{name}'" for name in missing)
            plural = "s" if len(missing) > 1 else ""
            hint = (
                "; one column only: is it delimited by something other than a comma?"
                if len(file_columns) == 1 and len(self.contract.required_columns) > 1
                else ""
            )
            return self.reject(
                rel,
                size,
                checksum,
                f"{rel} rejected: required column{plural} {names} missing "
                f"(the file has: {', '.join(file_columns)}){hint}",
            )

        columns, extra = _projection(self.contract, file_columns)
        total = self.con.execute(f"select count(*) from {_STAGED}").fetchall()[0][0]
        if self.compiled is not None:
            failures: RowFailures | SqlFailures = self._sql_failures(staged, self.compiled)
        else:
            failures = self._gx_failures(staged, columns, total)
        bad = len(failures)
        if total and bad / total > self.max_share:
            return self.reject(
                rel,
                size,
                checksum,
                (
                    f"{rel} rejected: {bad} of {total} rows ({bad / total:.1%}) break the "
                    "contract, "
                    f"more than the {self.max_share:.1%} allowed (ABM_MAX_QUARANTINE_SHARE); "
                    f"top reasons: {failures.top_reasons()}"
                    + ("" if failures.complete else " (validation stopped early)")
                    + "".join(f"; {note}" for note in staged.notes)
                ),
            )
        message = f"{rel}: loaded {rows(total - bad)}"
        if bad:
            message += f", quarantined {rows(bad)} (top reasons: {failures.top_reasons()})"
        for note in staged.notes:
            message += f"; warning: {note}"
        self._write(rel, size, checksum, columns, extra, failures, total, message)
        return self._result(rel, "loaded", total - bad, bad, message)

    def _sql_failures(self, staged: StagedFile, compiled: CompiledSuite) -> SqlFailures:
        """The suite compiled to SQL, over the whole staged file at once: table _BAD."""
        checks = FileChecks(
            staged=_STAGED,
            values=_values(self.contract, staged.columns),
            file_columns=staged.columns,
            contract_columns=self.contract.columns,
            key_columns=self.contract.key_columns,
            max_field_chars=self.max_field_chars,
            chunk_rows=self.chunk_rows,
        )
        unreadable = [
            Unreadable(r.row_number, r.reason, r.raw, _unreadable_kind(r.reason))
            for r in staged.bad
        ]
        return find_bad_rows(self.con, compiled, checks, unreadable, _BAD)

    def _gx_failures(self, staged: StagedFile, columns: dict[str, str], total: int) -> RowFailures:
        """The suite run by GX on pandas chunks of the staged file, then two SQL rules."""
        # GX only needs the columns its row expectations read: less memory per chunk.
        failures = RowFailures()
        for record in staged.bad:
            kind = _unreadable_kind(record.reason)
            failures.add_unreadable(record.row_number, record.reason, record.raw, kind)
        self._validate_rows([columns[n] for n in self.contract.row_columns()], total, failures)
        self._oversized_values(staged.columns, failures)
        self._duplicate_records(staged.columns, failures)
        return failures

    def _oversized_values(self, file_columns: list[str], failures: RowFailures) -> None:
        """Rows with a value longer than ABM_MAX_FIELD_CHARS (a broken export, not data)."""
        limit = self.max_field_chars
        for name in (n for n in self.contract.columns if n in set(file_columns)):
            ref = quote_identifier(name)
            found = self.con.execute(
                f"select rowid + 1, length({ref}) from {_STAGED} where length({ref}) > ? "
                "order by rowid",
                [limit],
            ).fetchall()
            kind = f"{name} longer than {limit:,} characters"
            for row_number, length in found:
                reason = (
                    f"{name} is {length:,} characters long, more than the {limit:,} allowed "
                    "(ABM_MAX_FIELD_CHARS)"
                )
                failures.add(int(row_number), name, reason, kind)

    def _duplicate_records(self, file_columns: list[str], failures: RowFailures) -> None:
        """Later copies of one record version (same key columns) within the file.

        Two versions of a record (another last_modified_date) are fine: staging keeps the
        latest. Two rows of the same version cannot both be right, so the first is kept.
        """
        keys = self.contract.key_columns
        if not keys or not set(keys) <= set(file_columns):
            return
        refs = ", ".join(quote_identifier(k) for k in keys)
        not_null = " and ".join(f"{quote_identifier(k)} is not null" for k in keys)
        # A row already failing another rule is no rival copy: it is quarantined anyway.
        self.con.register("failing_rows", failures.as_frame()[["_row_number"]])
        try:
            found = self.con.execute(
                f"select row_number, first_row from (select rowid + 1 as row_number, "
                f"min(rowid) over (partition by {refs}) + 1 as first_row from {_STAGED} "
                f"where {not_null} and rowid + 1 not in (select _row_number from failing_rows)) "
                "where row_number > first_row order by row_number"
            ).fetchall()
        finally:
            self.con.unregister("failing_rows")
        described = ", ".join(keys)
        for row_number, first_row in found:
            reason = f"duplicate of row {first_row} (same {described})"
            failures.add(int(row_number), keys[0], reason, f"duplicate {described}")

    def _validate_rows(self, columns: list[str], total: int, failures: RowFailures) -> None:
        suite = self.contract.row_suite()
        limit = self.max_share * total
        for start in range(0, total, self.chunk_rows):
            chunk = self.con.execute(
                f"select rowid + 1 as _row_number, {', '.join(columns)} from {_STAGED} "
                "where rowid >= ? and rowid < ? order by rowid",
                [start, start + self.chunk_rows],
            ).df()
            chunk = chunk.set_index("_row_number").rename_axis(None)
            collect_row_failures(self.runner, suite, chunk, failures)
            if len(failures) > limit and start + self.chunk_rows < total:
                # Already past the threshold: the file will be rejected, stop paying for GX.
                failures.complete = False
                break

    def _write(
        self,
        rel: str,
        size: int,
        checksum: str,
        columns: dict[str, str],
        extra: str,
        failures: RowFailures | SqlFailures,
        total: int,
        message: str,
    ) -> None:
        con = self.con
        if isinstance(failures, RowFailures):  # the SQL path made table _BAD already
            con.register("bad_rows_frame", failures.as_frame())
            con.execute(
                f"create table {_BAD} as select _row_number, reason, raw_record from bad_rows_frame"
            )
            con.unregister("bad_rows_frame")
        names = ", ".join(quote_identifier(n) for n in self.contract.columns)
        loaded_at = _now()
        with attached(con, self.warehouse_path):
            con.execute("begin")
            try:
                con.execute(
                    f"insert into {qualified(self.contract.raw_table)} "
                    f"({names}, _source_file, _row_number, _loaded_at, _extra_columns) "
                    f"select {', '.join(columns.values())}, ?, rowid + 1, ?, {extra} "
                    f"from {_STAGED} "
                    f"where rowid + 1 not in (select _row_number from {_BAD}) order by rowid",
                    [rel, loaded_at],
                )
                con.execute(
                    f"insert into {qualified('quarantine')} "
                    "(source, table_name, _source_file, _row_number, reason, record, _loaded_at) "
                    f"select ?, ?, ?, b._row_number, b.reason, coalesce(b.raw_record, r.record), ? "
                    f"from {_BAD} as b "
                    "inner join (select rowid + 1 as _row_number, "
                    f"cast(to_json(f) as varchar) as record from {_STAGED} as f "
                    f"where rowid + 1 in (select _row_number from {_BAD})) as r "
                    "on r._row_number = b._row_number "
                    "order by b._row_number",
                    [self.contract.source, self.contract.table, rel, loaded_at],
                )
                insert_load_log(
                    con,
                    self._log_entry(
                        rel,
                        size,
                        checksum,
                        "loaded",
                        total - len(failures),
                        len(failures),
                        message,
                        loaded_at,
                    ),
                )
                con.execute("commit")
            except BaseException:
                con.execute("rollback")
                raise


def _unreadable_kind(reason: str) -> str:
    """`line 16: not valid JSON (Expecting ...)` -> `not valid JSON`."""
    return re.sub(r"^line \d+: | \(.*\)$", "", reason)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def ingest_table(
    warehouse_path: Path,
    landing_dir: Path,
    source: str,
    table: str,
    *,
    max_quarantine_share: float | None = None,
    max_field_chars: int | None = None,
    chunk_rows: int = CHUNK_ROWS,
    expectations_dir: Path = EXPECTATIONS_DIR,
    validation: str | None = None,
) -> TableIngestResult:
    """Load the new files of one contract table; create every raw table if missing.

    The limits default to ABM_MAX_QUARANTINE_SHARE and ABM_MAX_FIELD_CHARS; `validation`
    ('sql' or 'gx') to ABM_INGEST_VALIDATION.
    """
    contract = contract_for(source, table, expectations_dir)
    if max_quarantine_share is None:
        max_quarantine_share = settings.max_quarantine_share()
    if max_field_chars is None:
        max_field_chars = settings.max_field_chars()
    warehouse_path = Path(warehouse_path)
    landing_dir = Path(landing_dir)
    results: list[FileResult] = []
    with _staging_connection() as con:
        with attached(con, warehouse_path):
            ensure_raw_tables(con, contracts(expectations_dir))
            logged = logged_files(con, source, table)
        ingestor = _Ingestor(
            con,
            warehouse_path,
            contract,
            max_quarantine_share,
            max_field_chars,
            chunk_rows,
            validation,
        )
        for path in landed_files(landing_dir, source, table):
            rel = path.relative_to(landing_dir).as_posix()
            checksum = sha256_of(path)
            decided = _previous_decision(rel, checksum, logged)
            if decided is not None:
                status, message = decided
                results.append(FileResult(source, table, rel, status, 0, 0, message))
                continue
            result = ingestor.ingest(path, rel, path.stat().st_size, checksum)
            results.append(result)
            if result.status == "loaded":  # a copy later in this same run is one too
                logged.append(LoggedFile(rel, checksum, "loaded", _now(), result.message))
    return TableIngestResult(source, table, tuple(results))


def ingest_all(warehouse_path: Path, landing_dir: Path, **options) -> list[TableIngestResult]:
    return [ingest_table(warehouse_path, landing_dir, s, t, **options) for s, t in CONTRACT_TABLES]
