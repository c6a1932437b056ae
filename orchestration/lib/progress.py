"""Concise progress of a refresh: what a person watching `make run` / `abm run` needs.

The Dagster event stream (through the `progress` logger, orchestration/defs/loggers.py)
drives one of two renderers: progress bars (rich) when the output is a terminal, one
plain line per step otherwise (CI, pipes, a log). Both read the same `RefreshState`: per
stage (ingestion, dbt build, publication, what follows) the steps done out of the
planned ones, and for the dbt build the nodes done (models, seeds, snapshots and tests
dbt has finished, as the dbt asset reports them) out of those in the manifest. The full log goes
to the file logger either way.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

# dagster-dbt's note on singular tests outside the check selection: noise for an operator.
_NOT_FOR_PEOPLE = ("Logging an `AssetObservation` instead of an `AssetCheckResult`",)
DBT_STEP = "abm_dbt_models"
# The dbt asset holds its materializations and checks until dbt exits (their row counts
# need DuckDB's only write lock, which dbt holds), so while dbt runs it logs a debug line
# with the number of dbt nodes finished so far (about once a second, not once per node:
# every log line is an event Dagster stores); the progress reads the number.
DBT_NODE_LOG_PREFIX = "dbt nodes done: "
DBT_NODE_DONE = "DBT_NODE_DONE"
DBT_NODE_EVENTS = (DBT_NODE_DONE,)
DBT_RESOURCE_TYPES = ("model", "seed", "snapshot", "test")
_DONE = {"STEP_SUCCESS": "done", "STEP_FAILURE": "FAILED", "STEP_SKIPPED": "skipped"}
STAGES = {
    "ingest": "ingest landed files",
    "dbt": "dbt build (staging, intermediate, marts, tests)",
    "publish": "publish the BI marts",
    "after": "checks, CRM files, alerts",
}


def stage_of(step_key: str) -> str:
    if step_key.startswith("raw__"):
        return "ingest"
    if step_key == DBT_STEP:
        return "dbt"
    if step_key.startswith("serving__"):
        return "publish"
    return "after"


def step_label(step_key: str) -> str:
    if step_key == DBT_STEP:
        return STAGES["dbt"]
    if step_key == "serving__publication":
        return STAGES["publish"]
    return step_key.replace("__", "/")


def dbt_node_total(manifest_path: Path) -> int:
    """dbt nodes a `dbt build` without unit tests runs: models, seeds, snapshots, tests."""
    manifest = json.loads(manifest_path.read_text())
    return sum(
        1 for node in manifest["nodes"].values() if node["resource_type"] in DBT_RESOURCE_TYPES
    )


@dataclass
class StageState:
    total: int = 0
    done: int = 0
    current: str = ""
    failed: bool = False


@dataclass
class RefreshState:
    """Steps per stage planned and done, and the dbt build's nodes done out of its total."""

    stages: dict[str, StageState] = field(default_factory=dict)
    dbt_nodes_total: int = 0
    dbt_nodes_done: int = 0
    started: dict[str, float] = field(default_factory=dict)

    @classmethod
    def planned(cls, step_keys: Iterable[str], dbt_nodes_total: int) -> RefreshState:
        state = cls(stages={name: StageState() for name in STAGES}, dbt_nodes_total=dbt_nodes_total)
        for key in step_keys:
            state.stages[stage_of(key)].total += 1
        return state

    def stage(self, step_key: str) -> StageState:
        return self.stages.setdefault(stage_of(step_key), StageState())

    def apply(self, kind: str, step_key: str, now: float, nodes_done: int | None = None) -> None:
        stage = self.stage(step_key) if step_key else None
        if stage is None:
            return
        if kind == "STEP_START":
            self.started[step_key] = now
            stage.current = step_label(step_key)
        elif kind in _DONE:
            stage.done += 1
            stage.total = max(stage.total, stage.done)
            stage.failed = stage.failed or kind == "STEP_FAILURE"
            if step_key == DBT_STEP and kind == "STEP_SUCCESS":
                self.dbt_nodes_done = max(self.dbt_nodes_done, self.dbt_nodes_total)
        elif kind in DBT_NODE_EVENTS and step_key == DBT_STEP:
            done = self.dbt_nodes_done + 1 if nodes_done is None else nodes_done
            self.dbt_nodes_done = max(self.dbt_nodes_done, done)
            self.dbt_nodes_total = max(self.dbt_nodes_total, self.dbt_nodes_done)

    def seconds(self, step_key: str, now: float) -> float:
        return now - self.started.get(step_key, now)


class Renderer(Protocol):
    def start(self) -> None: ...

    def stop(self) -> None: ...

    def handle(
        self, kind: str, step_key: str, now: float, nodes_done: int | None = None
    ) -> None: ...

    def note(self, message: str) -> None: ...


