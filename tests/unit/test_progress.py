"""The refresh's progress display on a recorded Dagster event sequence: plain lines off a
terminal, bars (rich) on one, both from the same counts."""

from __future__ import annotations

import io
import json
import logging
import re
from pathlib import Path

from orchestration.lib import progress

STEPS = [
    "raw__crm__account",
    "raw__crm__contact",
    "abm_dbt_models",
    "marts__account_tiers_tier_drift_since_last_publication",
    "serving__publication",
    "serving__postgres",
]
# (event, step) as a refresh emits them (from a run's log, trimmed): ingestion steps,
# the dbt step with one event per finished node, a check, the publication.
RECORDED = [
    ("RUN_START", ""),
    ("STEP_START", "raw__crm__account"),
    ("STEP_OUTPUT", "raw__crm__account"),
    ("ASSET_MATERIALIZATION", "raw__crm__account"),
    ("ASSET_CHECK_EVALUATION", "raw__crm__account"),
    ("STEP_SUCCESS", "raw__crm__account"),
    ("STEP_START", "raw__crm__contact"),
    ("STEP_SUCCESS", "raw__crm__contact"),
    ("STEP_START", "abm_dbt_models"),
    ("STEP_OUTPUT", "abm_dbt_models"),
    ("DBT_NODE_DONE", "abm_dbt_models"),
    ("DBT_NODE_DONE", "abm_dbt_models"),
    ("DBT_NODE_DONE", "abm_dbt_models"),
    ("DBT_NODE_DONE", "abm_dbt_models"),
    ("DBT_NODE_DONE", "abm_dbt_models"),
    ("DBT_NODE_DONE", "abm_dbt_models"),
    ("STEP_SUCCESS", "abm_dbt_models"),
    ("STEP_START", "marts__account_tiers_tier_drift_since_last_publication"),
    ("ASSET_CHECK_EVALUATION", "marts__account_tiers_tier_drift_since_last_publication"),
    ("STEP_SUCCESS", "marts__account_tiers_tier_drift_since_last_publication"),
    ("STEP_START", "serving__publication"),
    ("ASSET_MATERIALIZATION", "serving__publication"),
    ("STEP_SUCCESS", "serving__publication"),
    ("STEP_SKIPPED", "serving__postgres"),
    ("RUN_SUCCESS", ""),
]


def _play(renderer: progress.Renderer, events=RECORDED) -> None:
    with progress.showing(renderer):
        for second, (kind, step) in enumerate(events):
            renderer.handle(kind, step, float(second))


def test_the_state_counts_steps_per_stage_and_dbt_nodes() -> None:
    state = progress.RefreshState.planned(STEPS, dbt_nodes_total=8)
    assert {name: s.total for name, s in state.stages.items()} == {
        "ingest": 2,
        "dbt": 1,
        "publish": 2,
        "after": 1,
    }
    for second, (kind, step) in enumerate(RECORDED[:16]):
        state.apply(kind, step, float(second))
    assert state.stages["ingest"].done == 2
    assert state.dbt_nodes_done == 6  # materializations, checks and the observation
    assert state.stages["dbt"].current == progress.STAGES["dbt"]
    for second, (kind, step) in enumerate(RECORDED[16:], start=16):
        state.apply(kind, step, float(second))
    # The dbt step succeeded: every node of the manifest counts as done.
    assert (state.dbt_nodes_done, state.dbt_nodes_total) == (8, 8)
    assert {name: s.done for name, s in state.stages.items()} == {
        "ingest": 2,
        "dbt": 1,
        "publish": 2,
        "after": 1,
    }
    assert not any(s.failed for s in state.stages.values())


def test_plain_lines_off_a_terminal() -> None:
    out = io.StringIO()
    renderer = progress.renderer_for(out, STEPS, dbt_nodes_total=8)
    assert isinstance(renderer, progress.LineRenderer)
    assert isinstance(
        progress.renderer_for(_Terminal(), STEPS, 8, force_lines=True), progress.LineRenderer
    )
    _play(renderer)
    assert out.getvalue().splitlines() == [
        "  - raw/crm/account: done (4 s)",
        "  - raw/crm/contact: done (1 s)",
        "  - dbt build (staging, intermediate, marts, tests) ...",
        "    dbt nodes done: 2/8",
        "    dbt nodes done: 4/8",
        "    dbt nodes done: 6/8",
        "  - dbt build (staging, intermediate, marts, tests): done (8 s)",
        "  - marts/account_tiers_tier_drift_since_last_publication: done (2 s)",
        "  - publish the BI marts: done (2 s)",
        "  - serving/postgres: skipped (0 s)",
    ]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _text(terminal: _Terminal) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", terminal.getvalue())


