"""`make diff`: what a dev build would change in the published marts, before it ships.

    python -m orchestration.lib.dev_diff [--as-of YYYY-MM-DD] [--limit N] [--json]

Compares every mart in the serving file (`ABM_SERVING_PATH`, schema `marts`: what BI
reads now) with the same table in the dev warehouse (`ABM_DEV_WAREHOUSE_PATH`, built
by `make dev`): per mart the rows added, removed and changed (same primary key,
different values) and which columns changed; then the accounts whose tier changes,
from -> to, with the new `tier_reason`. Both files are opened read-only; the
production warehouse is never opened (the serving file is swapped in whole by each
publication, so it is never locked by a refresh).

Primary keys come from the dbt manifest of the dev build (`target/dev/manifest.json`,
else `target/manifest.json`): a `primary_key` constraint, else the column (or SQL
expression) of a `unique` test or the columns of a `unique_combination_of_columns`
test. When a mart has several unique columns, the one that is also `not_null` and
then one named `*_id` wins (`net_new_accounts`: `account_id`, not `net_new_rank`). A
mart without a key is compared as whole rows: added and removed only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb

PROJECT_DIR = Path(__file__).resolve().parents[2]
TIER_MART = "account_tiers"
META_SCHEMA = "_dev"  # written into the dev file by `make dev` (scripts/dev_build.py)
REASON_CHARS = 110  # tier_reason in the text table (--json has it whole)
_UNIQUE_TESTS = ("unique", "unique_combination_of_columns")
_SQL_WORDS = {"cast", "as", "varchar", "text", "string", "date", "coalesce", "concat", "ws"}


def _path_from_env(name: str, default: str) -> Path:
    path = Path(os.environ.get(name) or default)
    return path if path.is_absolute() else PROJECT_DIR / path


# --- primary keys from the manifest (pure) ----------------------------------------------


@dataclass(frozen=True)
class KeyCandidate:
    columns: tuple[str, ...]
    not_null: bool = False


def key_candidates(manifest: dict[str, Any], unique_id: str) -> list[KeyCandidate]:
    """Every unique key the manifest declares for one model, in declaration order."""
    node = manifest["nodes"][unique_id]
    for constraint in node.get("constraints") or []:
        if constraint.get("type") == "primary_key" and constraint.get("columns"):
            return [KeyCandidate(tuple(constraint["columns"]), True)]
    for name, column in (node.get("columns") or {}).items():
        if any(c.get("type") == "primary_key" for c in column.get("constraints") or []):
            return [KeyCandidate((name,), True)]
    unique: list[tuple[str, ...]] = []
    not_null: set[str] = {
        name
        for name, column in (node.get("columns") or {}).items()
        if any(c.get("type") == "not_null" for c in column.get("constraints") or [])
    }
    for test in manifest["nodes"].values():
        metadata = test.get("test_metadata") or {}
        if test.get("resource_type") != "test" or test.get("attached_node") != unique_id:
            continue
        if not (test.get("config") or {}).get("enabled", True):
            continue
        kwargs = metadata.get("kwargs") or {}
        if metadata.get("name") == "not_null" and isinstance(kwargs.get("column_name"), str):
            not_null.add(kwargs["column_name"])
        elif metadata.get("name") == "not_null_columns":
            not_null.update(kwargs.get("column_names") or [])
        elif metadata.get("name") in _UNIQUE_TESTS:
            if isinstance(kwargs.get("column_name"), str):
                unique.append((kwargs["column_name"],))
            elif isinstance(kwargs.get("combination_of_columns"), list):
                unique.append(tuple(kwargs["combination_of_columns"]))
    return [
        KeyCandidate(columns, all(c in not_null for c in columns))
        for columns in dict.fromkeys(unique)
    ]


def choose_key(candidates: list[KeyCandidate]) -> tuple[str, ...] | None:
    """The candidate that is also not_null, then named *_id, then the first declared."""
    if not candidates:
        return None

    def rank(indexed: tuple[int, KeyCandidate]) -> tuple[bool, bool, int]:
        position, candidate = indexed
        is_id = any(c.endswith("_id") or c == "id" for c in candidate.columns)
        return (not candidate.not_null, not is_id, position)

    return min(enumerate(candidates), key=rank)[1].columns


def mart_keys(manifest: dict[str, Any]) -> dict[str, tuple[str, ...] | None]:
    """Table name (alias) -> chosen primary key, for every model in the manifest."""
    return {
        node.get("alias") or node["name"]: choose_key(key_candidates(manifest, unique_id))
        for unique_id, node in manifest["nodes"].items()
        if node.get("resource_type") == "model"
    }


def key_sql(key: tuple[str, ...]) -> str:
    """One varchar per row from the key's columns or expressions."""
    if len(key) == 1:
        return f"cast(({key[0]}) as varchar)"
    return "concat_ws('|', " + ", ".join(f"cast(({part}) as varchar)" for part in key) + ")"


