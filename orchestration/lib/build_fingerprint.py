"""Whether a daily refresh has anything to build: the fingerprint of what a build used.

A build's result depends on the raw data (the load log and the raw tables' rows: raw is
append-only and only ingestion writes it), the dbt project's files, the run's effective
dbt vars and scoring date, the dbt target and the environment variables the project
reads, the orchestration code and the versions of dbt and DuckDB. The dbt step of
`daily_refresh` records the fingerprint of each successful build in the warehouse
(`main._abm_build`, cleared when a build starts), and the publication copies it into
`marts._publication.build_fingerprint`. The next refresh compares: when its fingerprint
equals the published one and the warehouse's last build is the published one, the
published marts are still valid and the build and the publication are skipped.
Anything that cannot be read or compared means: build. `ABM_FORCE_REBUILD=1` always
builds.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import duckdb

from orchestration.lib import settings
from orchestration.lib.dbt_cli import ROWS_SINCE_ENV, SCORING_DATE_ENV

# The build record in the warehouse: one row, the fingerprint of its last successful build.
BUILD_TABLE = "main._abm_build"
PUBLICATION_TABLE = "marts._publication"
PUBLICATION_COLUMN = "build_fingerprint"
# Metadata of the observation a skipped build leaves: when the standing publication was made.
UNCHANGED_METADATA = "abm/unchanged_since"
# Files that decide what dbt builds (relative to the project folder).
DBT_PROJECT_PARTS = (
    "models",
    "macros",
    "seeds",
    "snapshots",
    "data-tests",
    "dbt_project.yml",
    "profiles.yml",
    "packages.yml",
    "package-lock.yml",
    "selectors.yml",
    "dbt_packages",
)
CODE_PARTS = ("orchestration",)
VERSIONED_PACKAGES = ("dbt-core", "dbt-duckdb", "duckdb", "dagster-dbt")
_ENV_VAR = re.compile(r"env_var\(\s*['\"]([A-Za-z_][A-Za-z0-9_]*)['\"]")
# What each part of the fingerprint is, as the run summary names a change.
PART_NAMES = {
    "landed_data": "landed data (raw tables and load log)",
    "dbt_project": "dbt project files (models, macros, seeds, snapshots, tests, yml)",
    "dbt_vars": "dbt vars (ABM_DBT_VARS)",
    "scoring_date": "scoring date",
    "dbt_target": "dbt target",
    "dbt_env": "environment variables the dbt project reads",
    "code": "orchestration code",
    "versions": "dbt / DuckDB versions",
}


def _files(root: Path, parts: tuple[str, ...], suffixes: tuple[str, ...] = ()) -> list[Path]:
    found = []
    for part in parts:
        path = root / part
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found.extend(
                p
                for p in path.rglob("*")
                if p.is_file()
                and "__pycache__" not in p.parts
                and (not suffixes or p.suffix in suffixes)
            )
    return sorted(found)


def _files_digest(root: Path, files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _text_digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def landed_data_digest(warehouse: Path) -> str:
    """The identity of the raw data: every load log row and each raw table's row count."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        log = con.execute("select * from raw.load_log order by all").fetchall()
        tables = [
            row[0]
            for row in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'raw' order by 1"
            ).fetchall()
        ]
        counts = {
            table: con.execute(f'select count(*) from raw."{table}"').fetchone()[0]
            for table in tables
        }
    return _text_digest({"load_log": log, "rows": counts})


def dbt_env_digest(project_files: list[Path]) -> str:
    """The values of every environment variable the dbt project reads (`env_var(...)`),
    hashed: a different salt, memory limit or target is a different build."""
    names = set()
    for path in project_files:
        if path.suffix in (".sql", ".yml", ".yaml"):
            names.update(_ENV_VAR.findall(path.read_text(errors="replace")))
    # The run window the dbt step itself sets for the tests on history (dbt_cli.py), like
    # the var test_rows_since: which rows the tests check, not what the build makes.
    names.discard(ROWS_SINCE_ENV)
    # The scoring date the dbt step sets from the run's settings: its own part below.
    names.discard(SCORING_DATE_ENV)
    # Unset, empty and the default are one value (the runner exports the defaults).
    defaults = {setting.env: setting.default for setting in settings.RUN_SETTINGS.values()}
    return _text_digest(
        {name: os.environ.get(name) or defaults.get(name, "") for name in sorted(names)}
    )


def _versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for package in VERSIONED_PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = None
    return found


