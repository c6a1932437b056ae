"""A table's GX suite compiled to SQL: the same verdicts and reasons, set-based in DuckDB.

The suite JSON stays the single definition of the contract; this module only translates it.
Each expectation type the suites use has a translation below (`_RULES`); a suite with
anything else (another type, `mostly`, a row condition other than nullity/and/or, a
regex feature whose meaning differs between Python and RE2, a reason template with format
specs) raises `NotCompilable`, and the loader validates that table with GX instead.

What the GX path does row by row (`validation.RowFailures`), this does in one pass:
- the first failing rule per column gives that column's reason; a row's reasons are in
  the order of the suite rule that produced each, joined with `; `;
- a value longer than ABM_MAX_FIELD_CHARS gives its column's reason when no rule did;
- a later copy of one record version (same key columns) is a duplicate, unless the row
  fails something else;
- the summary counts (top reasons) are counted, and tie-broken, as GX's chunks would.
"""

from __future__ import annotations

import string
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa
from great_expectations.expectations.expectation import Expectation

from orchestration.lib.ingest.contracts import TableContract
from orchestration.lib.ingest.readers import quote_identifier
from orchestration.lib.ingest.regex_sql import Untranslatable, to_re2
from orchestration.lib.ingest.validation import (
    _MAX_VALUE_CHARS,
    _format,
    _reason_template,
    rows,
    summary_of,
)

_FAILING = "sql_failing_rows"
_UNREADABLE = "sql_unreadable_rows"
_KNOWN_KWARGS = {"column", "regex", "value_set", "row_condition", "mostly"}


class NotCompilable(ValueError):
    """The suite uses something this compiler does not translate; GX must validate it."""


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class RowRule:
    """One row-level expectation: when it fails a row, and what that row's reason says."""

    index: int  # position in the row suite
    column: str  # the column the reason is filed under (one reason per column)
    failing: str  # SQL predicate over the aliased columns
    reason: str  # SQL expression: the reason text
    kind: str  # the reason without its value, for the top reasons


@dataclass(frozen=True)
class CompiledSuite:
    required_columns: tuple[str, ...]
    columns: tuple[str, ...]  # the columns the row rules read, aliased c0, c1, ...
    rules: tuple[RowRule, ...]

    def missing_columns(self, file_columns: Sequence[str]) -> list[str]:
        present = set(file_columns)
        return [name for name in self.required_columns if name not in present]


def _alias(columns: Sequence[str], name: str) -> str:
    if name not in columns:
        raise NotCompilable(f"a rule on column {name!r}, which is not a contract column")
    return f"c{list(columns).index(name)}"


def _condition(node: object, columns: Sequence[str]) -> str:
    """A GX row condition (dict form) as SQL; only nullity, and, or."""
    if not isinstance(node, dict):
        raise NotCompilable(f"row_condition {node!r} is not a structured condition")
    kind = node.get("type")
    if kind == "nullity":
        alias = _alias(columns, node["column"]["name"])
        return f"({alias} is {'' if node['is_null'] else 'not '}null)"
    if kind in ("and", "or"):
        parts = [_condition(child, columns) for child in node["conditions"]]
        return "(" + f" {kind} ".join(parts) + ")"
    raise NotCompilable(f"row_condition of type {kind!r}")


def _shown(alias: str) -> str:
    """`validation._show(value)` in SQL: the value, cut to 80 characters; None when null."""
    keep = _MAX_VALUE_CHARS - 1
    return (
        f"coalesce(case when length({alias}) <= {_MAX_VALUE_CHARS} then {alias} "
        f"else left({alias}, {keep}) || '…' end, 'None')"
    )


