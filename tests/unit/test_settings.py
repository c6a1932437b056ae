"""Settings in one place: each a documented environment variable, shown to Dagster as an
EnvVar, and every check reads the vars of the run it checks."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.defs.checks import tier_drift_since_last_publication
from orchestration.defs.resources import AbmSettings
from orchestration.lib import settings
from orchestration.lib.dbt_cli import SCORING_DATE_ENV, dbt_build_args, dbt_build_env, run_vars

PROJECT_DIR = Path(__file__).resolve().parents[2]
RAISED = '{"tiers_capacity": {"tier_1": 40, "tier_2": 150, "tier_3": 600}}'


def test_every_run_setting_is_an_env_var_of_the_resource(monkeypatch: pytest.MonkeyPatch) -> None:
    for setting in settings.RUN_SETTINGS.values():
        monkeypatch.delenv(setting.env, raising=False)
    resource = AbmSettings.from_env()
    readme = (PROJECT_DIR / "README.md").read_text()
    for name, setting in settings.RUN_SETTINGS.items():
        value = getattr(resource, name)
        assert isinstance(value, dg.EnvVar) and value.env_var_name == setting.env
        assert f"`{setting.env}`" in readme, f"{setting.env} is not documented"
        # Dagster's EnvVar has no default: an unset variable gets its default exported.
        assert value.get_value() == setting.default


def test_the_lake_is_one_absolute_folder_under_the_project(monkeypatch: pytest.MonkeyPatch) -> None:
    for setting in settings.RUN_SETTINGS.values():
        monkeypatch.setenv(setting.env, setting.default)
    monkeypatch.delenv("ABM_LAKE_DIR", raising=False)
    assert settings.lake_dir() == PROJECT_DIR / "data" / "lake"
    # dbt and Spark get it absolute: Derby would resolve a relative one a second time.
    monkeypatch.setenv("ABM_LAKE_DIR", "")
    settings.export_defaults()
    assert os.environ["ABM_LAKE_DIR"] == str(PROJECT_DIR / "data" / "lake")
    monkeypatch.setenv("ABM_LAKE_DIR", "elsewhere/lake")
    settings.export_defaults()
    assert os.environ["ABM_LAKE_DIR"] == str(PROJECT_DIR / "elsewhere" / "lake")


def test_paths_are_relative_to_the_project_and_empty_means_default(tmp_path: Path) -> None:
    resource = AbmSettings(warehouse_path="", landing_dir=str(tmp_path), serving_path="s.duckdb")
    assert resource.warehouse() == PROJECT_DIR / "data" / "warehouse.duckdb"
    assert resource.landing() == tmp_path
    assert resource.serving() == PROJECT_DIR / "s.duckdb"
    assert resource.exports() == PROJECT_DIR / "data" / "exports"
    assert resource.webhook() is None
    assert resource.freshness_limit_days() == 3.0
    assert resource.quarantine_share_limit() == 0.05
    assert resource.field_chars_limit() == 10_000
    with pytest.raises(ValueError, match="between 0 and 1"):
        AbmSettings(max_quarantine_share="5").quarantine_share_limit()


def test_the_run_vars_are_dbt_project_vars_with_the_runs_overrides() -> None:
    defaults = run_vars("", "")
    raised = run_vars(RAISED, "2026-11-23")
    assert raised["tiers_capacity"] == {"tier_1": 40, "tier_2": 150, "tier_3": 600}
    assert raised["tiers_capacity"] != defaults["tiers_capacity"]
    assert raised["as_of_date"] == "2026-11-23"
    assert raised["quality_max_tier_drift_share"] == defaults["quality_max_tier_drift_share"]
    # ABM_AS_OF reaches dbt as the environment's scoring date, not as a command-line var
    # (a new value each day would make dbt re-parse the project); ABM_DBT_VARS naming
    # as_of_date wins; a backfill's date wins over both.
    assert "--vars" not in dbt_build_args("", "2026-11-23")
    assert dbt_build_env(None, "", "2026-11-23")[SCORING_DATE_ENV] == "2026-11-23"
    assert run_vars('{"as_of_date": "2026-01-05"}', "2026-11-23")["as_of_date"] == "2026-01-05"
    scoring = dbt_build_env(None, '{"as_of_date": "2026-01-05"}', "2026-11-23")[SCORING_DATE_ENV]
    assert scoring == "2026-01-05"
    backfill = dbt_build_env(None, '{"as_of_date": "2026-01-05"}', "2026-11-23", "2026-02-01")
    assert backfill[SCORING_DATE_ENV] == "2026-02-01"
    assert dbt_build_env(None, "", "")[SCORING_DATE_ENV] == ""


def _tiers(path: Path, sizes: dict[str, int]) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.account_tiers as select * from (values "
            + ", ".join(
                f"('{tier}_{i}', date '2026-11-23', '{tier}')"
                for tier, n in sizes.items()
                for i in range(n)
            )
            + ") as t(account_id, as_of_date, tier)"
        )


def test_the_drift_check_reads_the_runs_vars(tmp_path: Path) -> None:
    build, serving = tmp_path / "build.duckdb", tmp_path / "serving.duckdb"
    _tiers(serving, {"tier_1": 10, "tier_2": 10})
    _tiers(build, {"tier_1": 16, "tier_2": 10})  # tier_1 grew by 60%, past the default 50%
    base = {"warehouse_path": str(build), "serving_path": str(serving)}
    strict = tier_drift_since_last_publication(abm_settings=AbmSettings(**base))
    assert not strict.passed and "tier_1: 10 -> 16 accounts" in strict.metadata["problems"].value
    assert strict.severity == dg.AssetCheckSeverity.WARN
    loose = AbmSettings(**base, dbt_vars='{"quality_max_tier_drift_share": 0.7}')
    assert tier_drift_since_last_publication(abm_settings=loose).passed
