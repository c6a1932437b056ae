"""A failing blocking check stops the publication, the next good run publishes, an
incremental run over stored history equals a full build, and a run with nothing new
skips the build and keeps the publication (a var, scoring date, seed or file change builds)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import PROJECT_DIR, BuiltWarehouse
from tests.integration.deployments import (
    compile_on_copy,
    deploy_copy,
    differing_tables,
    failed_checks,
    file_digest,
    materialized,
    publication_run_id,
    run_refresh,
    tree_digest,
)

# --- a failing blocking check, then an incremental run, against a full build ----------

# Incremental models and the rows of them that a full build on the same inputs must equal:
# the whole weekly intent table, and the latest as-of date of the per-date facts.
INCREMENTAL_LATEST = {
    "int_intent_topic_weeks": ("intermediate", ""),
    "fct_account_snapshots": ("marts", "as_of_date"),
    "account_intent_scores": ("marts", "as_of_date"),
    "account_engagement_scores": ("marts", "as_of_date"),
    "account_journey": ("marts", "as_of_date"),
}
# Staging models incremental over append-only raw: whole tables, without the load times
# (each warehouse loaded the files at its own time).
INCREMENTAL_STAGED = (
    "base_crm__accounts",
    "base_crm__contacts",
    "base_crm__leads",
    "base_crm__opportunities",
    "base_crm__tasks",
    "stg_intent__bombora_surges",
    "stg_engagement__activities",
    "stg_enrichment__technologies",
    "stg_enrichment__companies",
)


@pytest.fixture(scope="module")
def withheld_then_delivered(built_warehouse: BuiltWarehouse, tmp_path_factory):
    """Day 1: the last day's files have not landed yet and a blocking dbt test fails.
    Day 2: they land and the rule is fixed: an incremental run over the stored history."""
    deployment = deploy_copy(
        built_warehouse, tmp_path_factory.mktemp("incremental") / "deploy", with_warehouse=False
    )
    anchor = json.loads((built_warehouse.truth_dir / "meta.json").read_text())["anchor_date"]
    withheld = deployment.root / "withheld"
    # Technology deliveries end before the last day: its last file is held back too, so
    # day 2 merges new technology versions into stored ones.
    last_technology = sorted((deployment.landing / "enrichment" / "technology").iterdir())[-1]
    for path in sorted({*deployment.landing.rglob(f"{anchor}_*"), last_technology}):
        target = withheld / path.relative_to(deployment.landing)
        target.parent.mkdir(parents=True, exist_ok=True)
        path.rename(target)
    assert any(withheld.rglob("*"))
    serving_before = file_digest(deployment.serving)
    # No AUC can reach 1.01: the blocking backtest test fails on an otherwise good build.
    failing, _ = run_refresh(deployment, {"ABM_DBT_VARS": '{"icp_backtest_auc_fail_below": 1.01}'})
    serving_after_failure = file_digest(deployment.serving)
    for path in sorted(p for p in withheld.rglob("*") if p.is_file()):
        target = deployment.landing / path.relative_to(withheld)
        shutil.copy2(path, target)
    incremental, _ = run_refresh(deployment)
    return deployment, failing, incremental, serving_before, serving_after_failure


def test_a_failing_blocking_check_stops_the_publication(withheld_then_delivered) -> None:
    _, failing, _, serving_before, serving_after_failure = withheld_then_delivered
    assert not failing.success
    assert "assert_icp_backtest_auc_not_below_fail" in failed_checks(failing)
    assert "serving/publication" not in materialized(failing)
    assert serving_after_failure == serving_before


def test_the_next_good_run_publishes(withheld_then_delivered) -> None:
    deployment, _, incremental, serving_before, _ = withheld_then_delivered
    assert incremental.success, failed_checks(incremental)
    assert "serving/publication" in materialized(incremental)
    assert file_digest(deployment.serving) != serving_before
    assert publication_run_id(deployment.serving) == incremental.run_id


def test_an_incremental_run_equals_a_full_build(withheld_then_delivered, built_warehouse) -> None:
    deployment, *_ = withheld_then_delivered
    with duckdb.connect(str(deployment.warehouse), read_only=True) as con:
        dates = con.execute(
            "select count(distinct as_of_date) from marts.account_intent_scores"
        ).fetchone()[0]
    assert dates == 2  # day 1 and day 2 are both stored: day 2 really ran incrementally
    differences = {}
    for model, (schema, date_column) in INCREMENTAL_LATEST.items():
        where = (
            f'where {date_column} = (select max({date_column}) from l.{schema}."{{table}}")'
            if date_column
            else ""
        )
        differences |= differing_tables(
            deployment.warehouse, built_warehouse.warehouse_path, schema, [model], where
        )
    differences |= differing_tables(
        deployment.warehouse,
        built_warehouse.warehouse_path,
        "staging",
        list(INCREMENTAL_STAGED),
        exclude=("_loaded_at",),
    )
    assert differences == {}


def test_the_logic_version_does_not_change_with_the_day(withheld_then_delivered, tmp_path) -> None:
    """The one version the day-2 run stored is the version dbt renders for another scoring
    date and test window (were it to change with the day, every daily run would stage all
    of raw again)."""
    from orchestration.lib.dbt_cli import ROWS_SINCE_ENV, SCORING_DATE_ENV

    deployment, *_ = withheld_then_delivered
    copy, compiled_dir = compile_on_copy(
        deployment.warehouse,
        tmp_path,
        list(INCREMENTAL_STAGED),
        {SCORING_DATE_ENV: "2031-01-15", ROWS_SINCE_ENV: "2030-12-01"},
    )
    with duckdb.connect(str(copy), read_only=True) as con:
        for model in INCREMENTAL_STAGED:
            stored = con.execute(f"select distinct logic_version from staging.{model}").fetchall()
            compiled = next(compiled_dir.glob(f"**/{model}.sql")).read_text()
            assert len(stored) == 1, (model, stored)
            assert f"'{stored[0][0]}' as logic_version" in compiled, model


def test_a_seed_change_restages_what_reads_it_and_only_that(
    withheld_then_delivered, tmp_path: Path
) -> None:
    """Stored staged rows altered as other logic would have made them, then an incremental
    build with nothing new landed in a project copy whose industry map differs: Bombora
    (reads the map) is staged again from raw; activities (does not) keep their rows; a
    technology table from before logic versions (no lineage columns) is rebuilt."""
    from orchestration.lib.build_fingerprint import DBT_PROJECT_PARTS

    deployment, *_ = withheld_then_delivered
    project = tmp_path / "project"
    for part in DBT_PROJECT_PARTS:
        source = PROJECT_DIR / part
        if source.is_dir():
            shutil.copytree(source, project / part)
        elif source.is_file():
            shutil.copy2(source, project / part)
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy2(deployment.warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        key, industry = con.execute(
            "select lower(trim(industry_raw)), industry from staging.stg_intent__bombora_surges "
            "where industry is not null order by 1 limit 1"
        ).fetchone()
        con.execute("update staging.stg_intent__bombora_surges set composite_score = -1")
        con.execute("update staging.stg_engagement__activities set channel = 'stale'")
        activities = con.execute(
            "select count(*) from staging.stg_engagement__activities"
        ).fetchone()[0]
        # A table staged before logic versions and lineage columns (an upgraded deployment).
        technologies = con.execute(
            "select count(*) from staging.stg_enrichment__technologies"
        ).fetchone()[0]
        for column in ("logic_version", "_loaded_at", "_source_file", "_row_number"):
            con.execute(f"alter table staging.stg_enrichment__technologies drop column {column}")
    seed = project / "seeds" / "industry_map.csv"
    lines = seed.read_text().splitlines()
    assert f"{key},{industry}" in lines
    seed.write_text(
        "\n".join(f"{key},Renamed" if ln == f"{key},{industry}" else ln for ln in lines) + "\n"
    )
    env = {
        **os.environ,
        **deployment.env(),
        "ABM_WAREHOUSE_PATH": str(warehouse),
        "DBT_TARGET_PATH": str(tmp_path / "target"),
    }
    build = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "build",
            "--quiet",
            "--profiles-dir",
            str(project),
            "--project-dir",
            str(project),
            "--exclude-resource-type",
            "test",
            "unit_test",
            "-s",
            "industry_map",
            *INCREMENTAL_STAGED,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    with duckdb.connect(str(warehouse), read_only=True) as con:
        bombora = con.execute(
            "select count(*) filter (where composite_score = -1), "
            "count(*) filter (where lower(trim(industry_raw)) = ? and industry = 'Renamed'), "
            "count(*) filter (where lower(trim(industry_raw)) = ? and industry <> 'Renamed') "
            "from staging.stg_intent__bombora_surges",
            [key, key],
        ).fetchone()
        stale = con.execute(
            "select count(*) from staging.stg_engagement__activities where channel = 'stale'"
        ).fetchone()[0]
        restaged = con.execute(
            "select count(*), count(logic_version), count(_loaded_at) "
            "from staging.stg_enrichment__technologies"
        ).fetchone()
    assert bombora[0] == 0 and bombora[1] > 0 and bombora[2] == 0, bombora
    assert stale == activities  # nothing new, same logic: no stored activity was touched
    assert restaged == (technologies, technologies, technologies)  # rebuilt whole from raw


def test_each_table_materialization_carries_its_row_count(withheld_then_delivered) -> None:
    """dagster/row_count on the run's materializations equals the table's rows after it:
    every raw table an ingest asset loaded and every dbt table, seed and snapshot."""
    from orchestration.definitions import defs

    deployment, _, incremental, *_ = withheld_then_delivered
    # dbt assets name their table (database.schema.table); raw assets are raw/<table>.
    tables = {
        spec.key: ".".join(str(spec.metadata["dagster/table_name"]).split(".")[-2:])
        for spec in defs.resolve_all_asset_specs()
        if "dagster/table_name" in spec.metadata
    }
    reported = {}
    for event in incremental.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        if "dagster/row_count" in materialization.metadata:
            key = materialization.asset_key
            table = tables.get(key, ".".join(key.path))
            reported[table] = materialization.metadata["dagster/row_count"].value
    assert "raw.crm__account" in reported and "marts.account_tiers" in reported
    assert len(reported) > 50  # every table, not a sample
    with duckdb.connect(str(deployment.warehouse), read_only=True) as con:
        stored = {
            name: con.execute(f"select count(*) from {name}").fetchone()[0] for name in reported
        }
    assert reported == stored


# --- nothing new since the last publication: the build and the publication are skipped --


@pytest.fixture(scope="module")
def then_nothing_new(withheld_then_delivered, tmp_path_factory):
    """Day 3: `make run`'s runner again with nothing new landed (a skipped run is cheap)."""
    deployment, _, incremental, *_ = withheld_then_delivered
    assert incremental.success
    serving, exports = file_digest(deployment.serving), tree_digest(deployment.exports)
    dagster_home = tmp_path_factory.mktemp("nothing_new_dh")
    shutil.copy2(PROJECT_DIR / "orchestration" / "dagster.yaml", dagster_home / "dagster.yaml")
    env = {
        **os.environ,
        **deployment.env(),
        "DAGSTER_HOME": str(dagster_home),
        "ABM_PLAIN_PROGRESS": "1",
        "ABM_FORCE_REBUILD": "",
    }
    runner = subprocess.run(
        [sys.executable, "-m", "orchestration.lib.runner"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return deployment, incremental, runner, serving, exports


def test_a_refresh_with_nothing_new_skips_the_build_and_keeps_the_publication(
    then_nothing_new,
) -> None:
    deployment, incremental, runner, serving, exports = then_nothing_new
    assert runner.returncode == 0, runner.stdout + runner.stderr
    assert "nothing new since " in runner.stdout
    assert "the published marts stay as they are" in runner.stdout
    assert "result: UP TO DATE" in runner.stdout
    assert "dbt build (staging, intermediate, marts, tests): done" in runner.stdout
    assert "publish the BI marts: skipped" in runner.stdout
    # Byte-identical: the skipped run wrote neither the serving file nor the exports.
    assert file_digest(deployment.serving) == serving
    assert tree_digest(deployment.exports) == exports
    assert publication_run_id(deployment.serving) == incremental.run_id


def _as_the_deployment(deployment, monkeypatch: pytest.MonkeyPatch) -> None:
    """The deployment's paths, and no var, scoring date or force switch of the caller's."""
    for name, value in deployment.env().items():
        monkeypatch.setenv(name, value)
    for name in ("ABM_DBT_VARS", "ABM_AS_OF", "ABM_FORCE_REBUILD"):
        monkeypatch.setenv(name, "")


def _decision(deployment, project_dir: Path = PROJECT_DIR, warehouse: Path | None = None):
    """What the dbt step of a refresh started now would decide, with this environment."""
    from orchestration.lib import settings
    from orchestration.lib.build_fingerprint import current_fingerprint, decide
    from orchestration.lib.dbt_cli import dbt_var_overrides

    warehouse = warehouse or deployment.warehouse
    current = current_fingerprint(warehouse, dbt_var_overrides(), project_dir)
    force = bool(settings.FORCE_REBUILD.value())
    return decide(current, warehouse, deployment.serving, force)


def test_a_var_change_a_new_scoring_date_or_the_force_switch_builds(
    then_nothing_new, monkeypatch: pytest.MonkeyPatch
) -> None:
    deployment, *_ = then_nothing_new
    _as_the_deployment(deployment, monkeypatch)
    assert not _decision(deployment).build  # the state the skipped run saw
    monkeypatch.setenv("ABM_DBT_VARS", '{"tiers_capacity": {"tier_1": 5, "tier_2": 25}}')
    decision = _decision(deployment)
    assert decision.build and "dbt vars" in decision.reason
    monkeypatch.setenv("ABM_DBT_VARS", "")
    monkeypatch.setenv("ABM_AS_OF", "2030-01-01")
    decision = _decision(deployment)
    assert decision.build and "scoring date" in decision.reason
    monkeypatch.setenv("ABM_AS_OF", "")
    monkeypatch.setenv("ABM_FORCE_REBUILD", "1")
    assert _decision(deployment).reason == "ABM_FORCE_REBUILD is set"


def test_a_seed_edit_builds(then_nothing_new, tmp_path: Path, monkeypatch) -> None:
    """The project copied with one seed row changed: only the dbt project differs."""
    from orchestration.lib.build_fingerprint import CODE_PARTS, DBT_PROJECT_PARTS

    deployment, *_ = then_nothing_new
    _as_the_deployment(deployment, monkeypatch)
    project = tmp_path / "project"
    for part in (*DBT_PROJECT_PARTS, *CODE_PARTS):
        source = PROJECT_DIR / part
        if source.is_dir():
            shutil.copytree(source, project / part, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.is_file():
            (project / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, project / part)
    assert not _decision(deployment, project).build
    seed = sorted((project / "seeds").rglob("*.csv"))[0]
    seed.write_text(seed.read_text() + seed.read_text().splitlines()[-1] + "\n")
    decision = _decision(deployment, project)
    assert decision.build
    assert decision.reason.endswith(
        ": dbt project files (models, macros, seeds, snapshots, tests, yml)"
    )


def test_a_new_landed_file_builds(then_nothing_new, tmp_path: Path, monkeypatch) -> None:
    """A new file ingested into a copy of the warehouse: the landed data differs."""
    from orchestration.lib.ingest import ingest_table

    deployment, *_ = then_nothing_new
    _as_the_deployment(deployment, monkeypatch)
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy2(deployment.warehouse, warehouse)
    landing = tmp_path / "landing"
    accounts = sorted((deployment.landing / "crm" / "account").glob("*.csv"))[-1]
    lines = accounts.read_text().splitlines(keepends=True)
    new_file = landing / "crm" / "account" / "2099-01-01_accounts.csv"
    new_file.parent.mkdir(parents=True)
    new_file.write_text(lines[0] + lines[1])  # one account again, in a new file
    result = ingest_table(warehouse, landing, "crm", "account")
    assert [f.status for f in result.files] == ["loaded"]
    decision = _decision(deployment, warehouse=warehouse)
    assert decision.build and decision.reason.endswith(": landed data (raw tables and load log)")