def _reason_sql(template: str, kwargs: dict, alias: str) -> str:
    """The reason template (Python str.format fields column, value, value_set) as SQL."""
    value_set = kwargs.get("value_set")
    fixed = {
        "column": kwargs.get("column", ""),
        "value_set": ", ".join(map(str, value_set)) if value_set else "",
    }
    parts: list[str] = []
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as error:
        raise NotCompilable(f"reason template {template!r}: {error}") from error
    for literal, name, spec, conversion in parsed:
        if literal:
            parts.append(sql_string(literal))
        if name is None:
            continue
        if spec or conversion or name not in (*fixed, "value"):
            raise NotCompilable(f"reason template field {{{name}}} with a format or unknown")
        parts.append(_shown(alias) if name == "value" else sql_string(fixed[name]))
    return "(" + (" || ".join(parts) or "''") + ")"


def _not_null(alias: str, kwargs: dict) -> str:
    return f"{alias} is null"


def _match_regex(alias: str, kwargs: dict) -> str:
    try:
        pattern = to_re2(kwargs["regex"])
    except Untranslatable as error:
        raise NotCompilable(f"regex {kwargs['regex']!r}: {error}") from error
    return f"({alias} is not null and not regexp_matches({alias}, {sql_string(pattern)}))"


def _in_set(alias: str, kwargs: dict) -> str:
    value_set = kwargs.get("value_set")
    if value_set is None:
        return "false"  # GX: vacuously true
    if not all(isinstance(v, str) for v in value_set):
        raise NotCompilable("value_set with values that are not strings (the file is text)")
    if not value_set:
        return f"({alias} is not null)"
    listed = ", ".join(sql_string(v) for v in value_set)
    return f"({alias} is not null and {alias} not in ({listed}))"


_RULES: dict[str, Callable[[str, dict], str]] = {
    "expect_column_values_to_not_be_null": _not_null,
    "expect_column_values_to_match_regex": _match_regex,
    "expect_column_values_to_be_in_set": _in_set,
}


def _rule(index: int, expectation: Expectation, columns: Sequence[str]) -> RowRule:
    config = expectation.configuration
    kwargs = dict(config.kwargs)
    if config.type not in _RULES:
        raise NotCompilable(f"expectation type {config.type}")
    unknown = set(kwargs) - _KNOWN_KWARGS
    if unknown:
        raise NotCompilable(f"{config.type} with {', '.join(sorted(unknown))}")
    if kwargs.get("mostly", 1) != 1:
        raise NotCompilable(f"{config.type} with mostly={kwargs['mostly']}")
    column = kwargs["column"]
    alias = _alias(columns, column)
    failing = _RULES[config.type](alias, kwargs)
    condition = kwargs.get("row_condition")
    if condition:
        failing = f"({_condition(condition, columns)} and {failing})"
    template = _reason_template(config)
    kind = _format(summary_of(template), config, "")
    return RowRule(index, column, failing, _reason_sql(template, kwargs, alias), kind)


def compile_suite(contract: TableContract) -> CompiledSuite:
    """The contract's suite as SQL; NotCompilable names what GX alone can check."""
    required: list[str] = []
    for expectation in contract.file_suite().expectations:
        config = expectation.configuration
        if config.type != "expect_column_to_exist" or set(config.kwargs) - {"column"}:
            raise NotCompilable(f"file-level {config.type} with {sorted(config.kwargs)}")
        required.append(config.kwargs["column"])
    columns = tuple(contract.row_columns())
    rules = tuple(
        _rule(index, expectation, columns)
        for index, expectation in enumerate(contract.row_suite().expectations)
    )
    return CompiledSuite(tuple(required), columns, rules)


@dataclass(frozen=True)
class Unreadable:
    row_number: int
    reason: str
    raw: str
    kind: str


@dataclass
class SqlFailures:
    """The failing rows of a file, in a DuckDB table; their count and top reasons."""

    table: str
    count: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    complete: bool = True

    def __len__(self) -> int:
        return self.count

    def top_reasons(self, limit: int = 3) -> str:
        return ", ".join(f"{kind} ({rows(count)})" for kind, count in self.kinds.most_common(limit))


