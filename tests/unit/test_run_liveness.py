"""Liveness of refresh runs from their process, and the concise failure reasons."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

from orchestration.lib.dbt_cli import dbt_build_failure, dbt_failure_summary
from orchestration.lib.liveness import (
    PID_START_TAG,
    PID_TAG,
    process_start_time,
    reconcile,
    run_is_alive,
    this_process_tags,
    writer_pool,
)


def _run_with_tags(instance: dg.DagsterInstance, tags: dict[str, str]) -> dg.DagsterRun:
    @dg.op
    def noop() -> None:
        pass

    @dg.job(name="daily_refresh")
    def job() -> None:
        noop()

    run = instance.create_run_for_job(job, tags=tags)
    instance.handle_run_event(
        run.run_id,
        dg.DagsterEvent(
            event_type_value="PIPELINE_START", job_name="daily_refresh", message="started"
        ),
    )
    return instance.get_run_by_id(run.run_id)


def test_a_run_is_alive_while_its_process_lives(tmp_path: Path) -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        tags = this_process_tags(tmp_path / "w.duckdb")
        tags[PID_TAG], tags[PID_START_TAG] = str(child.pid), process_start_time(child.pid)
        with dg.DagsterInstance.ephemeral() as instance:
            run = _run_with_tags(instance, tags)
            assert run_is_alive(run) is True
            child.kill()
            child.wait()
            assert run_is_alive(run) is False
    finally:
        child.kill()


def test_a_reused_pid_is_not_the_same_process(tmp_path: Path) -> None:
    tags = this_process_tags(tmp_path / "w.duckdb")
    tags[PID_START_TAG] = "1"  # this pid, but started at another time: another process
    with dg.DagsterInstance.ephemeral() as instance:
        assert run_is_alive(_run_with_tags(instance, tags)) is False


def test_reconcile_fails_dead_runs_and_leaves_other_warehouses_alone(tmp_path: Path) -> None:
    ours, theirs = tmp_path / "ours.duckdb", tmp_path / "theirs.duckdb"
    with dg.DagsterInstance.ephemeral() as instance:
        dead = _run_with_tags(instance, {**this_process_tags(ours), PID_START_TAG: "1"})
        live_other = _run_with_tags(instance, this_process_tags(theirs))
        live_ours = _run_with_tags(instance, this_process_tags(ours))
        outcome = reconcile(instance, "daily_refresh", ours)
        assert outcome.marked_failed == [dead.run_id]
        assert [run.run_id for run in outcome.live_same_warehouse] == [live_ours.run_id]
        assert instance.get_run_by_id(dead.run_id).status == dg.DagsterRunStatus.FAILURE
        assert instance.get_run_by_id(live_other.run_id).status == dg.DagsterRunStatus.STARTED


def test_each_warehouse_has_its_own_pool(tmp_path: Path) -> None:
    assert writer_pool(tmp_path / "a.duckdb") != writer_pool(tmp_path / "b.duckdb")
    assert writer_pool(tmp_path / "a.duckdb") == writer_pool(
        Path(os.path.relpath(tmp_path)) / "a.duckdb"
    )


def test_dbt_failures_are_summarized_one_line_each() -> None:
    summary = dbt_failure_summary(
        {
            "results": [
                {"unique_id": "model.abm_warehouse.dim_accounts", "status": "success"},
                {
                    "unique_id": "model.abm_warehouse.account_tiers",
                    "status": "error",
                    "message": "Binder Error:\n  column x not found",
                },
                {
                    "unique_id": "test.abm_warehouse.assert_tiers_within_capacity",
                    "status": "fail",
                    "message": "Got 3 results",
                    "failures": 3,
                },
            ]
        }
    )
    lines = summary.splitlines()
    assert lines[0] == "account_tiers: Binder Error: column x not found"
    assert lines[1] == "assert_tiers_within_capacity: Got 3 results (3 failing rows)"
    assert "dbt build -s <name>" in lines[2]


def test_a_dbt_killed_before_its_results_names_its_exit_and_its_log(tmp_path: Path) -> None:
    killed = dbt_build_failure(tmp_path, -9)
    assert "dbt was stopped by signal 9 before writing its results (run_results.json)" in killed
    assert f"Its log: {tmp_path / 'dbt.log'}" in killed
    assert "Nothing was published" in killed
    unparsed = dbt_build_failure(tmp_path, 2)
    assert "dbt exited with code 2 before writing its results" in unparsed
    assert "failed before its first node" in unparsed and "killed from outside" not in unparsed


def test_a_dbt_failure_with_results_lists_the_failing_nodes(tmp_path: Path) -> None:
    results = {
        "results": [
            {"unique_id": "model.abm_warehouse.account_tiers", "status": "error", "message": "boom"}
        ]
    }
    (tmp_path / "run_results.json").write_text(json.dumps(results))
    assert dbt_build_failure(tmp_path, 1).splitlines()[0] == "account_tiers: boom"