def key_label(key: tuple[str, ...] | None) -> str:
    """A short name: `account_id || '|' || cast(as_of_date as varchar)` -> account_id+as_of_date."""
    if not key:
        return "(whole row)"
    words = [
        word
        for part in key
        for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", re.sub(r"'[^']*'", "", part))
        if word.lower() not in _SQL_WORDS
    ]
    return "+".join(dict.fromkeys(words))


# --- comparing (SQL over the two attached files) -----------------------------------------


@dataclass
class MartDiff:
    mart: str
    key: list[str] | None
    rows_published: int
    rows_dev: int | None = None  # None: the dev build has no such table
    added: int = 0
    removed: int = 0
    changed: int | None = 0  # None: no key, so rows are only added or removed
    changed_columns: dict[str, int] = field(default_factory=dict)
    columns_only_published: list[str] = field(default_factory=list)
    columns_only_dev: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def unchanged(self) -> bool:
        return (
            self.rows_dev is not None
            and not (self.added or self.removed or self.changed)
            and not (self.columns_only_published or self.columns_only_dev)
        )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, table: str) -> list[str]:
    return [
        row[0]
        for row in con.execute(
            "select column_name from duckdb_columns() where database_name = ? "
            "and schema_name = 'marts' and table_name = ? order by column_index",
            [catalog, table],
        ).fetchall()
    ]


