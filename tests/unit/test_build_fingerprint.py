"""The no-change refresh: a publication records what its build was built from, and a
refresh skips the build only when nothing differs (orchestration/lib/build_fingerprint.py).

A tiny warehouse, published for real; the whole refresh is
tests/integration/test_refresh_incremental.py."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.build_fingerprint import (
    Fingerprint,
    clear_build_record,
    current_fingerprint,
    decide,
    record_build,
)
from orchestration.lib.ingest.warehouse import LOAD_LOG_COLUMNS, QUARANTINE_COLUMNS
from orchestration.lib.publish import publish
from orchestration.lib.runner import CheckTally, RunReport, print_summary


def _warehouse(path: Path) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw")
        for table, columns in (("load_log", LOAD_LOG_COLUMNS), ("quarantine", QUARANTINE_COLUMNS)):
            definition = ", ".join(f"{name} {kind}" for name, kind in columns)
            con.execute(f"create table raw.{table} ({definition})")
        con.execute(
            "insert into raw.load_log values ('crm', 'account', 'crm/account/a.csv', 10, "
            "'abc', 'loaded', 2, 0, null, timestamp '2026-12-01 06:00:00')"
        )
        con.execute("create table raw.crm__account as select 1 as id union all select 2")
        con.execute("create schema marts")
        con.execute("create table marts.account_tiers as select 1 as account_id, 'tier_1' as tier")
    return path


@pytest.fixture
def published(tmp_path: Path) -> tuple[Path, Path, Fingerprint]:
    warehouse = _warehouse(tmp_path / "warehouse.duckdb")
    fingerprint = current_fingerprint(warehouse, {})
    record_build(warehouse, "run-1", fingerprint)
    serving = tmp_path / "serving.duckdb"
    publish(warehouse, ["account_tiers"], serving, tmp_path / "exports", run_id="run-1")
    return warehouse, serving, fingerprint


def test_nothing_changed_since_the_publication_skips(published) -> None:
    warehouse, serving, fingerprint = published
    decision = decide(current_fingerprint(warehouse, {}), warehouse, serving, force=False)
    assert not decision.build
    with duckdb.connect(str(serving), read_only=True) as con:
        published_at, stored = con.execute(
            "select published_at, build_fingerprint from marts._publication"
        ).fetchone()
    assert Fingerprint.from_json(stored) == fingerprint
    assert decision.message == (
        f"nothing new since {published_at}: the published marts stay as they are"
    )


def test_the_force_switch_builds(published) -> None:
    warehouse, serving, fingerprint = published
    assert decide(fingerprint, warehouse, serving, force=True).reason == (
        "ABM_FORCE_REBUILD is set"
    )


def test_a_new_load_vars_or_scoring_date_builds(published) -> None:
    warehouse, serving, _ = published
    assert (
        "dbt vars"
        in decide(
            current_fingerprint(warehouse, {"tiers_capacity": {"tier_1": 5}}),
            warehouse,
            serving,
            False,
        ).reason
    )
    moved = decide(
        current_fingerprint(warehouse, {"as_of_date": "2026-12-02"}), warehouse, serving, False
    )
    assert moved.build and "scoring date" in moved.reason
    # The scoping of the tests on history is no change of what is built.
    assert not decide(
        current_fingerprint(warehouse, {"test_rows_since": "2026-11-30"}), warehouse, serving, False
    ).build
    with duckdb.connect(str(warehouse)) as con:
        con.execute("insert into raw.crm__account values (3)")
    loaded = decide(current_fingerprint(warehouse, {}), warehouse, serving, False)
    assert loaded.build and loaded.reason.endswith("landed data (raw tables and load log)")


def test_a_build_that_is_not_the_published_one_builds(published) -> None:
    warehouse, serving, fingerprint = published
    # A build started (and failed, or was killed) after the publication.
    clear_build_record(warehouse)
    assert decide(fingerprint, warehouse, serving, False).reason == (
        "the warehouse's last build is not the published one"
    )
    # Another run built the same inputs (a backfill, say) without publishing.
    record_build(warehouse, "run-2", fingerprint)
    assert decide(fingerprint, warehouse, serving, False).build


def test_a_publication_without_a_fingerprint_or_none_at_all_builds(published, tmp_path) -> None:
    warehouse, serving, fingerprint = published
    assert decide(fingerprint, warehouse, tmp_path / "none.duckdb", False).reason == (
        "nothing has been published yet"
    )
    # Published by another run than the build's (or by hand): no fingerprint is recorded.
    publish(warehouse, ["account_tiers"], serving, tmp_path / "exports", run_id="run-9")
    assert decide(fingerprint, warehouse, serving, False).reason == (
        "the last publication records no build fingerprint"
    )


def test_the_summary_of_a_skipped_run_says_nothing_new_and_is_no_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ABM_LANDING_DIR", str(tmp_path))
    monkeypatch.setenv("ABM_SERVING_PATH", str(tmp_path / "missing_serving.duckdb"))
    print_summary(
        RunReport(
            warehouse=_warehouse(tmp_path / "warehouse.duckdb"),
            checks=CheckTally(),
            succeeded=True,
            started_at=datetime.now(UTC),
            published=False,
            unchanged_since="2026-12-06T06:00:00+00:00",
        )
    )
    out = capsys.readouterr().out
    assert "nothing new since 2026-12-06T06:00:00+00:00: the published marts stay" in out
    assert "result: UP TO DATE" in out
    assert "FAILED" not in out and "rebuilt from the same raw data" not in out


def test_a_postgres_publication_that_lags_builds_and_publishes_again(published) -> None:
    """After a failed Postgres publication, the next run must not skip: it publishes again."""
    warehouse, serving, fingerprint = published
    assert decide(fingerprint, warehouse, serving, False, lambda run: run == "run-1").build is False
    lagging = decide(fingerprint, warehouse, serving, False, lambda run: run == "run-0")
    assert lagging.reason == "Postgres does not hold the last publication"
