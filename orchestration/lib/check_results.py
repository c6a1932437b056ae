"""The run's asset checks that did not pass, recorded with the publication.

A refresh publishes only when every blocking check passed, so what reaches the serving
file are the checks that warned (severity WARN: dbt tests with `severity: warn`, the
drift check, ingestion's feed checks) and any failed check that does not block. The
publication writes them to `marts._check_results` (orchestration/lib/publish.py); the
dashboard's Data health page lists them (serving_reader.check_results).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import dagster as dg

# Columns of marts._check_results, in order.
COLUMNS = ("asset", "check_name", "severity", "status", "failed_rows", "message")
# Metadata that says nothing a reader needs (dbt's ids; the status is kept apart).
_QUIET_KEYS = ("unique_id", "invocation_id", "status")
FAILED_ROWS_KEY = "dagster_dbt/failed_row_count"


@dataclass(frozen=True)
class CheckResult:
    asset: str
    check_name: str
    severity: str  # WARN or ERROR
    status: str  # warned or failed
    failed_rows: int | None
    message: str


def _value(value: object) -> object:
    return getattr(value, "value", value)


def reason_of(evaluation: dg.AssetCheckEvaluation) -> str:
    """What a check that did not pass says about why: its description and text metadata."""
    parts = [evaluation.description] if evaluation.description else []
    for key, value in (evaluation.metadata or {}).items():
        text = _value(value)
        if isinstance(text, str) and text and text != "none" and key not in _QUIET_KEYS:
            parts.append(text if key in ("rejected", "problems", "unclaimed") else f"{key}: {text}")
    return "\n".join(dict.fromkeys(parts))


def failed_rows_of(evaluation: dg.AssetCheckEvaluation) -> int | None:
    value = _value((evaluation.metadata or {}).get(FAILED_ROWS_KEY))
    return int(value) if isinstance(value, int | float) else None


def check_results(evaluations: list[dg.AssetCheckEvaluation]) -> list[CheckResult]:
    """The evaluations that did not pass, warnings first, then by asset and check; the
    last evaluation of a check wins (a retried step evaluates it again)."""
    latest: dict[tuple[str, str], dg.AssetCheckEvaluation] = {}
    for evaluation in evaluations:
        latest[(evaluation.asset_key.to_user_string(), evaluation.check_name)] = evaluation
    results = []
    for (asset, name), evaluation in latest.items():
        if evaluation.passed:
            continue
        warned = evaluation.severity == dg.AssetCheckSeverity.WARN
        rows = failed_rows_of(evaluation)
        message = reason_of(evaluation) or (
            f"{rows:,} row(s) fail the test" if rows is not None else "did not pass"
        )
        results.append(
            CheckResult(
                asset=asset,
                check_name=name,
                severity=evaluation.severity.value,
                status="warned" if warned else "failed",
                failed_rows=rows,
                message=message,
            )
        )
    return sorted(results, key=lambda r: (r.status != "warned", r.asset, r.check_name))


def as_rows(results: list[CheckResult]) -> list[tuple]:
    return [tuple(asdict(result)[column] for column in COLUMNS) for result in results]


def run_check_results(instance: dg.DagsterInstance, run_id: str) -> list[CheckResult]:
    """The check results recorded so far in one run's event log."""
    entries = instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    evaluations = [
        entry.dagster_event.event_specific_data
        for entry in entries
        if entry.dagster_event is not None
        and isinstance(entry.dagster_event.event_specific_data, dg.AssetCheckEvaluation)
    ]
    return check_results(evaluations)