def _tables(con: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    return [
        row[0]
        for row in con.execute(
            "select table_name from duckdb_tables() where database_name = ? "
            "and schema_name = 'marts' and not starts_with(table_name, '_') "
            "union select view_name from duckdb_views() where database_name = ? "
            "and schema_name = 'marts' and not internal order by 1",
            [catalog, catalog],
        ).fetchall()
    ]


def diff_mart(con: duckdb.DuckDBPyConnection, mart: str, key: tuple[str, ...] | None) -> MartDiff:
    """Rows added, removed and changed between `published.marts.<mart>` and `dev.marts.<mart>`."""
    published_columns = _columns(con, "published", mart)
    dev_columns = _columns(con, "dev", mart)
    pub, dev = f"published.marts.{_quote(mart)}", f"dev.marts.{_quote(mart)}"
    rows_published = con.execute(f"select count(*) from {pub}").fetchone()[0]
    result = MartDiff(mart, list(key) if key else None, rows_published)
    if not dev_columns:
        result.note = "not built in dev"
        return result
    result.rows_dev = con.execute(f"select count(*) from {dev}").fetchone()[0]
    result.columns_only_published = [c for c in published_columns if c not in dev_columns]
    result.columns_only_dev = [c for c in dev_columns if c not in published_columns]
    common = [c for c in published_columns if c in dev_columns]
    listed = ", ".join(_quote(c) for c in common)
    if key:
        try:
            expression = key_sql(key)
            duplicated = con.execute(
                f"select (select count(*) - count(distinct {expression}) from {pub}) "
                f"+ (select count(*) - count(distinct {expression}) from {dev})"
            ).fetchone()[0]
        except duckdb.Error as error:
            result.note = f"key {key_label(key)} unusable ({str(error).splitlines()[0]})"
            key = None
        else:
            if duplicated:
                result.note = f"key {key_label(key)} is not unique: compared whole rows"
                key = None
    if not key:
        result.key, result.changed = None, None
        result.added, result.removed = con.execute(
            f"select (select count(*) from (select {listed} from {dev} except all "
            f"select {listed} from {pub})), (select count(*) from (select {listed} from {pub} "
            f"except all select {listed} from {dev}))"
        ).fetchone()
        return result
    result.added, result.removed = con.execute(
        f"with d as (select {expression} as __key from {dev}), "
        f"p as (select {expression} as __key from {pub}) "
        "select (select count(*) from d anti join p using (__key)), "
        "(select count(*) from p anti join d using (__key))"
    ).fetchone()
    differs = [f"d.{_quote(c)} is distinct from p.{_quote(c)}" for c in common]
    if not differs:
        return result
    counts = con.execute(
        f"with d as (select {expression} as __key, * from {dev}), "
        f"p as (select {expression} as __key, * from {pub}) "
        f"select count(*) filter (where {' or '.join(differs)}), "
        + ", ".join(f"count(*) filter (where {each})" for each in differs)
        + " from d inner join p using (__key)"
    ).fetchone()
    result.changed = counts[0]
    result.changed_columns = {
        column: n
        for n, column in sorted(zip(counts[1:], common, strict=True), key=lambda t: (-t[0], t[1]))
        if n
    }
    return result


# --- tiers -----------------------------------------------------------------------------


@dataclass
class TierDiff:
    published_as_of: str
    dev_as_of: str
    counts_published: dict[str, int]
    counts_dev: dict[str, int]
    moves: list[dict[str, Any]]
    accounts: list[dict[str, Any]]
    accounts_changing: int


def tier_sort_key(tier: str | None) -> tuple[bool, bool, str]:
    """tier_1, tier_2, tier_3 ... then not_target, then absent."""
    return (tier is None, tier == "not_target", tier or "")


def summarize_moves(changes: list[tuple[str, str | None, str | None]]) -> list[dict[str, Any]]:
    """(account_id, from, to) rows -> one row per from -> to with its account count."""
    counts: dict[tuple[str | None, str | None], int] = {}
    for _account, before, after in changes:
        counts[(before, after)] = counts.get((before, after), 0) + 1
    ordered = sorted(
        counts.items(), key=lambda kv: (-kv[1], tier_sort_key(kv[0][1]), tier_sort_key(kv[0][0]))
    )
    return [{"from": before, "to": after, "accounts": n} for (before, after), n in ordered]


def pick_examples(
    changes: list[tuple[Any, ...]], moves: list[dict[str, Any]], limit: int
) -> list[tuple[Any, ...]]:
    """Up to `limit` changed accounts (all when limit <= 0), spread over the moves.

    Every from -> to move gets its turn, biggest move first, so a short list shows one
    account of each kind of change before a second of any; within a move by account_id.
    """
    by_move: dict[tuple[Any, Any], list[tuple[Any, ...]]] = {}
    for row in sorted(changes, key=lambda r: r[0]):
        by_move.setdefault((row[1], row[2]), []).append(row)
    queues = [by_move[(m["from"], m["to"])] for m in moves]
    picked: list[tuple[Any, ...]] = []
    depth = 0
    while any(depth < len(q) for q in queues):
        picked += [q[depth] for q in queues if depth < len(q)]
        depth += 1
    picked = picked if limit <= 0 else picked[:limit]
    order = {(m["from"], m["to"]): i for i, m in enumerate(moves)}
    return sorted(picked, key=lambda r: (order[(r[1], r[2])], r[0]))


def _dates(con: duckdb.DuckDBPyConnection, catalog: str) -> list[date]:
    return [
        row[0]
        for row in con.execute(
            f"select distinct as_of_date from {catalog}.marts.{TIER_MART} order by 1"
        ).fetchall()
    ]


def diff_tiers(
    con: duckdb.DuckDBPyConnection, dev_as_of: date | None, limit: int
) -> TierDiff | None:
    """Each account's tier in dev (at its as-of date) against the published tier.

    The published date is the same date when it was published, else the latest one.
    """
    dev_dates, published_dates = _dates(con, "dev"), _dates(con, "published")
    if not dev_dates or not published_dates:
        return None
    dev_date = dev_as_of if dev_as_of in dev_dates else dev_dates[-1]
    published_date = dev_date if dev_date in published_dates else published_dates[-1]
    counts = {}
    for catalog, day in (("published", published_date), ("dev", dev_date)):
        rows = con.execute(
            f"select tier, count(*) from {catalog}.marts.{TIER_MART} where as_of_date = ? "
            "group by tier",
            [day],
        ).fetchall()
        counts[catalog] = dict(sorted(rows, key=lambda r: tier_sort_key(r[0])))
    changes = con.execute(
        f"with p as (select account_id, tier from published.marts.{TIER_MART} "
        f"where as_of_date = ?), d as (select account_id, tier, tier_reason "
        f"from dev.marts.{TIER_MART} where as_of_date = ?) "
        "select account_id, p.tier, d.tier, d.tier_reason from p full join d using (account_id) "
        "where p.tier is distinct from d.tier",
        [published_date, dev_date],
    ).fetchall()
    moves = summarize_moves([(r[0], r[1], r[2]) for r in changes])
    shown = pick_examples(changes, moves, limit)
    return TierDiff(
        published_as_of=str(published_date),
        dev_as_of=str(dev_date),
        counts_published=counts["published"],
        counts_dev=counts["dev"],
        moves=moves,
        accounts=[
            {"account_id": a, "from": f, "to": t, "tier_reason": reason}
            for a, f, t, reason in shown
        ],
        accounts_changing=len(changes),
    )


# --- the report ------------------------------------------------------------------------------


@dataclass
class Report:
    dev_path: str
    serving_path: str
    published: dict[str, Any]
    dev_build: dict[str, Any]
    marts: list[MartDiff]
    tiers: TierDiff | None
    notes: list[str]

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["marts"] = [{**asdict(m), "unchanged": m.unchanged} for m in self.marts]
        return data


def _one_row(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, Any]:
    """The first row as a dict; empty when the table is missing or empty."""
    try:
        cursor = con.execute(sql)
    except (duckdb.CatalogException, duckdb.BinderException):
        return {}
    row = cursor.fetchone()
    if row is None:
        return {}
    return dict(zip([d[0] for d in cursor.description], row, strict=True))


def _utc(value: Any) -> datetime | None:
    """A timestamp (naive ones are UTC, as the warehouse writes them) as naive UTC."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)


def freshness_notes(
    published: dict[str, Any], dev_build: dict[str, Any], last_loaded: Any
) -> list[str]:
    """Warnings when the dev copy and the publication saw different raw data."""
    notes = []
    published_at = _utc(published.get("published_at"))
    copied_at = _utc(dev_build.get("copied_at"))
    last_loaded = _utc(last_loaded)
    if published_at and copied_at and copied_at < published_at:
        notes.append(
            f"the dev copy of production ({copied_at:%Y-%m-%d %H:%M} UTC) is older than the "
            f"publication ({published_at:%Y-%m-%d %H:%M} UTC): `make dev` copies production again"
        )
    if published_at and last_loaded and last_loaded > published_at:
        notes.append(
            f"dev's raw layer has files loaded at {last_loaded:%Y-%m-%d %H:%M} UTC, after the "
            "publication: differences include that new data, not only your change"
        )
    return notes


def build_report(
    dev_path: Path,
    serving_path: Path,
    keys: dict[str, tuple[str, ...] | None],
    as_of: date | None = None,
    limit: int = 12,
) -> Report:
    for label, path in (("dev warehouse", dev_path), ("serving file", serving_path)):
        if not path.exists():
            hint = "run `make dev`" if label == "dev warehouse" else "run `make run`"
            raise FileNotFoundError(f"no {label} at {path}: {hint} first")
    with duckdb.connect() as con:
        for path, name in ((serving_path, "published"), (dev_path, "dev")):
            con.execute(f"attach '{str(path).replace(chr(39), chr(39) * 2)}' as {name} (read_only)")
        published = _one_row(con, "select published_at, run_id from published.marts._publication")
        dev_build = {
            **_one_row(con, f"select source, copied_at from dev.{META_SCHEMA}.copied_from"),
            **_one_row(
                con,
                f"select built_at, as_of_date, selection, vars from dev.{META_SCHEMA}.last_build",
            ),
        }
        last_loaded = _one_row(
            con, "select max(_loaded_at) as t from dev.raw.load_log where status = 'loaded'"
        ).get("t")
        marts = [diff_mart(con, mart, keys.get(mart)) for mart in _tables(con, "published")]
        if as_of is None and dev_build.get("as_of_date"):
            as_of = dev_build["as_of_date"]
        names = {m.mart for m in marts if m.rows_dev is not None}
        tiers = diff_tiers(con, as_of, limit) if TIER_MART in names else None
    notes = freshness_notes(published, dev_build, last_loaded)
    if as_of and tiers and tiers.dev_as_of != str(as_of):
        notes.append(f"dev has no tiers as of {as_of}: compared its latest, {tiers.dev_as_of}")
    return Report(
        dev_path=str(dev_path),
        serving_path=str(serving_path),
        published=published,
        dev_build=dev_build,
        marts=marts,
        tiers=tiers,
        notes=notes,
    )


# --- text output (pure) -----------------------------------------------------------------------


def format_table(header: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    """Aligned columns; the columns in `right` are right-aligned (numbers)."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        parts = [
            str(c).rjust(widths[i]) if i in right else str(c).ljust(widths[i])
            for i, c in enumerate(cells)
        ]
        return "  ".join(parts).rstrip()

    return [line(header), *(line(r) for r in rows)]


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3].rstrip() + "..."


