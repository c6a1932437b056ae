"""A refresh killed mid-build leaves the publication intact and the next run recovers;
SIGTERM stops a run cleanly; two warehouses refresh from one checkout (the second a first
build through `abm run`, which prints progress, the summary and where its log is, of a tiny
sample with CRM data only: the optional sources absent altogether); a BI reader keeps the
whole old publication; repeated runs on the same inputs publish identical marts."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from tests.conftest import PROJECT_DIR, BuiltWarehouse
from tests.integration.deployments import (
    Deployment,
    deploy_copy,
    differing_tables,
    file_digest,
    publication_run_id,
    published_marts,
    tree_digest,
)
from tests.saved_parse import reuse_session_parse

# --- SIGKILL mid-build, recovery, a reader, and identical repeated publications -------


def _session_processes(session_id: int) -> list[tuple[int, str]]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        # fields[0] is the state (a zombie is dead already), fields[3] the session id
        if int(fields[3]) == session_id and fields[0] != "Z":
            found.append((int(entry.name), cmdline))
    return found


def _start_refresh(deployment: Deployment, dagster_home: Path, log: Path) -> subprocess.Popen:
    env = {**os.environ, **deployment.env(), "DAGSTER_HOME": str(dagster_home)}
    return subprocess.Popen(
        [sys.executable, "-m", "orchestration.lib.runner"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


# A user with only CRM data: these sources' folders are absent from the second warehouse.
OPTIONAL_SOURCES = ("enrichment", "intent", "engagement")


def _start_abm_run(root: Path, dagster_home: Path, log: Path) -> subprocess.Popen:
    """`abm run` of a new 300-account sample, CRM data only, into an empty warehouse under
    `root`, in its own process and session, its output a pipe (not a terminal: plain
    progress lines)."""
    from sample_data import generate

    generate(300, 11, root / "landing", root / "truth")
    for source in OPTIONAL_SOURCES:
        shutil.rmtree(root / "landing" / source)
    env = {
        **os.environ,
        "DAGSTER_HOME": str(dagster_home),
        "ABM_LANDING_DIR": str(root / "landing"),
        "ABM_TRUTH_DIR": str(root / "truth"),
        "ABM_WAREHOUSE_PATH": str(root / "warehouse.duckdb"),
        "ABM_SERVING_PATH": str(root / "serving.duckdb"),
        "ABM_EXPORTS_DIR": str(root / "exports"),
        # `abm run` re-parses the project: into its own target folder, never the
        # checkout's target/manifest.json that other pytest workers are reading.
        "DBT_TARGET_PATH": str(root / "target"),
    }
    env.pop("ABM_PLAIN_PROGRESS", None)
    reuse_session_parse(root / "target", env)
    return subprocess.Popen(
        [sys.executable, "-m", "orchestration.lib.cli", "run"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _wait_for_dbt(process: subprocess.Popen) -> bool:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        if any("dbt" in cmd and " build" in cmd for _, cmd in _session_processes(process.pid)):
            time.sleep(5)  # well inside the build: it runs for a minute and more
            return process.poll() is None
        time.sleep(0.2)
    return False


def _signal_and_wait(process: subprocess.Popen, signum: int) -> int:
    os.killpg(process.pid, signum)
    code = process.wait(timeout=180)
    gone_by = time.monotonic() + 60
    while _session_processes(process.pid) and time.monotonic() < gone_by:
        time.sleep(0.1)
    assert not _session_processes(process.pid), "the stopped run left processes behind"
    return code


def _claimed_slots(dagster_home: Path) -> list:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(dagster_home))
        with dg.DagsterInstance.get() as instance:
            storage = instance.event_log_storage
            return [
                slot
                for pool in storage.get_concurrency_keys()
                for slot in storage.get_concurrency_info(pool).claimed_slots
            ]


def _run_statuses(dagster_home: Path) -> dict[str, str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(dagster_home))
        with dg.DagsterInstance.get() as instance:
            return {run.run_id: run.status.value for run in instance.get_runs()}


@pytest.fixture(scope="module")
def killed_then_recovered(built_warehouse: BuiltWarehouse, tmp_path_factory) -> Iterator[dict]:
    """One checkout, one persistent DAGSTER_HOME, as `make run` uses them: a run SIGKILLed
    during dbt, a run SIGTERMed during dbt, then two refreshes of two warehouses started
    20 s apart while a BI reader holds the first one's old serving file: the recovery of
    the killed warehouse, and `abm run` building a tiny CRM-only sample's warehouse from
    nothing."""
    root = tmp_path_factory.mktemp("sigkill")
    deployment = deploy_copy(built_warehouse, root / "deploy")
    other = root / "other"
    other.mkdir()
    dagster_home = root / "dagster_home"
    dagster_home.mkdir()
    shutil.copy2(PROJECT_DIR / "orchestration" / "dagster.yaml", dagster_home / "dagster.yaml")
    before = {
        "serving": file_digest(deployment.serving),
        "exports": tree_digest(deployment.exports),
        "run_id": publication_run_id(deployment.serving),
    }
    killed = _start_refresh(deployment, dagster_home, root / "killed.log")
    killed_mid_run = _wait_for_dbt(killed)
    _signal_and_wait(killed, signal.SIGKILL)
    after_kill = {
        "serving": file_digest(deployment.serving),
        "exports": tree_digest(deployment.exports),
        "run_id": publication_run_id(deployment.serving),
    }
    slots_after_kill = _claimed_slots(dagster_home)
    terminated = _start_refresh(deployment, dagster_home, root / "terminated.log")
    terminated_mid_run = _wait_for_dbt(terminated)
    terminated_code = _signal_and_wait(terminated, signal.SIGTERM)
    # A BI user keeps the last publication open while the recovery run rebuilds and publishes.
    reader = duckdb.connect(str(deployment.serving), read_only=True)
    try:
        recovery = _start_refresh(deployment, dagster_home, root / "recovery.log")
        time.sleep(20)
        second = _start_abm_run(other, dagster_home, root / "other.log")
        codes = {"recovery": recovery.wait(timeout=1200), "other": second.wait(timeout=1200)}
        reader_run_id = reader.execute("select run_id from marts._publication").fetchone()[0]
        reader_rows = reader.execute("select count(*) from marts.account_tiers").fetchone()[0]
    finally:
        reader.close()
    yield {
        "deployment": deployment,
        "other": other,
        "dagster_home": dagster_home,
        "logs": {p.stem: p.read_text() for p in root.glob("*.log")},
        "killed_mid_run": killed_mid_run,
        "terminated_mid_run": terminated_mid_run,
        "terminated_code": terminated_code,
        "slots_after_kill": slots_after_kill,
        "before": before,
        "after_kill": after_kill,
        "codes": codes,
        "reader_run_id": reader_run_id,
        "reader_rows": reader_rows,
    }


def test_sigkill_mid_build_leaves_the_publication_intact(killed_then_recovered) -> None:
    state = killed_then_recovered
    assert state["killed_mid_run"]
    assert state["after_kill"] == state["before"]
    # The dead run still holds its slot: this is what used to hang every later refresh.
    assert [slot.step_key for slot in state["slots_after_kill"]] == ["abm_dbt_models"]


def test_the_next_run_frees_a_killed_runs_slot(killed_then_recovered) -> None:
    state = killed_then_recovered
    dead_run = state["slots_after_kill"][0].run_id
    assert f"marked dead run {dead_run} failed" in state["logs"]["terminated"]
    assert _run_statuses(state["dagster_home"])[dead_run] == "FAILURE"


def test_sigterm_stops_a_run_cleanly(killed_then_recovered) -> None:
    state = killed_then_recovered
    assert state["terminated_mid_run"]
    assert state["terminated_code"] == 1
    log = state["logs"]["terminated"]
    assert "stopped by SIGTERM or Ctrl-C before it finished" in log
    assert "result: FAILED - nothing was published" in log


def test_the_run_after_a_kill_completes_and_publishes(killed_then_recovered) -> None:
    state = killed_then_recovered
    assert state["codes"]["recovery"] == 0, state["logs"]["recovery"][-3000:]
    assert "result: PUBLISHED" in state["logs"]["recovery"]
    assert publication_run_id(state["deployment"].serving) != state["before"]["run_id"]
    assert _claimed_slots(state["dagster_home"]) == []


def test_two_refreshes_of_two_warehouses_from_one_checkout_both_finish(
    killed_then_recovered,
) -> None:
    state = killed_then_recovered
    assert state["codes"]["other"] == 0, state["logs"]["other"][-3000:]
    statuses = _run_statuses(state["dagster_home"])
    # Only the killed and the terminated run failed: no live run was marked failed.
    assert sorted(statuses.values()) == ["FAILURE", "FAILURE", "SUCCESS", "SUCCESS"]
    assert "marked dead run" not in state["logs"]["other"]


def test_a_reader_holding_the_serving_file_keeps_the_whole_old_publication(
    killed_then_recovered, built_warehouse
) -> None:
    state = killed_then_recovered
    assert state["reader_run_id"] == state["before"]["run_id"]
    with duckdb.connect(str(built_warehouse.serving_path), read_only=True) as con:
        published_rows = con.execute("select count(*) from marts.account_tiers").fetchone()[0]
    assert state["reader_rows"] == published_rows


def test_two_runs_on_the_same_inputs_publish_identical_marts(
    killed_then_recovered, built_warehouse
) -> None:
    """The session's first build and the recovery run on its copy: same inputs."""
    serving = killed_then_recovered["deployment"].serving
    marts = published_marts(built_warehouse.serving_path)
    assert marts == published_marts(serving)
    assert "account_tiers" in marts
    assert differing_tables(built_warehouse.serving_path, serving, "marts", marts) == {}
    # Byte for byte: a checksum of the exports proves that nothing changed.
    first = built_warehouse.exports_dir
    second = killed_then_recovered["deployment"].exports
    for mart in marts:
        assert file_digest(first / mart / "data.parquet") == file_digest(
            second / mart / "data.parquet"
        ), mart