def test_bars_on_a_terminal_end_complete() -> None:
    terminal = _Terminal()
    renderer = progress.renderer_for(terminal, STEPS, dbt_nodes_total=8)
    assert isinstance(renderer, progress.RichRenderer)
    _play(renderer)
    final = {task.description: (task.completed, task.total) for task in renderer.progress.tasks}
    assert final == {
        "ingest landed files": (2, 2),
        "dbt build (staging, intermediate, marts, tests)": (8, 8),
        "publish the BI marts": (2, 2),
        "checks, CRM files, alerts": (1, 1),
    }
    shown = _text(terminal)
    assert "ingest landed files" in shown and "8/8 nodes" in shown and "2/2 steps" in shown


def test_a_failed_step_is_marked_and_warnings_print() -> None:
    terminal = _Terminal()
    renderer = progress.renderer_for(terminal, STEPS, dbt_nodes_total=8)
    with progress.showing(renderer):
        renderer.handle("STEP_START", "abm_dbt_models", 0.0)
        renderer.handle("DBT_NODE_DONE", "abm_dbt_models", 1.0)
        renderer.note("dbt build failed: 1 model errored")
        renderer.handle("STEP_FAILURE", "abm_dbt_models", 2.0)
    dbt = next(t for t in renderer.progress.tasks if t.description.startswith("dbt build"))
    assert dbt.description.endswith("FAILED") and dbt.completed == 1
    assert "  ! dbt build failed: 1 model errored" in _text(terminal)


def test_the_handler_feeds_the_active_renderer(tmp_path: Path) -> None:
    class Event:
        event_type_value = "STEP_SUCCESS"

    out = io.StringIO()
    active = progress.LineRenderer(out, progress.RefreshState.planned(STEPS, 0))
    handler = progress.ProgressHandler(io.StringIO(), clock=lambda: 0.0)
    record = logging.LogRecord("x", logging.DEBUG, "", 0, "m", None, None)
    record.dagster_meta = {"dagster_event": Event(), "step_key": "raw__crm__user"}
    warning = logging.LogRecord("x", logging.WARNING, "", 0, "stale feed\nmore", None, None)
    with progress.showing(active):
        handler.emit(record)
        handler.emit(warning)
    assert out.getvalue().splitlines() == ["  - raw/crm/user: done (0 s)", "  ! stale feed"]
    manifest = tmp_path / "manifest.json"
    nodes = {
        f"{kind}.p.{i}": {"resource_type": kind}
        for i, kind in enumerate(["model", "model", "test", "seed", "snapshot", "unit_test"])
    }
    manifest.write_text(json.dumps({"nodes": nodes}))
    assert progress.dbt_node_total(manifest) == 5


def test_the_dbt_assets_node_lines_count_as_nodes_done() -> None:
    state = progress.RefreshState.planned(STEPS, 3)
    active = progress.LineRenderer(io.StringIO(), state)
    handler = progress.ProgressHandler(io.StringIO(), clock=lambda: 0.0)
    records = []
    for message, step in [
        (f"{progress.DBT_NODE_LOG_PREFIX}1", "abm_dbt_models"),
        (f"{progress.DBT_NODE_LOG_PREFIX}2", "abm_dbt_models"),
        ("an ordinary debug line", "abm_dbt_models"),
    ]:
        record = logging.LogRecord("x", logging.DEBUG, "", 0, message, None, None)
        record.dagster_meta = {"orig_message": message, "step_key": step}
        records.append(record)
    with progress.showing(active):
        for record in records:
            handler.emit(record)
    assert state.dbt_nodes_done == 2


def test_a_node_count_line_moves_the_dbt_bar_to_that_count_never_back() -> None:
    state = progress.RefreshState.planned(STEPS, 100)
    out = io.StringIO()
    active = progress.LineRenderer(out, state)
    handler = progress.ProgressHandler(io.StringIO(), clock=lambda: 0.0)
    with progress.showing(active):
        for count in (30, 55, 40):
            message = f"{progress.DBT_NODE_LOG_PREFIX}{count}"
            record = logging.LogRecord("x", logging.DEBUG, "", 0, message, None, None)
            record.dagster_meta = {"orig_message": message, "step_key": "abm_dbt_models"}
            handler.emit(record)
    assert state.dbt_nodes_done == 55
    assert out.getvalue().splitlines() == [
        "    dbt nodes done: 30/100",
        "    dbt nodes done: 55/100",
    ]