def _n(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _columns_text(diff: MartDiff, shown: int = 3) -> str:
    parts = [f"{c} ({n:,})" for c, n in list(diff.changed_columns.items())[:shown]]
    if len(diff.changed_columns) > shown:
        parts.append(f"+{len(diff.changed_columns) - shown} more")
    if diff.columns_only_dev:
        parts.append("new column " + ", ".join(diff.columns_only_dev))
    if diff.columns_only_published:
        parts.append("dropped column " + ", ".join(diff.columns_only_published))
    if diff.note:
        parts.append(diff.note)
    return ", ".join(parts)


def _stamp(value: Any) -> str:
    moment = _utc(value)
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else str(value)


def header_lines(report: Report) -> list[str]:
    """Which two things are compared: the dev build and the publication."""
    build, published = report.dev_build, report.published
    about = []
    if build.get("copied_at"):
        about.append(f"copy of production from {_stamp(build['copied_at'])}")
    if build.get("built_at"):
        vars_text = "" if build.get("vars") in (None, "{}") else f", vars {build['vars']}"
        about.append(
            f"built {_stamp(build['built_at'])}: {build.get('selection')}, "
            f"as of {build.get('as_of_date') or 'latest'}{vars_text}"
        )
    dev = f"dev        {report.dev_path}" + (f" ({'; '.join(about)})" if about else "")
    served = f"published  {report.serving_path}"
    if published:
        served += (
            f" (run {str(published.get('run_id') or '?')[:8]}, "
            f"{_stamp(published.get('published_at'))})"
        )
    return [dev, served, ""]


def render(report: Report) -> str:
    lines = header_lines(report)
    lines += [f"note: {note}" for note in report.notes]
    different = [m for m in report.marts if not m.unchanged]
    if different:
        rows = [
            [
                m.mart,
                key_label(tuple(m.key) if m.key else None),
                _n(m.rows_published),
                _n(m.rows_dev),
                _n(m.added),
                _n(m.removed),
                _n(m.changed),
                _columns_text(m),
            ]
            for m in different
        ]
        header = ["mart", "key", "published", "dev", "added", "removed", "changed", "what changed"]
        lines += format_table(header, rows, right={2, 3, 4, 5, 6})
    else:
        lines.append("every published mart is identical in dev")
    same = [m.mart for m in report.marts if m.unchanged]
    if same and different:
        lines.append(f"unchanged ({len(same)}): {', '.join(same)}")
    tiers = report.tiers
    if tiers is not None:
        lines += [
            "",
            f"tiers: published as of {tiers.published_as_of} -> dev as of "
            f"{tiers.dev_as_of}: {tiers.accounts_changing:,} accounts change tier",
        ]
        names = sorted(set(tiers.counts_published) | set(tiers.counts_dev), key=tier_sort_key)
        rows = []
        for name in names:
            before, after = tiers.counts_published.get(name, 0), tiers.counts_dev.get(name, 0)
            rows.append(
                [name, _n(before), _n(after), f"{after - before:+,}" if after != before else ""]
            )
        lines += format_table(["tier", "published", "dev", "change"], rows, right={1, 2, 3})
        if tiers.moves:
            lines.append("")
            rows = [
                [f"{m['from'] or '(absent)'} -> {m['to'] or '(absent)'}", _n(m["accounts"])]
                for m in tiers.moves
            ]
            lines += format_table(["from -> to", "accounts"], rows, right={1})
        if tiers.accounts:
            lines.append("")
            rows = [
                [
                    a["account_id"],
                    a["from"] or "(absent)",
                    a["to"] or "(absent)",
                    _shorten(a["tier_reason"] or "", REASON_CHARS),
                ]
                for a in tiers.accounts
            ]
            lines += format_table(
                ["account_id", "from", "to", "tier_reason (dev)"], rows, right=set()
            )
            if len(tiers.accounts) < tiers.accounts_changing:
                lines.append(
                    f"(first {len(tiers.accounts)} of {tiers.accounts_changing:,}; "
                    "--limit 0 lists every one)"
                )
    return "\n".join(lines)


# --- command line -----------------------------------------------------------------------------


def load_keys(manifest_path: Path | None) -> tuple[dict[str, tuple[str, ...] | None], str | None]:
    candidates = (
        [manifest_path]
        if manifest_path
        else [
            PROJECT_DIR / "target" / "dev" / "manifest.json",
            PROJECT_DIR / "target" / "manifest.json",
        ]
    )
    for path in candidates:
        if path.exists():
            return mart_keys(json.loads(path.read_text())), None
    return {}, f"no dbt manifest at {candidates[0]}: marts compared as whole rows"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="make diff", description="Compare the dev build's marts with the published ones."
    )
    parser.add_argument("--dev", type=Path, help="dev warehouse (default ABM_DEV_WAREHOUSE_PATH)")
    parser.add_argument("--serving", type=Path, help="serving file (default ABM_SERVING_PATH)")
    parser.add_argument("--manifest", type=Path, help="dbt manifest (default target/dev/)")
    parser.add_argument("--as-of", type=date.fromisoformat, help="dev scoring date to compare")
    parser.add_argument("--limit", type=int, default=12, help="accounts listed; 0 for all")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args(argv)
    dev_path = args.dev or _path_from_env("ABM_DEV_WAREHOUSE_PATH", "data/dev.duckdb")
    serving_path = args.serving or _path_from_env("ABM_SERVING_PATH", "data/serving.duckdb")
    keys, manifest_note = load_keys(args.manifest)
    try:
        report = build_report(dev_path, serving_path, keys, args.as_of, args.limit)
    except (FileNotFoundError, duckdb.Error) as exc:
        print(f"diff: {exc}", file=sys.stderr)
        return 2
    if manifest_note:
        report.notes.append(manifest_note)
    print(json.dumps(report.as_dict(), indent=2, default=str) if args.json else render(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
