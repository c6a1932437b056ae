"""The run's checks that did not pass travel with the publication (marts._check_results)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb

from orchestration.lib.check_results import CheckResult, check_results, run_check_results
from orchestration.lib.publish import publish

TIERS = dg.AssetKey(["marts", "account_tiers"])
SEGMENTS = dg.AssetKey(["marts", "account_segments"])


def _dbt_warning(rows: int) -> dg.AssetCheckEvaluation:
    """What dagster-dbt records for a `severity: warn` test that found rows."""
    return dg.AssetCheckEvaluation(
        asset_key=SEGMENTS,
        check_name="relationships_account_segments_account_id",
        passed=False,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "unique_id": "test.abm.relationships_account_segments_account_id",
            "invocation_id": "0f1e",
            "status": "warn",
            "dagster_dbt/failed_row_count": rows,
        },
    )


def test_only_checks_that_did_not_pass_are_kept_with_their_reason() -> None:
    evaluations = [
        dg.AssetCheckEvaluation(asset_key=TIERS, check_name="unique_account_id", passed=True),
        _dbt_warning(7),
        dg.AssetCheckEvaluation(
            asset_key=TIERS,
            check_name="tier_drift_since_last_publication",
            passed=False,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"rows_checked": 3, "problems": "tier_1 moved 40% (10 -> 14)"},
        ),
        dg.AssetCheckEvaluation(asset_key=TIERS, check_name="non_blocking", passed=False),
        # A retried step evaluates a check again: the last evaluation is the run's.
        _dbt_warning(5),
    ]
    assert check_results(evaluations) == [
        CheckResult(
            "marts/account_segments",
            "relationships_account_segments_account_id",
            "WARN",
            "warned",
            5,
            "5 row(s) fail the test",
        ),
        CheckResult(
            "marts/account_tiers",
            "tier_drift_since_last_publication",
            "WARN",
            "warned",
            None,
            "tier_1 moved 40% (10 -> 14)",
        ),
        CheckResult("marts/account_tiers", "non_blocking", "ERROR", "failed", None, "did not pass"),
    ]


def test_the_publication_writes_the_check_results(tmp_path: Path) -> None:
    build, serving, exports = tmp_path / "b.duckdb", tmp_path / "s.duckdb", tmp_path / "x"
    with duckdb.connect(str(build)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.account_tiers as select 'a1' as account_id")
    publish(build, ["account_tiers"], serving, exports, "r1", check_results([_dbt_warning(3)]))
    with duckdb.connect(str(serving), read_only=True) as con:
        assert con.execute("select * from marts._check_results").fetchall() == [
            (
                "marts/account_segments",
                "relationships_account_segments_account_id",
                "WARN",
                "warned",
                3,
                "3 row(s) fail the test",
            )
        ]
    publish(build, ["account_tiers"], serving, exports, "r2")
    with duckdb.connect(str(serving), read_only=True) as con:
        assert con.execute("select count(*) from marts._check_results").fetchone() == (0,)


def test_a_runs_warnings_are_read_from_its_event_log() -> None:
    @dg.asset
    def account_tiers() -> None:
        return None

    @dg.asset_check(asset=account_tiers)
    def few_tier_1() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(
            passed=False, severity=dg.AssetCheckSeverity.WARN, metadata={"problems": "only 2"}
        )

    @dg.asset_check(asset=account_tiers)
    def has_rows() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(passed=True)

    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize([account_tiers, few_tier_1, has_rows], instance=instance)
        assert result.success
        assert run_check_results(instance, result.run_id) == [
            CheckResult("account_tiers", "few_tier_1", "WARN", "warned", None, "only 2")
        ]
