"""Resources: the run's settings (each an environment variable, shown in the UI) and dbt."""

import sys
from collections.abc import Sequence
from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource
from packaging.version import Version
from pydantic import Field

from orchestration.defs.project import dbt_project
from orchestration.lib import dbt_cli, settings
from orchestration.lib.publish_postgres import PostgresTarget, postgres_target
from orchestration.lib.settings import PROJECT_DIR, RUN_SETTINGS


def _field(name: str) -> Any:
    setting = RUN_SETTINGS[name]
    default = f"default {setting.default}" if setting.default else "unset by default"
    return Field(
        default=setting.default, description=f"{setting.env}: {setting.meaning} ({default})."
    )


class AbmSettings(dg.ConfigurableResource):
    """Where a refresh reads and writes, and its switches (README, 'Configuration').

    Every field is an environment variable of the deployment; orchestration/lib/settings.py
    holds the names and defaults. Relative paths are relative to the project folder.
    """

    warehouse_path: str = _field("warehouse_path")
    landing_dir: str = _field("landing_dir")
    serving_path: str = _field("serving_path")
    exports_dir: str = _field("exports_dir")
    crm_dir: str = _field("crm_dir")
    as_of: str = _field("as_of")
    dbt_vars: str = _field("dbt_vars")
    force_rebuild: str = _field("force_rebuild")
    alert_webhook: str = _field("alert_webhook")
    freshness_days: str = _field("freshness_days")
    max_quarantine_share: str = _field("max_quarantine_share")
    max_field_chars: str = _field("max_field_chars")
    pg_host: str = _field("pg_host")
    pg_port: str = _field("pg_port")
    pg_user: str = _field("pg_user")
    pg_password: str = _field("pg_password")
    pg_database: str = _field("pg_database")
    pg_reader_role: str = _field("pg_reader_role")
    pg_reader_password: str = _field("pg_reader_password")
    pg_lock_wait: str = _field("pg_lock_wait")

    @classmethod
    def from_env(cls) -> "AbmSettings":
        settings.export_defaults()
        return cls(**{name: dg.EnvVar(s.env) for name, s in RUN_SETTINGS.items()})

    def warehouse(self) -> Path:
        return settings.warehouse_path(self.warehouse_path)

    def landing(self) -> Path:
        return settings.landing_dir(self.landing_dir)

    def serving(self) -> Path:
        return settings.serving_path(self.serving_path)

    def exports(self) -> Path:
        return settings.exports_dir(self.exports_dir)

    def crm(self) -> Path:
        return settings.crm_dir(self.crm_dir, self.exports())

    def webhook(self) -> str | None:
        return settings.alert_webhook(self.alert_webhook)

    def freshness_limit_days(self) -> float:
        return settings.freshness_days(self.freshness_days)

    def quarantine_share_limit(self) -> float:
        return settings.max_quarantine_share(self.max_quarantine_share)

    def field_chars_limit(self) -> int:
        return settings.max_field_chars(self.max_field_chars)

    def postgres(self) -> PostgresTarget | None:
        """Where the marts are also published; None when ABM_PG_HOST is unset."""
        return postgres_target(
            self.pg_host,
            self.pg_port,
            self.pg_user,
            self.pg_password,
            self.pg_database,
            self.pg_reader_role,
            self.pg_reader_password,
            self.pg_lock_wait,
        )

    def dbt_build_args(self) -> list[str]:
        """The dbt command with the run's vars (the scoring date is in dbt_build_env)."""
        return dbt_cli.dbt_build_args(self.dbt_vars, self.as_of)

    def dbt_build_env(
        self, rows_since: str | None, as_of_date: str | None = None
    ) -> dict[str, str]:
        """The run window for the tests on history tables (unless ABM_DBT_VARS sets it) and
        the scoring date: `as_of_date` (a backfill's partition) wins over ABM_AS_OF and
        ABM_DBT_VARS."""
        return dbt_cli.dbt_build_env(rows_since, self.dbt_vars, self.as_of, as_of_date)

    def run_as_of(self) -> str | None:
        """The scoring date this run's vars set (YYYY-MM-DD), or None: the latest event."""
        value = dbt_cli.dbt_var_overrides(self.dbt_vars, self.as_of).get("as_of_date")
        return (str(value).strip() or None) if value else None

    def forces_rebuild(self) -> bool:
        """ABM_FORCE_REBUILD set: build even when nothing changed since the publication."""
        return bool(self.force_rebuild.strip())

    def run_overrides(self, as_of_date: str | None = None) -> dict[str, Any]:
        """The vars this run gives dbt on top of dbt_project.yml (a backfill's date wins)."""
        overrides = dbt_cli.dbt_var_overrides(self.dbt_vars, self.as_of)
        return {**overrides, "as_of_date": as_of_date} if as_of_date else overrides

    def run_vars(self) -> dict[str, Any]:
        """dbt_project.yml vars with this run's overrides: what dbt built with."""
        return dbt_cli.run_vars(self.dbt_vars, self.as_of)


class DbtCli(DbtCliResource):
    """dagster-dbt's dbt resource without two start-up costs per run that this project
    does not use (~5 CPU-s a run, ~4% of a refresh of the test sample's CPU):
    - it asks the dbt executable its version (a second dbt process): the executable is
      the dbt-core installed beside this interpreter (`dbt_executable` below), so the
      package's version is the answer;
    - it opens a dbt adapter in the Dagster process, used only by dagster-dbt's row-count
      and column-metadata helpers: row counts come from `with_row_counts`
      (orchestration/defs/dbt_assets.py), and no column metadata is fetched.
    Both are dagster-dbt internals of the pinned version (requirements.lock);
    tests/unit/test_orchestration_glue.py fails if they change."""

    @cached_property
    def _cli_version(self) -> Version:
        return Version(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:  # type: ignore[override]
        return None


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(
        resources={
            "abm_settings": AbmSettings.from_env(),
            "dbt": DbtCli(
                project_dir=dbt_project,
                profiles_dir=str(PROJECT_DIR),
                # The dbt beside this interpreter, whether or not the venv is on PATH.
                dbt_executable=str(Path(sys.executable).parent / "dbt"),
                global_config_flags=["--log-level-file", settings.DBT_FILE_LOG_LEVEL.value()],
            ),
        }
    )
