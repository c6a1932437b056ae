"""Run logs: a concise progress line per step on the console, everything in a log file."""

import logging
import sys
import time
from pathlib import Path

import dagster as dg

from orchestration.lib.progress import ProgressHandler


@dg.logger(
    {"path": dg.Field(str, is_required=False, default_value="")},
    description="Every log line of the run (DEBUG and up) into a file, when a path is set.",
)
def file_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.Logger("abm_file", level=logging.DEBUG)
    path = init_context.logger_config["path"]
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(message)s"))
        logger.addHandler(handler)
    return logger


@dg.logger(
    {"enabled": dg.Field(bool, is_required=False, default_value=False)},
    description="One line per step started, finished or failed, and each warning.",
)
def progress_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.Logger("abm_progress", level=logging.DEBUG)
    if init_context.logger_config["enabled"]:
        # The terminal itself: `make run` sends the rest of stdout (dbt's lines) to the log.
        logger.addHandler(ProgressHandler(sys.__stdout__, time.monotonic))
    return logger


@dg.definitions
def loggers() -> dg.Definitions:
    return dg.Definitions(
        loggers={
            "console": dg.colored_console_logger,
            "file": file_logger,
            "progress": progress_logger,
        }
    )
