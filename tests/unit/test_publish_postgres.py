"""Postgres serving settings and types, without a server (tests/integration has one)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from orchestration.defs.resources import AbmSettings
from orchestration.lib.publish_postgres import pg_type, postgres_target
from orchestration.lib.runner import POSTGRES_STEP, CheckTally, RunReport, print_summary


def test_no_host_means_no_postgres_publication(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ABM_PG_HOST", raising=False)
    assert postgres_target() is None
    assert AbmSettings().postgres() is None
    monkeypatch.setenv("ABM_PG_HOST", "db.internal")
    monkeypatch.setenv("ABM_PG_PASSWORD", "s3cret")
    target = postgres_target()
    assert target is not None
    assert (target.host, target.port, target.user, target.database) == (
        "db.internal",
        5432,
        "abm",
        "abm",
    )
    assert target.reader_role == "abm_bi" and target.lock_wait_seconds == 60.0
    assert "s3cret" not in target.where()


def test_duckdb_types_map_to_postgres_types() -> None:
    assert pg_type("VARCHAR") == "text"
    assert pg_type("DOUBLE") == "double precision"
    assert pg_type("DECIMAL(18,3)") == "numeric(18, 3)"
    assert pg_type("TIMESTAMP WITH TIME ZONE") == "timestamptz"
    assert pg_type("VARCHAR[]") is None  # nested types travel as jsonb


def _summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, **report) -> str:
    """The printed summary of a run that ended as `report` says (no warehouse, no serving
    file: only the lines about the outcome)."""
    monkeypatch.setenv("ABM_LANDING_DIR", str(tmp_path))
    monkeypatch.setenv("ABM_SERVING_PATH", str(tmp_path / "missing_serving.duckdb"))
    print_summary(
        RunReport(
            warehouse=tmp_path / "missing.duckdb",
            checks=CheckTally(),
            started_at=datetime.now(UTC),
            **report,
        )
    )
    return capsys.readouterr().out


def test_a_failed_postgres_step_says_the_duckdb_publication_happened(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = _summary(
        tmp_path,
        monkeypatch,
        capsys,
        succeeded=False,
        steps_failed={POSTGRES_STEP: "cannot connect to Postgres"},
    )
    assert "published to the serving file and Parquet, but not to Postgres" in out


def test_a_run_whose_publication_did_not_run_is_not_reported_published(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = _summary(tmp_path, monkeypatch, capsys, succeeded=True, published=False)
    assert "result: PUBLISHED" not in out
    assert "its publication step did not run; the last publication is unchanged" in out
    assert "result: PUBLISHED" in _summary(tmp_path, monkeypatch, capsys, succeeded=True)