@dataclass(frozen=True)
class FileChecks:
    """What to check in one staged file besides the suite."""

    staged: str  # the all-varchar staging table (rowid = row number - 1)
    values: dict[str, str]  # column -> its SQL value as loaded (blank = null, hosts)
    file_columns: Sequence[str]
    contract_columns: Sequence[str]
    key_columns: Sequence[str]
    max_field_chars: int
    chunk_rows: int  # GX's chunk size: only to order tied top reasons as GX does


def _entries(compiled: CompiledSuite, checks: FileChecks) -> tuple[list[str], list[str], str]:
    """Per column: a struct (pos, kind, reason) of its first failure, or null. Also the kind
    names by kind number, and the SQL that is true when a row fails anything."""
    limit = checks.max_field_chars
    kinds = [rule.kind for rule in compiled.rules]
    by_column: dict[str, list[tuple[str, int, str]]] = {}
    for rule in compiled.rules:
        by_column.setdefault(rule.column, []).append((rule.failing, rule.index, rule.reason))
    present = [n for n in checks.contract_columns if n in set(checks.file_columns)]
    for position, name in enumerate(present):
        kinds.append(f"{name} longer than {limit:,} characters")
        tail = f" characters long, more than the {limit:,} allowed (ABM_MAX_FIELD_CHARS)"
        reason = (
            f"({sql_string(name + ' is ')} || format('{{:,}}', l{position}) || {sql_string(tail)})"
        )
        number = len(compiled.rules) + position
        by_column.setdefault(name, []).append((f"l{position} > {limit}", number, reason))
    entries, anything = [], []
    for branches in by_column.values():
        whens = " ".join(
            f"when {failing} then {{'pos': {number}, 'kind': {number}, 'reason': {reason}}}"
            for failing, number, reason in branches
        )
        entries.append(f"case {whens} end")
        anything += [failing for failing, _, _ in branches]
    return entries, kinds, " or ".join(anything) or "false"


def _register_unreadable(con: duckdb.DuckDBPyConnection, unreadable: Sequence[Unreadable]) -> None:
    table = pa.table(
        {
            "row_number": pa.array([u.row_number for u in unreadable], pa.int64()),
            "reason": pa.array([u.reason for u in unreadable], pa.string()),
            "raw": pa.array([u.raw for u in unreadable], pa.string()),
        }
    )
    con.execute(f"drop table if exists {_UNREADABLE}")
    con.register("sql_unreadable_frame", table)
    con.execute(f"create table {_UNREADABLE} as select * from sql_unreadable_frame")
    con.unregister("sql_unreadable_frame")


def _flag_rows(
    con: duckdb.DuckDBPyConnection, compiled: CompiledSuite, checks: FileChecks
) -> list[str]:
    """Table _FAILING: each failing row's sorted reason entries. Returns the kind names."""
    entries, kinds, anything = _entries(compiled, checks)
    present = [n for n in checks.contract_columns if n in set(checks.file_columns)]
    selects = [f"{checks.values[name]} as c{i}" for i, name in enumerate(compiled.columns)]
    selects += [f"length({quote_identifier(name)}) as l{i}" for i, name in enumerate(present)]
    con.execute(f"drop table if exists {_FAILING}")
    con.execute(
        f"create table {_FAILING} as select _row_number, "
        f"list_sort(list_filter([{', '.join(entries)}], lambda x: x is not null)) as entries "
        f"from (select rowid + 1 as _row_number, {', '.join(selects) or 'null as c'} "
        f"from {checks.staged}) as checked "
        f"where ({anything}) and _row_number not in (select row_number from {_UNREADABLE})"
    )
    return kinds