class LineRenderer:
    """Plain lines: a step started (long ones), finished or failed; the dbt build's nodes
    at each quarter; every warning. For output that is not a terminal."""

    _LONG_STEPS = (DBT_STEP,)

    def __init__(self, stream: TextIO, state: RefreshState | None = None) -> None:
        self.stream = stream
        self.state = state or RefreshState()
        self._quarters_shown = 0

    def _print(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()

    def start(self) -> None:
        return None

    def stop(self) -> None:
        return None

    def note(self, message: str) -> None:
        self._print(f"  ! {message}")

    def handle(
        self, kind: str, step_key: str, now: float, nodes_done: int | None = None
    ) -> None:
        self.state.apply(kind, step_key, now, nodes_done)
        if kind == "STEP_START" and step_key in self._LONG_STEPS:
            self._print(f"  - {step_label(step_key)} ...")
        elif kind in _DONE:
            seconds = self.state.seconds(step_key, now)
            self._print(f"  - {step_label(step_key)}: {_DONE[kind]} ({seconds:,.0f} s)")
        elif kind in DBT_NODE_EVENTS and step_key == DBT_STEP and self.state.dbt_nodes_total:
            done, total = self.state.dbt_nodes_done, self.state.dbt_nodes_total
            quarter = 4 * done // total
            if quarter > self._quarters_shown and done < total:
                self._quarters_shown = quarter
                self._print(f"    dbt nodes done: {done:,}/{total:,}")


class RichRenderer:
    """Progress bars, one per stage, on a terminal (rich); warnings print above them."""

    def __init__(self, console: Console, state: RefreshState) -> None:
        self.state = state
        self.progress = Progress(
            SpinnerColumn(finished_text="✓"),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[unit]}"),
            TimeElapsedColumn(),
            console=console,
            # The runner sends stdout (dbt's own lines) to the log file: leave it there.
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self.tasks: dict[str, TaskID] = {}
        self.started: set[str] = set()
        for name, label in STAGES.items():
            stage = state.stages.get(name)
            if stage is None or (stage.total == 0 and name != "dbt"):
                continue
            total = state.dbt_nodes_total if name == "dbt" else stage.total
            unit = "nodes" if name == "dbt" else "steps"
            # A stage's clock starts with its first step.
            self.tasks[name] = self.progress.add_task(
                label, total=total or None, unit=unit, start=False
            )

    def start(self) -> None:
        self.progress.start()

    def stop(self) -> None:
        self.progress.refresh()
        self.progress.stop()

    def note(self, message: str) -> None:
        self.progress.console.print(f"  ! {message}", markup=False, highlight=False)

    def handle(
        self, kind: str, step_key: str, now: float, nodes_done: int | None = None
    ) -> None:
        self.state.apply(kind, step_key, now, nodes_done)
        name = stage_of(step_key) if step_key else ""
        task = self.tasks.get(name)
        if task is None:
            return
        if name not in self.started:
            self.started.add(name)
            self.progress.start_task(task)
        stage = self.state.stages[name]
        if name == "dbt":
            completed, total = self.state.dbt_nodes_done, self.state.dbt_nodes_total
        else:
            completed, total = stage.done, stage.total
        label = STAGES[name]
        if stage.failed:
            label += " - FAILED"
        elif stage.current and name != "dbt" and stage.done < stage.total:
            label += f" ({stage.current})"
        self.progress.update(task, completed=completed, total=total or None, description=label)


def renderer_for(
    stream: TextIO, step_keys: Iterable[str], dbt_nodes_total: int, force_lines: bool = False
) -> Renderer:
    """Bars on a terminal, plain lines anywhere else (CI, a pipe, a file)."""
    state = RefreshState.planned(step_keys, dbt_nodes_total)
    if force_lines or not stream.isatty():
        return LineRenderer(stream, state)
    return RichRenderer(Console(file=stream, highlight=False), state)


_ACTIVE: list[Renderer] = []


@contextmanager
def showing(renderer: Renderer) -> Iterator[Renderer]:
    """The renderer the progress logger feeds while the block runs (the runner's run)."""
    _ACTIVE.append(renderer)
    renderer.start()
    try:
        yield renderer
    finally:
        renderer.stop()
        _ACTIVE.remove(renderer)


def active_renderer() -> Renderer | None:
    return _ACTIVE[-1] if _ACTIVE else None


class ProgressHandler(logging.Handler):
    """Feeds Dagster's log records to the active renderer (else plain lines on `stream`):
    step events, dbt node events and every warning or error."""

    def __init__(self, stream: TextIO, clock: Callable[[], float]) -> None:
        super().__init__(level=logging.DEBUG)
        self.clock = clock
        self.lines = LineRenderer(stream)

    def emit(self, record: logging.LogRecord) -> None:
        renderer = active_renderer() or self.lines
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        if event is None:
            message = meta.get("orig_message") or record.getMessage()
            if message.startswith(DBT_NODE_LOG_PREFIX):
                count = message.removeprefix(DBT_NODE_LOG_PREFIX).split()[0]
                renderer.handle(
                    DBT_NODE_DONE,
                    meta.get("step_key") or "",
                    self.clock(),
                    int(count) if count.isdigit() else None,
                )
                return
            if record.levelno >= logging.WARNING and not message.startswith(_NOT_FOR_PEOPLE):
                renderer.note(message.splitlines()[0][:200])
            return
        renderer.handle(event.event_type_value, meta.get("step_key") or "", self.clock())
