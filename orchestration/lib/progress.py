"""Concise progress of a refresh: what a person watching `make run` needs, no more."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TextIO

# dagster-dbt's note on singular tests outside the check selection: noise for an operator.
_NOT_FOR_PEOPLE = ("Logging an `AssetObservation` instead of an `AssetCheckResult`",)
_LONG_STEPS = ("abm_dbt_models",)
_DONE = {"STEP_SUCCESS": "done", "STEP_FAILURE": "FAILED", "STEP_SKIPPED": "skipped"}


def _step_label(step_key: str) -> str:
    labels = {
        "abm_dbt_models": "dbt build (staging, intermediate, marts, tests)",
        "serving_publication": "publish the BI marts",
    }
    return labels.get(step_key, step_key.replace("__", "/"))


class ProgressHandler(logging.Handler):
    """Prints a line when a step starts, ends or fails, and every warning or error."""

    def __init__(self, stream: TextIO, clock: Callable[[], float]) -> None:
        super().__init__(level=logging.DEBUG)
        self.stream = stream
        self.clock = clock
        self.started: dict[str, float] = {}

    def _print(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        step_key = meta.get("step_key") or ""
        if event is None:
            message = meta.get("orig_message") or record.getMessage()
            if record.levelno >= logging.WARNING and not message.startswith(_NOT_FOR_PEOPLE):
                self._print(f"  ! {message.splitlines()[0][:200]}")
            return
        kind = event.event_type_value
        if kind == "STEP_START":
            self.started[step_key] = self.clock()
            if step_key in _LONG_STEPS:
                self._print(f"  - {_step_label(step_key)} ...")
        elif kind in _DONE:
            seconds = self.clock() - self.started.get(step_key, self.clock())
            self._print(f"  - {_step_label(step_key)}: {_DONE[kind]} ({seconds:,.0f} s)")
