"""Run a table's GX suite on pandas batches of a landed file; turn failures into plain reasons."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import great_expectations as gx
import pandas as pd
from great_expectations.core.batch_definition import BatchDefinition
from great_expectations.core.expectation_suite import ExpectationSuite
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)

from orchestration.lib.ingest.contracts import TableContract

_MAX_VALUE_CHARS = 80


class SuiteError(RuntimeError):
    """An expectation raised instead of answering: a bug in the suite, not in the file."""


def _batch_definition() -> BatchDefinition:
    context = gx.get_context(
        mode="ephemeral",
        project_config=DataContextConfig(
            analytics_enabled=False,
            progress_bars=ProgressBarsConfig(globally=False),
            store_backend_defaults=InMemoryStoreBackendDefaults(),
        ),
    )
    asset = context.data_sources.add_pandas("landed_files").add_dataframe_asset("landed_file")
    return asset.add_batch_definition_whole_dataframe("chunk")


class SuiteRunner:
    """One ephemeral GX context per ingest run; suites come from the file context's JSON."""

    def __init__(self) -> None:
        self._batch_definition = _batch_definition()

    def validate(
        self, frame: pd.DataFrame, suite: ExpectationSuite
    ):  # -> ExpectationSuiteValidationResult
        batch = self._batch_definition.get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(suite, result_format={"result_format": "COMPLETE"})
        for expectation_result in result.results:
            if expectation_result.exception_info.get("raised_exception"):
                raise SuiteError(
                    f"{suite.name}: {expectation_result.expectation_config.type} raised "
                    f"{expectation_result.exception_info.get('exception_message')}"
                )
        return result

    def missing_columns(self, contract: TableContract, columns: list[str]) -> list[str]:
        """Required columns the file lacks, by the suite's table-level expectations."""
        result = self.validate(pd.DataFrame(columns=columns, dtype="object"), contract.file_suite())
        return [
            r.expectation_config.kwargs["column"]
            for r in result.results
            if not r.success and r.expectation_config.type == "expect_column_to_exist"
        ]


def _show(value: object) -> str:
    text = str(value)
    return text if len(text) <= _MAX_VALUE_CHARS else text[: _MAX_VALUE_CHARS - 1] + "…"


def _reason_template(config) -> str:
    template = (config.meta or {}).get("reason")
    if template:
        return template
    return f"{{column}} '{{value}}' fails {config.type}"


def _format(template: str, config, value: object) -> str:
    kwargs = config.kwargs
    value_set = kwargs.get("value_set")
    return template.format(
        column=kwargs.get("column", ""),
        value=_show(value),
        value_set=", ".join(map(str, value_set)) if value_set else "",
    )


def rows(count: int) -> str:
    return f"{count} row" if count == 1 else f"{count} rows"


def summary_of(template: str) -> str:
    """`composite_score '{value}' is outside 0-100` -> `composite_score is outside 0-100`."""
    return template.replace(" '{value}'", "")


@dataclass
class RowFailures:
    """Failing rows of a file: row number -> reason per column, in suite order."""

    reasons: dict[int, dict[str, str]] = field(default_factory=dict)
    kinds: Counter[str] = field(default_factory=Counter)
    complete: bool = True
    # Records the reader could not read: their text as delivered (their row is empty).
    unreadable: dict[int, str] = field(default_factory=dict)

    def add_unreadable(self, row_number: int, reason: str, raw: str, kind: str) -> None:
        """A record the reader could not read: its only reason (its empty row fails more)."""
        self.reasons[row_number] = {"_record": reason}
        self.unreadable[row_number] = raw
        self.kinds[kind] += 1

    def add(self, row_number: int, column: str, reason: str, kind: str) -> None:
        if row_number in self.unreadable:
            return
        per_column = self.reasons.setdefault(row_number, {})
        # One reason per column: a missing value is not also "not a date".
        if column not in per_column:
            per_column[column] = reason
            self.kinds[kind] += 1

    def __len__(self) -> int:
        return len(self.reasons)

    def as_frame(self) -> pd.DataFrame:
        rows = sorted(self.reasons.items())
        return pd.DataFrame(
            {
                "_row_number": pd.Series([n for n, _ in rows], dtype="int64"),
                "reason": pd.Series(["; ".join(r.values()) for _, r in rows], dtype="object"),
                "raw_record": pd.Series(
                    [self.unreadable.get(n) for n, _ in rows], dtype="object"
                ),
            }
        )

    def top_reasons(self, limit: int = 3) -> str:
        return ", ".join(f"{kind} ({rows(count)})" for kind, count in self.kinds.most_common(limit))


def collect_row_failures(
    runner: SuiteRunner, suite: ExpectationSuite, chunk: pd.DataFrame, failures: RowFailures
) -> None:
    """Validate one chunk whose index is the file's row number; add its failing rows."""
    result = runner.validate(chunk, suite)
    for expectation_result in result.results:
        if expectation_result.success:
            continue
        config = expectation_result.expectation_config
        template = _reason_template(config)
        column = config.kwargs.get("column", "")
        kind = _format(summary_of(template), config, "")
        indexes = expectation_result.result.get("unexpected_index_list") or []
        # GX caps unexpected_list at 200 values; the chunk itself has every value.
        values = chunk.loc[indexes, column].tolist() if column in chunk else [None] * len(indexes)
        for row_number, value in zip(indexes, values, strict=True):
            failures.add(int(row_number), column, _format(template, config, value), kind)