def test_abm_run_prints_progress_the_summary_and_where_its_log_is(killed_then_recovered) -> None:
    """The second warehouse's `abm run`: a first build of a new sample, output a pipe."""
    out = killed_then_recovered["logs"]["other"]
    assert "  - raw/crm/account: done (" in out, out[-3000:]
    assert re.search(r"    dbt nodes done: [0-9,]+/[0-9,]+", out)
    assert "  - dbt build (staging, intermediate, marts, tests): done (" in out
    assert "  - publish the BI marts: done (" in out
    assert "=== ABM warehouse run summary ===" in out
    assert killed_then_recovered["codes"]["other"] == 0 and "result: PUBLISHED" in out
    log = Path(re.search(r"full log: (\S+\.log)", out).group(1))
    try:
        text = log.read_text()
        assert "STEP_SUCCESS" in text and "abm_dbt_models" in text
        assert "Finished running" in text  # dbt's own lines are in the log, not on stdout
        assert "Finished running" not in out
    finally:
        log.unlink(missing_ok=True)
    with duckdb.connect(str(killed_then_recovered["other"] / "serving.duckdb")) as con:
        assert con.execute("select count(*) from marts.account_tiers").fetchone()[0] > 0


def test_a_crm_only_warehouse_has_empty_but_valid_optional_tables(killed_then_recovered) -> None:
    """The second warehouse's sources were CRM only: its job succeeded (above) and every
    optional source's raw table exists, empty, and so do the staging models over them."""
    warehouse = killed_then_recovered["other"] / "warehouse.duckdb"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for source in OPTIONAL_SOURCES:
            tables = con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'raw' and table_name like ?",
                [f"{source}__%"],
            ).fetchall()
            assert tables, f"raw tables of {source} exist"
            for (table,) in tables:
                assert con.execute(f"select count(*) from raw.{table}").fetchone() == (0,)
        assert con.execute(
            "select count(*) from staging.stg_intent__bombora_surges"
        ).fetchone() == (0,)
        assert con.execute("select count(*) from staging.stg_crm__accounts").fetchone()[0] > 0
