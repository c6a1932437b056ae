"""Dagster code location: every definition under orchestration/defs/ (library code, which
defines nothing for Dagster, lives in orchestration/lib/)."""

from pathlib import Path

import dagster as dg

defs = dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
