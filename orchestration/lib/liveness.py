"""Which refresh runs are alive, and freeing what dead ones still hold.

The Dagster instance (`DAGSTER_HOME`: runs, concurrency pools) is shared by every run
from one checkout, whatever warehouse each one builds. A run is judged alive from its
process (pid, its start time and the host, recorded in the run's tags when it starts),
never from a file lock; a dead run is marked failed and its pool slots are freed, so a
crash never leaves the next refresh waiting for a slot nobody will give back.
"""

from __future__ import annotations

import hashlib
import os
import socket
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

PID_TAG = "abm/pid"
PID_START_TAG = "abm/pid_start"
HOST_TAG = "abm/host"
WAREHOUSE_TAG = "abm/warehouse"

IN_FLIGHT = (
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.CANCELING,
)


def warehouse_id(warehouse: Path) -> str:
    """A short stable name of a warehouse file: its pool and run tag carry it."""
    return hashlib.sha256(str(Path(warehouse).resolve()).encode()).hexdigest()[:10]


def writer_pool(warehouse: Path) -> str:
    """DuckDB has one writer per file: one concurrency pool (one slot) per warehouse."""
    return f"duckdb_writer_{warehouse_id(warehouse)}"


def process_start_time(pid: int) -> str | None:
    """The kernel's start time of a process (clock ticks since boot), None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    if fields[0] in ("Z", "X"):  # a zombie or a dead task has stopped running
        return None
    return fields[19]


def this_process_tags(warehouse: Path) -> dict[str, str]:
    pid = os.getpid()
    return {
        PID_TAG: str(pid),
        PID_START_TAG: process_start_time(pid) or "",
        HOST_TAG: socket.gethostname(),
        WAREHOUSE_TAG: str(Path(warehouse).resolve()),
    }


def run_is_alive(run: dg.DagsterRun) -> bool | None:
    """True/False from the recorded process; None when the run carries no process tags
    (launched by the daemon: Dagster's run monitoring watches those) or another host."""
    pid = run.tags.get(PID_TAG)
    if not pid or run.tags.get(HOST_TAG) != socket.gethostname():
        return None
    started = process_start_time(int(pid))
    return started is not None and started == run.tags.get(PID_START_TAG)


@dataclass(frozen=True)
class Reconciled:
    marked_failed: list[str]
    slots_freed: list[str]
    live_same_warehouse: list[dg.DagsterRun]


def _free_slots(instance: dg.DagsterInstance, run_id: str) -> None:
    instance.event_log_storage.free_concurrency_slots_for_run(run_id)


def reconcile(instance: dg.DagsterInstance, job_name: str, warehouse: Path) -> Reconciled:
    """Mark dead in-flight runs failed, free slots held by finished runs, report live ones.

    Live runs on another warehouse are none of our business (they have their own pool);
    live or unknown runs on this warehouse are returned so that the caller refuses.
    """
    marked, freed, live = [], [], []
    ours = str(Path(warehouse).resolve())
    runs = instance.get_runs(filters=dg.RunsFilter(job_name=job_name, statuses=list(IN_FLIGHT)))
    for run in runs:
        alive = run_is_alive(run)
        if alive is False:
            instance.report_run_failed(
                run, f"the process running it (pid {run.tags.get(PID_TAG)}) is gone"
            )
            _free_slots(instance, run.run_id)
            marked.append(run.run_id)
        elif run.tags.get(WAREHOUSE_TAG, ours) == ours:
            live.append(run)
    pool = writer_pool(warehouse)
    info = instance.event_log_storage.get_concurrency_info(pool)
    holders = {slot.run_id for slot in info.claimed_slots}
    holders |= {step.run_id for step in info.pending_steps}
    for run_id in sorted(holders - {run.run_id for run in live}):
        record = instance.get_run_by_id(run_id)
        if record is None or record.is_finished:
            _free_slots(instance, run_id)
            freed.append(run_id)
    return Reconciled(marked, freed, live)
