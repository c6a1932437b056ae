"""The serving reader's pure pieces: fit reasons, domains, health warnings, search order."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from orchestration.lib import serving_reader as reader


def test_fit_contributions_reads_strengths_and_concerns() -> None:
    reasons = reader.fit_contributions(
        "Strengths: Company size 1001-5000 employees: wins 1.4x as often; Industry Software: "
        "wins 1.3x as often. Concerns: does not use salesforce: wins 0.8x as often. "
        "Missing data: segment."
    )
    assert [(r.kind, r.attribute, r.lift) for r in reasons] == [
        ("strength", "Company size 1001-5000 employees", 1.4),
        ("strength", "Industry Software", 1.3),
        ("concern", "does not use salesforce", 0.8),
    ]
    assert reader.fit_contributions(None) == []


@pytest.mark.parametrize(
    ("text", "domain"),
    [
        ("https://www.Example.com/about", "example.com"),
        ("example.co.uk", "example.co.uk"),
        ("Example Corp", None),
        ("001000000001228AAE", None),
    ],
)
def test_normalize_domain(text: str, domain: str | None) -> None:
    assert reader.normalize_domain(text) == domain


@pytest.fixture
def serving(tmp_path):
    path = tmp_path / "serving.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.account_targets_current as select * from (values "
            "('a1', 'Acme Freight', 'acme.com', 'tier_1', 'in_crm', 'Ann', 90.0), "
            "('a2', 'Acme Freight', 'acme-freight.de', 'not_target', 'net_new', null, 50.0), "
            "('a3', 'Bolt_Works 100%', 'bolt.io', 'tier_2', 'in_crm', 'Bo', 70.0)) "
            "as t(account_id, account_name, domain, tier, crm_status, owner_name, fit_score)"
        )
    with reader.open_serving(path) as con:
        yield con


def test_find_accounts_by_id_domain_name_and_ambiguity(serving) -> None:
    assert reader.find_accounts(serving, "a3").account.account_name == "Bolt_Works 100%"
    assert reader.find_accounts(serving, "https://www.ACME.com").account.account_id == "a1"
    ambiguous = reader.find_accounts(serving, "acme freight")
    assert ambiguous.status == "ambiguous"
    assert [m.account_id for m in ambiguous.matches] == ["a1", "a2"]  # tier 1 first
    # LIKE wildcards in the query are literal text.
    assert reader.find_accounts(serving, "works 100%").account.account_id == "a3"
    assert reader.find_accounts(serving, "_").status == "found"
    assert reader.find_accounts(serving, "%").status == "found"
    assert reader.find_accounts(serving, "nothing").status == "unknown"
    with pytest.raises(LookupError):
        _ = reader.find_accounts(serving, "nothing").account


def test_open_serving_refuses_a_missing_file(tmp_path) -> None:
    missing = reader.open_serving(tmp_path / "missing.duckdb")
    with pytest.raises(reader.ServingFileMissing, match="no published serving file"):
        missing.__enter__()


def test_health_warnings_name_what_to_look_at() -> None:
    published = reader.Publication(
        "2026-12-01T06:00:00+00:00",
        "run",
        {"account_tiers": 10, "tier_changes": 0},
        None,
        {"files": {"loaded": 3, "rejected": 1}, "rows_quarantined": 2},
    )
    counts = pd.DataFrame({"tier": ["tier_1", "tier_3"], "accounts": [0, 250]})
    backtest = [{"auc": 0.6, "auc_status": "warn", "auc_warn_below": 0.65, "auc_fail_below": 0.55}]
    warnings = reader.health_warnings(published, backtest, counts, {"tier_1": 10, "tier_3": 200})
    assert warnings == [
        "ICP backtest AUC is warn: 0.6 (warns below 0.65, fails below 0.55)",
        "No tier 1 accounts in the publication.",
        "tier_3 holds 250 accounts, above its capacity 200.",
        "1 landed file(s) were rejected (see below).",
        "Empty marts: tier_changes.",
    ]


@pytest.fixture
def timeline_serving(tmp_path):
    path = tmp_path / "timeline.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.account_engagement_timeline as select account_id, "
            "cast(week_start_date as date) as week_start_date, channel, buying_role, "
            "activity_count, activity_points, cast('2026-06-30' as date) as as_of_date "
            "from (values "
            "('a1', '2026-06-29', 'web', 'anonymous', 4, 2.0), "
            "('a1', '2026-06-22', 'sales', 'executive', 2, 30.0), "
            "('a1', '2026-06-22', 'email', 'executive', 3, 6.0), "
            "('a1', '2026-06-22', 'email', 'other', 1, 2.0), "
            "('a2', '2026-06-22', 'web', 'it', 9, 9.0)) "
            "as t(account_id, week_start_date, channel, buying_role, activity_count, "
            "activity_points)"
        )
        con.execute(
            "create table marts._check_results as select * from (values "
            "('marts/account_tiers', 'tier_drift_since_last_publication', 'WARN', 'warned', "
            "null, 'tier_1 moved 40%'), "
            "('marts/account_segments', 'relationships_account_segments_account_id', 'WARN', "
            "'warned', 3, '3 row(s) fail the test'), "
            "('raw/crm__account', 'feed_is_fresh', 'ERROR', 'failed', null, 'stale')) "
            "as t(asset, check_name, severity, status, failed_rows, message)"
        )
    with reader.open_serving(path) as con:
        yield con


def test_engagement_timeline_reads_one_account_oldest_week_first(timeline_serving) -> None:
    timeline = reader.engagement_timeline(timeline_serving, "a1")
    assert list(timeline.columns) == list(reader.TIMELINE_COLUMNS)
    assert [(str(w.date()), c, r) for w, c, r in timeline.iloc[:, :3].itertuples(index=False)] == [
        ("2026-06-22", "email", "executive"),
        ("2026-06-22", "email", "other"),
        ("2026-06-22", "sales", "executive"),
        ("2026-06-29", "web", "anonymous"),
    ]
    assert reader.engagement_split(timeline, "channel") == [
        ("email", 4, 8.0),
        ("web", 4, 2.0),
        ("sales", 2, 30.0),
    ]
    assert reader.engagement_split(timeline, "buying_role") == [
        ("executive", 5, 36.0),
        ("anonymous", 4, 2.0),
        ("other", 1, 2.0),
    ]
    assert reader.engagement_summary(timeline, top=2) == (
        "since 2026-06-22: 10 activities; channels email 4, web 4 (+1); "
        "roles executive 5, anonymous 4 (+1)"
    )
    assert reader.engagement_timeline(timeline_serving, "nobody").empty
    assert reader.engagement_summary(reader.engagement_timeline(timeline_serving, "nobody")) == (
        "no matched activity in the timeline weeks"
    )
    with pytest.raises(ValueError, match="split engagement by"):
        reader.engagement_split(timeline, "week_start_date")


def test_engagement_timeline_of_an_older_serving_file_is_empty(serving) -> None:
    assert reader.engagement_timeline(serving, "a1").empty
    assert reader.check_results(serving) is None


def test_check_results_failed_first_then_most_failing_rows(timeline_serving) -> None:
    checks = reader.check_results(timeline_serving)
    assert list(checks["check_name"]) == [
        "feed_is_fresh",
        "relationships_account_segments_account_id",
        "tier_drift_since_last_publication",
    ]
    assert list(checks["status"]) == ["failed", "warned", "warned"]
    assert checks["failed_rows"].iloc[1] == 3
