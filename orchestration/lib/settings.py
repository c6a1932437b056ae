"""Every setting the warehouse reads from the environment: its variable, default and meaning.

This is the one place. Library code and the `make run` runner call the functions below;
Dagster shows the same settings as the resource `abm_settings`
(`orchestration/defs/resources.py`), one `EnvVar` field each, so the UI says where every
value comes from. dbt reads `ABM_WAREHOUSE_PATH` and `ABM_AS_OF` itself too
(`profiles.yml`, `dbt_project.yml`), with the same defaults, as it does `ABM_PII_SALT`,
`ABM_DUCKDB_MEMORY_LIMIT` and `ABM_DBT_TARGET`. An unset or empty variable means its
default; relative paths are relative to the project folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Setting:
    env: str
    default: str
    meaning: str

    def value(self, raw: str | None = None) -> str:
        """`raw` (a value the caller already holds), else the environment; empty: default."""
        if raw is None:
            raw = os.environ.get(self.env)
        return raw or self.default


WAREHOUSE_PATH = Setting(
    "ABM_WAREHOUSE_PATH", "data/warehouse.duckdb", "the build warehouse (DuckDB)"
)
LANDING_DIR = Setting("ABM_LANDING_DIR", "data/landing", "where landed files are read")
SERVING_PATH = Setting(
    "ABM_SERVING_PATH",
    "data/serving.duckdb",
    "the published DuckDB file BI reads, replaced whole by each successful publication",
)
EXPORTS_DIR = Setting(
    "ABM_EXPORTS_DIR", "data/exports", "the published Parquet exports, <mart>/data.parquet"
)
CRM_DIR = Setting(
    "ABM_CRM_DIR",
    "",
    "the CRM write-back files and the values last written (empty: a folder crm beside "
    "ABM_EXPORTS_DIR, which each publication replaces whole)",
)
AS_OF = Setting(
    "ABM_AS_OF", "", "the scoring date, YYYY-MM-DD (empty: the latest event date in the data)"
)
DBT_VARS = Setting(
    "ABM_DBT_VARS", "", "a JSON object of dbt vars for one run, on top of dbt_project.yml"
)
FORCE_REBUILD = Setting(
    "ABM_FORCE_REBUILD",
    "",
    "1 (any value): build and publish even when nothing changed since the last publication",
)
ALERT_WEBHOOK = Setting(
    "ABM_ALERT_WEBHOOK",
    "",
    "a URL that gets a short JSON message when a refresh fails, and after a publication "
    "that moved accounts (new tier 1, newly surging targets, demotions)",
)
FRESHNESS_DAYS = Setting(
    "ABM_FRESHNESS_DAYS", "3", "a feed that has not delivered a file for longer warns"
)
MAX_QUARANTINE_SHARE = Setting(
    "ABM_MAX_QUARANTINE_SHARE",
    "0.05",
    "a landed file with more bad rows than this share is rejected whole",
)
MAX_FIELD_CHARS = Setting(
    "ABM_MAX_FIELD_CHARS",
    "10000",
    "a row with a longer value is quarantined (no contract column is free text)",
)
INGEST_VALIDATION = Setting(
    "ABM_INGEST_VALIDATION",
    "sql",
    "how landed files are checked against their GX suites: sql (the suites compiled to "
    "DuckDB SQL, set-based over the whole file) or gx (GX itself on pandas chunks)",
)
INGEST_MEMORY_LIMIT = Setting(
    "ABM_INGEST_MEMORY_LIMIT",
    "2GB",
    "DuckDB's memory limit while ingestion reads and checks a file (a DuckDB size, "
    "e.g. 2GB); past it the file spills to a temp folder",
)
DBT_FILE_LOG_LEVEL = Setting(
    "ABM_DBT_FILE_LOG_LEVEL",
    "info",
    "the level of dbt's own log file (dbt.log in target/abm_dbt_models-*/): info names "
    "every node and error; debug adds every SQL statement, at about a tenth more dbt CPU; "
    "none writes no file",
)
SCHEDULE_CRON = Setting("ABM_SCHEDULE_CRON", "0 6 * * *", "when the daily refresh runs")
SCHEDULE_TIMEZONE = Setting(
    "ABM_SCHEDULE_TIMEZONE", "UTC", "the time zone of ABM_SCHEDULE_CRON"
)
BACKFILL_START = Setting(
    "ABM_BACKFILL_START",
    "2025-01-01",
    "the first scoring date (YYYY-MM-DD) the backfill job offers as a daily partition",
)
# Postgres serving (orchestration/lib/publish_postgres.py); the same names as the
# `postgres` target in profiles.yml. Unset ABM_PG_HOST: no Postgres publication.
PG_HOST = Setting(
    "ABM_PG_HOST",
    "",
    "the Postgres host (or socket folder) the BI marts are also published to; "
    "unset: no Postgres publication",
)
PG_PORT = Setting("ABM_PG_PORT", "5432", "the Postgres port")
PG_USER = Setting(
    "ABM_PG_USER", "abm", "the Postgres user that publishes (owns schema marts, CREATEROLE)"
)
PG_PASSWORD = Setting("ABM_PG_PASSWORD", "", "that user's password (a secret)")
PG_DATABASE = Setting("ABM_PG_DATABASE", "abm", "the Postgres database")
PG_READER_ROLE = Setting(
    "ABM_PG_READER_ROLE",
    "abm_bi",
    "the read-only role BI connects as: USAGE on schema marts and SELECT on its tables",
)
PG_READER_PASSWORD = Setting(
    "ABM_PG_READER_PASSWORD",
    "",
    "when set, the reader role can log in with it (else it is created NOLOGIN)",
)
# The `spark` dbt target's lake (profiles.yml, README "Running on Spark"). Not a Dagster
# resource field: export_defaults() pins it to its absolute path for dbt and Spark.
LAKE_DIR = Setting(
    "ABM_LAKE_DIR",
    "data/lake",
    "the lake of the `spark` target: the raw layer as Parquet (raw/), Spark's tables "
    "(spark-warehouse/) and its Derby metastore (metastore_db/)",
)
# Not a Dagster resource field either: a test's switch, never a refresh's default.
SKIP_DBT_TESTS = Setting(
    "ABM_SKIP_DBT_TESTS",
    "",
    "1: the dbt build leaves out its data tests (their asset checks do not run); only "
    "for trying a build by hand, never for a refresh that publishes",
)
# Also a test's switch: the Spark side of the sameness test keeps a few seeds' tests, so
# the refresh itself shows that the Spark job runs its dbt tests as checks.
DBT_TEST_EXCLUDE = Setting(
    "ABM_DBT_TEST_EXCLUDE",
    "",
    "dbt selection criteria, space-separated as `--exclude` takes them, of the data "
    "tests the dbt build leaves out (each is intersected with resource_type:test: only "
    "tests are left out); only for the Spark side of the sameness test",
)
PG_LOCK_WAIT = Setting(
    "ABM_PG_LOCK_WAIT",
    "60",
    "seconds the Postgres swap waits for open reader transactions before it fails",
)


def project_path(value: str) -> Path:
    path = Path(value)
    return path if path.is_absolute() else PROJECT_DIR / path


def warehouse_path(raw: str | None = None) -> Path:
    return project_path(WAREHOUSE_PATH.value(raw))


def landing_dir(raw: str | None = None) -> Path:
    return project_path(LANDING_DIR.value(raw))


def lake_dir(raw: str | None = None) -> Path:
    """The lake folder, absolute (a relative ABM_LAKE_DIR is under the project folder)."""
    return project_path(LAKE_DIR.value(raw))


def serving_path(raw: str | None = None) -> Path:
    return project_path(SERVING_PATH.value(raw))


def exports_dir(raw: str | None = None) -> Path:
    return project_path(EXPORTS_DIR.value(raw))


def crm_dir(raw: str | None = None, exports: Path | None = None) -> Path:
    """The CRM write-back folder: ABM_CRM_DIR, else `crm` beside the exports folder."""
    value = CRM_DIR.value(raw)
    if value:
        return project_path(value)
    return (exports or exports_dir()).parent / "crm"


def alert_webhook(raw: str | None = None) -> str | None:
    return ALERT_WEBHOOK.value(raw) or None


def freshness_days(raw: str | None = None) -> float:
    return float(_number(FRESHNESS_DAYS, raw))


def _number(setting: Setting, raw: str | None) -> str:
    return setting.value(raw).strip() or setting.default


def max_quarantine_share(raw: str | None = None) -> float:
    """Above this share of bad rows a landed file is rejected whole."""
    value = _number(MAX_QUARANTINE_SHARE, raw)
    share = float(value)
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"ABM_MAX_QUARANTINE_SHARE must be between 0 and 1, got {value!r}")
    return share


def max_field_chars(raw: str | None = None) -> int:
    """A row with a longer value than this is quarantined."""
    value = _number(MAX_FIELD_CHARS, raw)
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"ABM_MAX_FIELD_CHARS must be a positive whole number, got {value!r}")
    return int(value)


def ingest_validation(raw: str | None = None) -> str:
    """'sql' or 'gx': which path checks landed files against their suites."""
    value = _number(INGEST_VALIDATION, raw).lower()
    if value not in ("sql", "gx"):
        raise ValueError(f"ABM_INGEST_VALIDATION must be sql or gx, got {value!r}")
    return value


def ingest_memory_limit(raw: str | None = None) -> str:
    return _number(INGEST_MEMORY_LIMIT, raw)


# The settings a refresh run reads, by the field name the Dagster resource gives them.
RUN_SETTINGS = {
    "warehouse_path": WAREHOUSE_PATH,
    "landing_dir": LANDING_DIR,
    "serving_path": SERVING_PATH,
    "exports_dir": EXPORTS_DIR,
    "crm_dir": CRM_DIR,
    "as_of": AS_OF,
    "dbt_vars": DBT_VARS,
    "force_rebuild": FORCE_REBUILD,
    "alert_webhook": ALERT_WEBHOOK,
    "freshness_days": FRESHNESS_DAYS,
    "max_quarantine_share": MAX_QUARANTINE_SHARE,
    "max_field_chars": MAX_FIELD_CHARS,
    "pg_host": PG_HOST,
    "pg_port": PG_PORT,
    "pg_user": PG_USER,
    "pg_password": PG_PASSWORD,
    "pg_database": PG_DATABASE,
    "pg_reader_role": PG_READER_ROLE,
    "pg_reader_password": PG_READER_PASSWORD,
    "pg_lock_wait": PG_LOCK_WAIT,
}


def skip_dbt_tests(raw: str | None = None) -> bool:
    return SKIP_DBT_TESTS.value(raw).strip().lower() in ("1", "true", "yes")


def dbt_test_exclusions(raw: str | None = None) -> list[str]:
    """ABM_DBT_TEST_EXCLUDE's criteria, each limited to data tests."""
    return [f"resource_type:test,{criterion}" for criterion in DBT_TEST_EXCLUDE.value(raw).split()]


def leaves_out_dbt_tests() -> bool:
    """The build runs without some or all of its data tests (a test's switch is set)."""
    return skip_dbt_tests() or bool(dbt_test_exclusions())


def export_defaults() -> None:
    """Give every unset (or empty) run setting its default in this process's environment.

    Dagster's `EnvVar` has no default of its own (an unset variable fails the run), and
    dbt, a child process, then sees the very values the resource shows.
    """
    for setting in RUN_SETTINGS.values():
        if not os.environ.get(setting.env):
            os.environ[setting.env] = setting.default
    # Absolute, resolved here once: Spark and its Derby metastore (profiles.yml) would
    # resolve a relative lake against their own working folders (once more for Derby).
    os.environ[LAKE_DIR.env] = str(lake_dir())