def _duplicates_sql(checks: FileChecks) -> str | None:
    """Later copies of one record version among the rows that fail nothing else."""
    keys = list(checks.key_columns)
    if not keys or not set(keys) <= set(checks.file_columns):
        return None
    refs = ", ".join(quote_identifier(k) for k in keys)
    not_null = " and ".join(f"{quote_identifier(k)} is not null" for k in keys)
    joined = " and ".join(f"c.{quote_identifier(k)} = f.{quote_identifier(k)}" for k in keys)
    described = ", ".join(keys)
    return (
        f"with candidates as (select rowid + 1 as _row_number, {refs} from {checks.staged} "
        f"where {not_null} and rowid + 1 not in (select _row_number from {_FAILING}) "
        f"and rowid + 1 not in (select row_number from {_UNREADABLE})), "
        f"firsts as (select {refs}, min(_row_number) as first_row from candidates "
        f"group by {refs} having count(*) > 1) "
        f"select c._row_number, 'duplicate of row ' || f.first_row || "
        f"{sql_string(f' (same {described})')} as reason, cast(null as varchar) as raw_record "
        f"from candidates as c inner join firsts as f on {joined} "
        f"where c._row_number > f.first_row"
    )


def _ordered_kinds(
    con: duckdb.DuckDBPyConnection,
    kinds: list[str],
    unreadable: Sequence[Unreadable],
    duplicates: int,
    checks: FileChecks,
    n_rules: int,
) -> Counter[str]:
    """Counts per kind, inserted in the order GX's chunked path first meets them (ties in
    the top reasons keep that order): unreadable records, then per chunk the rules in suite
    order, then the long values, then the duplicates."""
    found = con.execute(
        f"select e.kind, count(*), min(_row_number) from "
        f"(select _row_number, unnest(entries) as e from {_FAILING}) group by e.kind"
    ).fetchall()
    first_seen: dict[str, tuple[int, int]] = {}
    totals: Counter[str] = Counter()
    for number, count, first_row in found:
        # Rules are met chunk by chunk; the long values only after every chunk.
        chunk = (first_row - 1) // checks.chunk_rows if number < n_rules else 1 << 62
        name = kinds[number]
        first_seen[name] = min(first_seen.get(name, (chunk, number)), (chunk, number))
        totals[name] += count
    counted: Counter[str] = Counter()
    for record in unreadable:
        counted[record.kind] += 1
    for name in sorted(totals, key=first_seen.__getitem__):
        counted[name] += totals[name]
    if duplicates:
        counted[f"duplicate {', '.join(checks.key_columns)}"] += duplicates
    return counted


def find_bad_rows(
    con: duckdb.DuckDBPyConnection,
    compiled: CompiledSuite,
    checks: FileChecks,
    unreadable: Sequence[Unreadable],
    target: str,
) -> SqlFailures:
    """Create table `target` (_row_number, reason, raw_record) of every row to quarantine."""
    _register_unreadable(con, unreadable)
    try:
        kinds = _flag_rows(con, compiled, checks)
        duplicates = _duplicates_sql(checks)
        parts = [
            f"select row_number as _row_number, reason, raw as raw_record from {_UNREADABLE}",
            "select _row_number, "
            "array_to_string(list_transform(entries, lambda x: x.reason), '; ') as reason, "
            f"cast(null as varchar) as raw_record from {_FAILING}",
        ]
        if duplicates:
            parts.append(f"select * from ({duplicates})")
        con.execute(f"drop table if exists {target}")
        con.execute(
            f"create table {target} as select * from ({' union all '.join(parts)}) "
            "order by _row_number"
        )
        flagged = con.execute(f"select count(*) from {_FAILING}").fetchone()[0]
        count = con.execute(f"select count(*) from {target}").fetchone()[0]
        n_duplicates = count - flagged - len(unreadable)
        counted = _ordered_kinds(con, kinds, unreadable, n_duplicates, checks, len(compiled.rules))
    finally:
        con.execute(f"drop table if exists {_FAILING}")
        con.execute(f"drop table if exists {_UNREADABLE}")
    return SqlFailures(target, count, counted)
