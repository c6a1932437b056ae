"""The thin Dagster/publication glue: pure functions with known answers."""

import json
import os
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.defs.ingest_assets import freshness_result
from orchestration.lib.alerts import failure_message, post_alert
from orchestration.lib.dbt_cli import dbt_build_args, environ_set, prune_run_folders
from orchestration.lib.ingest.inventory import landing_fingerprint
from orchestration.lib.publish import bi_marts, publish
from orchestration.lib.runner import RefreshAlreadyRunning, refresh_lock, tally_checks


def test_landing_fingerprint_changes_when_a_file_lands(tmp_path: Path) -> None:
    table_dir = tmp_path / "crm" / "account"
    table_dir.mkdir(parents=True)
    empty = landing_fingerprint(tmp_path)
    (table_dir / "drop1.csv").write_text("id,name,last_modified_date\n")
    first = landing_fingerprint(tmp_path)
    (table_dir / "notes.txt").write_text("not a landed file")
    assert landing_fingerprint(tmp_path) == first
    (table_dir / "drop2.csv.gz").write_bytes(b"\x1f\x8b")
    assert len({empty, first, landing_fingerprint(tmp_path)}) == 3
    assert landing_fingerprint(tmp_path / "missing") == empty


def test_freshness_warns_after_the_limit() -> None:
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    fresh = freshness_result(now - timedelta(days=2, hours=23), now, 3)
    stale = freshness_result((now - timedelta(days=3, hours=1)).replace(tzinfo=None), now, 3)
    never = freshness_result(None, now, 3)
    assert fresh.passed and not stale.passed and not never.passed
    assert stale.severity == dg.AssetCheckSeverity.WARN
    assert stale.metadata["days_since_last_delivery"].value == pytest.approx(3.04, abs=0.01)


def test_tally_separates_failures_from_warnings() -> None:
    key = dg.AssetKey(["marts", "account_tiers"])
    evaluations = [
        dg.AssetCheckEvaluation(asset_key=key, check_name="ok", passed=True),
        dg.AssetCheckEvaluation(
            asset_key=key, check_name="drift", passed=False, severity=dg.AssetCheckSeverity.WARN
        ),
        dg.AssetCheckEvaluation(asset_key=key, check_name="unique", passed=False),
    ]
    tally = tally_checks(evaluations)
    assert tally.passed == 1
    assert tally.warned == ["marts/account_tiers:drift"]
    assert tally.failed == ["marts/account_tiers:unique"]


