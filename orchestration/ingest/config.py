"""Ingestion settings from the environment (paths come from orchestration.settings)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from orchestration import settings

DEFAULT_MAX_QUARANTINE_SHARE = 0.05
# No contract column is free text: a longer value is a broken export, not data.
DEFAULT_MAX_FIELD_CHARS = 10_000


def max_quarantine_share() -> float:
    """`ABM_MAX_QUARANTINE_SHARE`: above this share of bad rows a file is rejected whole."""
    raw = os.environ.get("ABM_MAX_QUARANTINE_SHARE", "").strip()
    if not raw:
        return DEFAULT_MAX_QUARANTINE_SHARE
    share = float(raw)
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"ABM_MAX_QUARANTINE_SHARE must be between 0 and 1, got {raw!r}")
    return share


def max_field_chars() -> int:
    """`ABM_MAX_FIELD_CHARS`: a row with a longer value is quarantined."""
    raw = os.environ.get("ABM_MAX_FIELD_CHARS", "").strip()
    if not raw:
        return DEFAULT_MAX_FIELD_CHARS
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"ABM_MAX_FIELD_CHARS must be a positive whole number, got {raw!r}")
    return int(raw)


@dataclass(frozen=True)
class IngestSettings:
    landing_dir: Path
    warehouse_path: Path
    max_quarantine_share: float


def ingest_settings() -> IngestSettings:
    """`ABM_LANDING_DIR` (data/landing), `ABM_WAREHOUSE_PATH` (data/warehouse.duckdb), share."""
    return IngestSettings(
        landing_dir=settings.landing_dir(),
        warehouse_path=settings.warehouse_path(),
        max_quarantine_share=max_quarantine_share(),
    )
