"""Dagster's run monitoring as orchestration/dagster.yaml configures it, and a SIGKILLed
run worker under the real daemon: the run is marked failed and nothing waits for it.

Which part of Dagster fails a dead run depends on how it was launched (README,
"Crashes and stops"): with the default run launcher the code server that started the
run worker fails it as soon as the worker dies; the monitoring daemon fails runs stuck
STARTING or CANCELING past their timeouts (the default launcher cannot report a worker's
health, so it never resumes one: max_resume_run_attempts 0). `make run` runs in its own
process, outside any code server: the runner's own dead-run rule
(orchestration/lib/liveness.py, tests/unit/test_run_liveness.py) covers those.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from tests.conftest import PROJECT_DIR

DAGSTER_YAML = PROJECT_DIR / "orchestration" / "dagster.yaml"

# A job whose only op records its process id and then waits to be killed; in-process
# executor, so the op's process is the run worker itself.
SLEEPY_JOB = """
import os
import time
from pathlib import Path

import dagster as dg


@dg.op(config_schema={"pid_file": str})
def wait_for_the_kill(context: dg.OpExecutionContext) -> None:
    Path(context.op_config["pid_file"]).write_text(str(os.getpid()))
    time.sleep(600)


# The tag the refresh job carries: dagster.yaml runs one such run per value at a time.
@dg.job(executor_def=dg.in_process_executor, tags={"abm/refresh": "one-warehouse"})
def sleepy() -> None:
    wait_for_the_kill()


defs = dg.Definitions(jobs=[sleepy])
"""


def _instance(home: Path) -> dg.DagsterInstance:
    return dg.DagsterInstance.from_config(str(home))


def _dagster_home(root: Path) -> Path:
    home = root / "dagster_home"
    home.mkdir()
    shutil.copy2(DAGSTER_YAML, home / "dagster.yaml")
    return home


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def test_run_monitoring_is_on_with_the_documented_settings(tmp_path: Path) -> None:
    with _instance(_dagster_home(tmp_path)) as instance:
        assert instance.run_monitoring_enabled
        assert instance.run_monitoring_start_timeout_seconds == 180
        assert instance.run_monitoring_cancel_timeout_seconds == 180
        assert instance.run_monitoring_max_resume_run_attempts == 0
        assert instance.run_monitoring_settings["poll_interval_seconds"] == 60
        # The default launcher cannot check a worker's health, hence no resume attempts:
        # the code server that started the worker fails its run when the worker dies.
        assert type(instance.run_launcher).__name__ == "DefaultRunLauncher"
        assert not instance.run_launcher.supports_check_run_worker_health
        # The queue (tag limit abm/refresh) needs the daemon, which runs the monitoring too.
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """`dagster-daemon run` on our dagster.yaml with a one-job workspace, as deployed."""
    home = _dagster_home(tmp_path)
    (tmp_path / "sleepy.py").write_text(SLEEPY_JOB)
    (tmp_path / "workspace.yaml").write_text("load_from:\n  - python_file: sleepy.py\n")
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "dagster-daemon"), "run", "-w", "workspace.yaml"],
        cwd=tmp_path,
        env=env,
        stdout=(tmp_path / "daemon.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield home, tmp_path
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _launch(home: Path, root: Path, name: str) -> Path:
    """Submit a run to the queue as the UI, the schedule or the sensor would; the daemon
    dequeues it and the default launcher starts it in a code server's run worker."""
    pid_file = root / f"{name}.pid"
    config = {"ops": {"wait_for_the_kill": {"config": {"pid_file": str(pid_file)}}}}
    (root / f"{name}.yaml").write_text(f"{config}\n".replace("'", '"'))
    subprocess.run(
        [
            str(Path(sys.executable).parent / "dagster"),
            *("job", "launch", "-f", "sleepy.py", "-j", "sleepy", "-c", f"{name}.yaml"),
        ],
        cwd=root,
        env={**os.environ, "DAGSTER_HOME": str(home)},
        check=True,
        capture_output=True,
    )
    return pid_file


def _pid(pid_file: Path, what: str) -> int:
    return int(_wait_for(lambda: pid_file.exists() and pid_file.read_text(), 240, what))


# Passes on its own (`pytest -m daemon tests/integration/test_run_monitoring.py`, ~2 min);
# inside the full suite on 2 busy cores the first run did not start within 240 s, and the
# documented start timeout (180 s) can fail it first. Out of `make test` until it is
# made independent of the machine's load.
@pytest.mark.daemon
def test_a_sigkilled_run_worker_is_marked_failed_and_the_queue_moves_on(daemon) -> None:
    home, root = daemon
    first_pid = _pid(_launch(home, root, "first"), "the first run to start")
    second_pid_file = _launch(home, root, "second")
    with _instance(home) as instance:
        second, first = instance.get_runs()  # newest first
        beats = instance.get_daemon_heartbeats()
        assert "MONITORING" in beats and "QUEUED_RUN_COORDINATOR" in beats

        def status(run: dg.DagsterRun) -> dg.DagsterRunStatus:
            return instance.get_run_by_id(run.run_id).status

        assert status(first) == dg.DagsterRunStatus.STARTED
        time.sleep(5)  # several dequeue ticks: the tag limit holds the second run back
        assert status(second) == dg.DagsterRunStatus.QUEUED

        os.kill(first_pid, signal.SIGKILL)

        _wait_for(
            lambda: status(first) == dg.DagsterRunStatus.FAILURE, 120, "the killed run to fail"
        )
        second_pid = _pid(second_pid_file, "the queued run to start after the kill")
        assert status(second) == dg.DagsterRunStatus.STARTED
        os.kill(second_pid, signal.SIGKILL)
        messages = [event.message or "" for event in instance.all_logs(first.run_id)]
    assert any("terminated by signal 9 (SIGKILL)" in m for m in messages), messages[-5:]