def test_a_second_refresh_is_refused_while_one_holds_the_lock(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    with (
        refresh_lock(warehouse),
        pytest.raises(RefreshAlreadyRunning, match="another refresh"),
        refresh_lock(warehouse),
    ):
        pass
    with refresh_lock(warehouse):  # released when the first refresh ends
        pass


class _Recorder(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        length = int(self.headers["Content-Length"])
        _Recorder.received.append(json.loads(self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_failure_alert_posts_json_to_the_webhook() -> None:
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/hook"
        status = post_alert(url, failure_message("daily_refresh", "run-1", "dbt test failed"))
        thread.join(timeout=10)
    finally:
        server.server_close()
    assert status == 204
    assert _Recorder.received == [
        {
            "text": "ABM warehouse: run of daily_refresh failed; "
            "the last publication is unchanged.",
            "job": "daily_refresh",
            "run_id": "run-1",
            "error": "dbt test failed",
        }
    ]


def test_bi_marts_are_the_models_tagged_bi(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.json"
    nodes = {
        "model.p.account_tiers": {
            "resource_type": "model",
            "alias": "account_tiers",
            "tags": ["bi"],
        },
        "model.p.int_x": {"resource_type": "model", "alias": "int_x", "tags": []},
        "test.p.t": {"resource_type": "test", "alias": "t", "tags": ["bi"]},
    }
    manifest.write_text(json.dumps({"nodes": nodes}))
    assert bi_marts(manifest) == ["account_tiers"]


def _build(path: Path, tier: str) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists marts")
        con.execute(
            "create or replace table marts.account_tiers as select 'a1' as account_id, ? as tier",
            [tier],
        )


def test_publication_swaps_whole_files_under_a_reader(tmp_path: Path) -> None:
    build, serving, exports = (
        tmp_path / "build.duckdb",
        tmp_path / "serving.duckdb",
        tmp_path / "exports",
    )
    _build(build, "tier_2")
    publish(build, ["account_tiers"], serving, exports, run_id="r1")
    reader = duckdb.connect(str(serving), read_only=True)
    try:
        _build(build, "tier_1")
        second = publish(build, ["account_tiers"], serving, exports, run_id="r2")
        # The reader that held the old file still sees the old, whole publication.
        assert reader.execute("select tier from marts.account_tiers").fetchall() == [("tier_2",)]
    finally:
        reader.close()
    with duckdb.connect(str(serving), read_only=True) as fresh:
        assert fresh.execute("select tier from marts.account_tiers").fetchall() == [("tier_1",)]
        assert fresh.execute("select run_id from marts._publication").fetchone() == ("r2",)
    exported = duckdb.sql(f"select tier from '{exports}/account_tiers/data.parquet'").fetchall()
    assert exported == [("tier_1",)]
    assert second.row_counts == {"account_tiers": 1}
    assert not list(tmp_path.glob(".*staged*"))


def test_a_failed_publication_leaves_the_last_one(tmp_path: Path) -> None:
    build, serving, exports = (
        tmp_path / "build.duckdb",
        tmp_path / "serving.duckdb",
        tmp_path / "exports",
    )
    _build(build, "tier_3")
    publish(build, ["account_tiers"], serving, exports)
    before = serving.read_bytes()
    with pytest.raises(duckdb.CatalogException):
        publish(build, ["account_tiers", "no_such_mart"], serving, exports)
    assert serving.read_bytes() == before
    assert (exports / "account_tiers" / "data.parquet").exists()
    assert not list(tmp_path.glob(".*staged*"))


def test_dbt_vars_from_the_environment_reach_dbt_build(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ABM_DBT_VARS", raising=False)
    monkeypatch.delenv("ABM_AS_OF", raising=False)
    assert dbt_build_args() == ["build", "--exclude-resource-type", "unit_test"]
    monkeypatch.setenv("ABM_DBT_VARS", '{"tiers_hysteresis_runs": 3, "as_of_date": "2026-01-05"}')
    # The scoring date reaches dbt through the environment (dbt_build_env), the rest as vars.
    assert dbt_build_args() == [
        "build",
        "--exclude-resource-type",
        "unit_test",
        "--vars",
        '{"tiers_hysteresis_runs": 3}',
    ]
    with pytest.raises(ValueError, match="ABM_DBT_VARS is not valid JSON"):
        dbt_build_args("{tiers: 3")
    with pytest.raises(ValueError, match="must be a JSON object"):
        dbt_build_args("[1, 2]")


def test_old_per_run_dbt_target_folders_are_pruned(tmp_path: Path) -> None:
    import os

    runs = []
    for age in range(6):
        folder = tmp_path / f"abm_dbt_models-run{age}-x"
        folder.mkdir()
        (folder / "manifest.json").write_text("{}")
        os.utime(folder, (1_000_000 - age, 1_000_000 - age))  # run0 newest
        runs.append(folder)
    other = tmp_path / "partial_parse.msgpack"
    other.write_text("x")
    elsewhere = tmp_path / "dev"
    elsewhere.mkdir()
    current = runs[5]  # the invocation that just ran, whatever its folder's time

    removed = prune_run_folders(current, keep=3)

    assert sorted(removed) == sorted(runs[2:5])
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(
        [
            "abm_dbt_models-run0-x",
            "abm_dbt_models-run1-x",
            "abm_dbt_models-run5-x",
            "partial_parse.msgpack",
            "dev",
        ]
    )


def test_environ_set_gives_values_to_the_block_and_restores_the_old_ones(monkeypatch) -> None:
    monkeypatch.setenv("ABM_TEST_KEPT", "before")
    monkeypatch.delenv("ABM_TEST_NEW", raising=False)
    with environ_set({"ABM_TEST_KEPT": "inside", "ABM_TEST_NEW": "1"}):
        assert (os.environ["ABM_TEST_KEPT"], os.environ["ABM_TEST_NEW"]) == ("inside", "1")
    assert os.environ["ABM_TEST_KEPT"] == "before"
    assert "ABM_TEST_NEW" not in os.environ


def test_the_dbt_resource_knows_the_dbt_version_without_running_dbt() -> None:
    """DbtCli overrides two dagster-dbt internals. If dagster-dbt renamed them, or its
    `cli()` stopped going through them, the overrides would stop applying silently: both
    are checked against dagster-dbt's own code. The version DbtCli assumes is the one the
    dbt executable it runs reports."""
    import inspect
    import subprocess
    import sys

    from dagster_dbt import DbtCliResource

    from orchestration.defs.resources import DbtCli
    from orchestration.lib.settings import PROJECT_DIR

    cli_source = inspect.getsource(DbtCliResource.cli)
    for name in ("_cli_version", "_initialize_dbt_core_adapter"):
        assert name in vars(DbtCliResource), f"dagster-dbt no longer has {name}"
        assert f"self.{name}" in cli_source, f"DbtCliResource.cli no longer uses {name}"
    dbt = DbtCli(
        project_dir=str(PROJECT_DIR), dbt_executable=str(Path(sys.executable).parent / "dbt")
    )
    reported = subprocess.run(
        [dbt.dbt_executable, "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert f"installed: {dbt._cli_version}" in reported