@dataclass(frozen=True)
class Fingerprint:
    parts: dict[str, str]

    def to_json(self) -> str:
        return json.dumps(self.parts, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> Fingerprint | None:
        if not text:
            return None
        try:
            parts = json.loads(text)
        except json.JSONDecodeError:
            return None
        if not isinstance(parts, dict) or set(parts) != set(PART_NAMES):
            return None
        return cls({str(k): str(v) for k, v in parts.items()})

    def changed(self, other: Fingerprint) -> list[str]:
        """The parts that differ from `other`, by their names for people."""
        return [PART_NAMES[p] for p in PART_NAMES if self.parts.get(p) != other.parts.get(p)]


def current_fingerprint(
    warehouse: Path,
    dbt_vars: dict[str, Any],
    project_dir: Path = settings.PROJECT_DIR,
) -> Fingerprint:
    """What a build now would use. `dbt_vars`: the run's overrides on top of
    dbt_project.yml (ABM_DBT_VARS, ABM_AS_OF, a backfill's date), without the
    test scoping var, which only narrows which history rows the tests check."""
    project_files = _files(project_dir, DBT_PROJECT_PARTS)
    code_files = _files(project_dir, CODE_PARTS, (".py", ".yaml", ".yml"))
    overrides = {k: v for k, v in dbt_vars.items() if k != "test_rows_since"}
    scoring = str(overrides.get("as_of_date") or "") or "the latest event date in the data"
    return Fingerprint(
        {
            "landed_data": landed_data_digest(warehouse),
            "dbt_project": _files_digest(project_dir, project_files),
            "dbt_vars": _text_digest(overrides),
            "scoring_date": scoring,
            "dbt_target": os.environ.get("ABM_DBT_TARGET") or "duckdb",
            "dbt_env": dbt_env_digest(project_files),
            "code": _files_digest(project_dir, code_files),
            "versions": _text_digest(_versions()),
        }
    )


def clear_build_record(warehouse: Path) -> None:
    """A build starts: until it succeeds, the warehouse holds no build to trust."""
    if not warehouse.exists():
        return
    with duckdb.connect(str(warehouse)) as con:
        con.execute(f"drop table if exists {BUILD_TABLE}")


def record_build(warehouse: Path, run_id: str, fingerprint: Fingerprint) -> None:
    """The warehouse now holds a successful build of `fingerprint`, by run `run_id`."""
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            f"create or replace table {BUILD_TABLE} as "
            "select ? as run_id, ? as fingerprint, ? as built_at",
            [run_id, fingerprint.to_json(), datetime.now(UTC).isoformat(timespec="seconds")],
        )


def built_fingerprint(con: duckdb.DuckDBPyConnection, database: str = "") -> tuple[str, str]:
    """(run_id, fingerprint JSON) of the warehouse's last successful build, or ('', '')."""
    prefix = f"{database}." if database else ""
    try:
        row = con.execute(f"select run_id, fingerprint from {prefix}{BUILD_TABLE}").fetchone()
    except duckdb.Error:
        return "", ""
    return (row[0] or "", row[1] or "") if row else ("", "")


@dataclass(frozen=True)
class Decision:
    build: bool
    reason: str
    published_at: str = ""

    @property
    def message(self) -> str:
        if self.build:
            return f"dbt build: {self.reason}"
        return f"nothing new since {self.published_at}: the published marts stay as they are"


def _published(serving: Path) -> tuple[str, str, str]:
    """(published_at, run_id, fingerprint JSON) of the serving file's publication."""
    with duckdb.connect(str(serving), read_only=True) as con:
        columns = {
            row[0]
            for row in con.execute(
                "select column_name from duckdb_columns() "
                "where schema_name = 'marts' and table_name = '_publication'"
            ).fetchall()
        }
        if PUBLICATION_COLUMN not in columns:
            return "", "", ""
        row = con.execute(
            f"select published_at, run_id, {PUBLICATION_COLUMN} from {PUBLICATION_TABLE}"
        ).fetchone()
    return tuple(str(value or "") for value in row) if row else ("", "", "")  # type: ignore[return-value]


def decide(
    current: Fingerprint,
    warehouse: Path,
    serving: Path,
    force: bool,
    holds_publication: Callable[[str], bool] | None = None,
) -> Decision:
    """Build unless the last publication was built from `current` by the build the
    warehouse holds; anything unreadable means build. `holds_publication(run_id)`: whether
    the other publication targets (Postgres) hold that publication too; when one does
    not (its last publication failed), the run builds and publishes again."""
    if force:
        return Decision(True, "ABM_FORCE_REBUILD is set")
    if not serving.exists():
        return Decision(True, "nothing has been published yet")
    try:
        published_at, published_run, published_json = _published(serving)
        with duckdb.connect(str(warehouse), read_only=True) as con:
            built_run, built_json = built_fingerprint(con)
    except (duckdb.Error, OSError) as error:
        return Decision(True, f"the last publication could not be compared ({error})")
    published = Fingerprint.from_json(published_json)
    if published is None:
        return Decision(True, "the last publication records no build fingerprint")
    changed = current.changed(published)
    if changed:
        since = f"changed since the publication of {published_at}: "
        return Decision(True, since + ", ".join(changed))
    if built_run != published_run or Fingerprint.from_json(built_json) != published:
        return Decision(True, "the warehouse's last build is not the published one")
    if holds_publication is not None and not holds_publication(published_run):
        return Decision(True, "Postgres does not hold the last publication")
    return Decision(False, "nothing changed", published_at)
