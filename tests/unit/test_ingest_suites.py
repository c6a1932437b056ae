"""The GX suites are the contract: loadable by GX, complete, and right on known tables."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import great_expectations as gx
import pandas as pd
import pytest

from orchestration.lib.ingest.contracts import (
    CONTRACT_TABLES,
    EXPECTATIONS_DIR,
    contract_for,
    suite_name,
)
from orchestration.lib.ingest.validation import RowFailures, SuiteRunner, collect_row_failures
from orchestration.lib.settings import max_quarantine_share


@pytest.fixture(scope="module")
def gx_context(tmp_path_factory: pytest.TempPathFactory):
    """The project's file data context, copied so the test never writes into the repo."""
    root = tmp_path_factory.mktemp("gx") / "expectations"
    shutil.copytree(EXPECTATIONS_DIR, root, ignore=shutil.ignore_patterns("uncommitted"))
    return gx.get_context(mode="file", context_root_dir=str(root))


@pytest.fixture(scope="module")
def runner() -> SuiteRunner:
    return SuiteRunner()


def _validate(gx_context, name: str, frame: pd.DataFrame):
    source = gx_context.data_sources.add_or_update_pandas("test_frames")
    asset = source.add_dataframe_asset(f"frame_{len(source.assets)}")
    batch = asset.add_batch_definition_whole_dataframe("all").get_batch(
        batch_parameters={"dataframe": frame}
    )
    return batch.validate(gx_context.suites.get(name), result_format="COMPLETE")


def test_every_contract_table_has_a_suite_in_the_file_context(gx_context) -> None:
    names = {suite.name for suite in gx_context.suites.all()}
    assert {suite_name(s, t) for s, t in CONTRACT_TABLES} <= names
    assert len(CONTRACT_TABLES) == 11


def test_required_columns_come_from_the_suites() -> None:
    assert contract_for("crm", "account").required_columns == ("id", "name", "last_modified_date")
    assert contract_for("crm", "opportunity").required_columns == (
        "id",
        "stage_name",
        "created_date",
        "last_modified_date",
    )
    assert contract_for("intent", "bombora_surge").required_columns == (
        "domain",
        "topic_name",
        "composite_score",
        "timestamp",
    )
    assert contract_for("crm", "user").required_columns == ("id",)
    surge = contract_for("intent", "bombora_surge").columns
    assert surge[0] == "domain" and surge[-1] == "timestamp" and len(surge) == 12


GOOD_SURGE = pd.DataFrame(
    {
        "domain": ["acme.com", "beta.io", "gamma.co.uk"],
        "topic_name": ["CRM", "ABM", "Intent Data"],
        "composite_score": ["75", "100", "0"],
        "timestamp": ["2024-01-01", "2024-01-08T00:00:00Z", "01/15/2024"],
    }
)


def test_bombora_suite_passes_a_good_table(gx_context) -> None:
    result = _validate(gx_context, "raw__intent__bombora_surge", GOOD_SURGE)
    assert result.success, [r.expectation_config.type for r in result.results if not r.success]


def test_bombora_suite_fails_a_bad_table(gx_context) -> None:
    bad = GOOD_SURGE.assign(
        composite_score=["75", "150", "abc"], timestamp=["2024-01-01", None, "2024-13-01"]
    )
    result = _validate(gx_context, "raw__intent__bombora_surge", bad)
    assert not result.success
    failed = {
        (r.expectation_config.kwargs["column"], r.expectation_config.meta["reason"]): [
            None if pd.isna(value) else value for value in r.result["unexpected_list"]
        ]
        for r in result.results
        if not r.success
    }
    assert failed == {
        ("composite_score", "{column} '{value}' is outside 0-100"): ["150", "abc"],
        ("composite_score", "{column} '{value}' is not a number"): ["abc"],
        ("timestamp", "{column} is missing"): [None],
        (
            "timestamp",
            "{column} '{value}' is not a date or timestamp in 1900-2099 "
            "(YYYY-MM-DD, ISO 8601 timestamp or MM/DD/YYYY)",
        ): ["2024-13-01"],
    }


def test_suite_rejects_a_table_without_a_required_column(gx_context) -> None:
    result = _validate(gx_context, "raw__crm__account", pd.DataFrame({"id": ["1"], "name": ["A"]}))
    missing = [
        r.expectation_config.kwargs["column"]
        for r in result.results
        if r.expectation_config.type == "expect_column_to_exist" and not r.success
    ]
    assert missing == ["last_modified_date"]


def _temporal_regex() -> re.Pattern[str]:
    suite = contract_for("crm", "account").suite
    (regex,) = [
        e.regex
        for e in suite.expectations
        if e.expectation_type == "expect_column_values_to_match_regex"
    ]
    return re.compile(regex)


@pytest.mark.parametrize(
    "value",
    [
        "2024-01-02",
        "2024-01-02T10:00:00Z",
        "2024-01-02T10:00:00.000+0000",
        "2024-01-02 10:00:00+00:00",
        "2024-01-02 10:00:00.123456",
        "01/05/2024",
        "1/5/2024 13:45",
    ],
)
def test_dates_in_the_sources_formats_parse(value: str) -> None:
    assert _temporal_regex().search(value)


@pytest.mark.parametrize(
    "value",
    [
        "2024-13-01",
        "2024-01-32",
        "yesterday",
        "2024/01/02",
        "13/01/2024",
        "20240102",
        "1066-10-14",  # out of range: years 1900-2099 only
        "9999-12-31",
        "01/01/2201",
    ],
)
def test_impossible_or_foreign_dates_do_not(value: str) -> None:
    assert not _temporal_regex().search(value)


def test_activity_rows_need_email_or_ip_domain_and_a_known_type(runner: SuiteRunner) -> None:
    contract = contract_for("engagement", "activity")
    frame = pd.DataFrame(
        {column: [None] * 4 for column in contract.columns}, index=[1, 2, 3, 4], dtype="object"
    ).assign(
        activity_id=["a1", "a2", "a3", "a4"],
        occurred_at=["2024-01-01T10:00:00Z"] * 4,
        activity_type=["web_visit", "email_open", "page_view", "form_fill"],
        email=["x@acme.com", None, "y@beta.io", None],
        ip_domain=[None, None, None, "acme.com"],
    )
    failures = RowFailures()
    collect_row_failures(runner, contract.row_suite(), frame, failures)
    assert failures.as_frame()[["_row_number", "reason"]].to_dict("records") == [
        {"_row_number": 2, "reason": "neither email nor ip_domain is set"},
        {
            "_row_number": 3,
            "reason": "activity_type 'page_view' is not one of web_visit, email_open, "
            "email_click, form_fill, webinar_attended, event_attended, ad_click, meeting",
        },
    ]


def test_max_quarantine_share_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ABM_MAX_QUARANTINE_SHARE", raising=False)
    assert max_quarantine_share() == 0.05
    monkeypatch.setenv("ABM_MAX_QUARANTINE_SHARE", "0.2")
    assert max_quarantine_share() == 0.2
    monkeypatch.setenv("ABM_MAX_QUARANTINE_SHARE", "5")
    with pytest.raises(ValueError, match="between 0 and 1"):
        max_quarantine_share()


def test_suite_files_live_in_the_expectations_folder() -> None:
    assert (EXPECTATIONS_DIR / "great_expectations.yml").is_file()
    assert len(list(Path(EXPECTATIONS_DIR, "expectations").glob("raw__*.json"))) == 11
