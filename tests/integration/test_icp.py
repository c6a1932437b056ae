"""ICP fit score against the planted truth of the sample data."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from tests.integration.deployments import compile_on_copy
from tests.saved_parse import reuse_session_parse

PROJECT_DIR = Path(__file__).resolve().parents[2]
AUC_TOLERANCE = 0.03
GRADES = ("A", "B", "C", "D")


def query(warehouse: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).df()


def truth(built_warehouse, name: str) -> pd.DataFrame:
    return pd.read_parquet(built_warehouse.truth_dir / f"{name}.parquet")


def rank_auc(score: pd.Series, won: pd.Series) -> float:
    """Mann-Whitney AUC with ties counted half (the statistic icp_backtest computes)."""
    won = won.astype(bool).to_numpy()
    ranks = score.rank(method="average").to_numpy()
    wins, losses = int(won.sum()), int((~won).sum())
    return float((ranks[won].sum() - wins * (wins + 1) / 2) / (wins * losses))


@pytest.fixture(scope="module")
def backtest_outcomes(built_warehouse) -> pd.DataFrame:
    """The backtest's outcomes with each account's planted true win probability."""
    outcomes = query(built_warehouse.warehouse_path, "select * from marts.icp_backtest_outcomes")
    crm = truth(built_warehouse, "crm_accounts")[["account_id", "company_key"]]
    companies = truth(built_warehouse, "companies")[["company_key", "true_win_probability"]]
    joined = outcomes.merge(crm, on="account_id", how="left").merge(
        companies, on="company_key", how="left"
    )
    assert joined["true_win_probability"].notna().all(), "every judged account is a CRM company"
    return joined


@pytest.fixture(scope="module")
def scores_with_truth(built_warehouse) -> pd.DataFrame:
    scores = query(
        built_warehouse.warehouse_path,
        "select scores.*, accounts.domain, accounts.account_type, accounts.is_in_crm"
        " as dim_is_in_crm from marts.account_fit_scores as scores"
        " inner join marts.dim_accounts as accounts using (account_id)",
    )
    companies = truth(built_warehouse, "companies")[["domain", "true_win_probability"]]
    return scores.merge(companies, on="domain", how="left")


def test_icp_checks_pass(built_warehouse):
    failed = [name for name in built_warehouse.failed_checks if "icp" in name]
    assert failed == []


def test_backtest_auc_in_sql_is_the_rank_statistic(built_warehouse, backtest_outcomes):
    overall = query(
        built_warehouse.warehouse_path,
        "select * from marts.icp_backtest where breakdown = 'overall'",
    ).iloc[0]
    assert overall["total_outcomes"] == len(backtest_outcomes)
    assert overall["wins"] == int(backtest_outcomes["is_won"].sum())
    assert overall["auc"] == pytest.approx(
        rank_auc(backtest_outcomes["fit_score"], backtest_outcomes["is_won"]), abs=1e-9
    )
    assert overall["auc_status"] == "pass"


def test_backtest_auc_is_close_to_the_planted_truth(backtest_outcomes):
    model_auc = rank_auc(backtest_outcomes["fit_score"], backtest_outcomes["is_won"])
    true_auc = rank_auc(backtest_outcomes["true_win_probability"], backtest_outcomes["is_won"])
    assert abs(true_auc - model_auc) <= AUC_TOLERANCE, (model_auc, true_auc, len(backtest_outcomes))


def test_backtest_judges_only_outcomes_after_the_cutoff(built_warehouse, backtest_outcomes):
    meta = json.loads((built_warehouse.truth_dir / "meta.json").read_text())
    opportunities = truth(built_warehouse, "opportunities")
    cutoff = backtest_outcomes["backtest_cutoff_date"].iloc[0]
    assert str(backtest_outcomes["as_of_date"].iloc[0])[:10] == meta["anchor_date"]
    closes = pd.to_datetime(opportunities["close_date"]).dt.date
    window = opportunities[
        opportunities["is_closed"].astype(bool)
        & (opportunities["opportunity_type"] == "New Business")
        & (closes > pd.Timestamp(cutoff).date())
        & (closes <= pd.Timestamp(meta["anchor_date"]).date())
        & opportunities["planted_defect"].isna()
    ]
    company_of = truth(built_warehouse, "crm_accounts").set_index("account_id")["company_key"]
    judged = set(backtest_outcomes["company_key"])
    # Clean deals closed in the window are judged; none of those after the as-of
    # date is (a planted defect may hide a deal's account or date on purpose).
    missed = set(window["true_account_id"].map(company_of)) - judged
    assert len(missed) <= 0.02 * len(judged), sorted(missed)[:10]


def test_grades_are_ordered_by_true_win_probability(scores_with_truth):
    scored = scores_with_truth[
        ~scores_with_truth["is_excluded"] & scores_with_truth["true_win_probability"].notna()
    ]
    mean_p = scored.groupby("fit_grade")["true_win_probability"].mean()
    assert list(mean_p.index) == list(GRADES)
    assert mean_p.is_monotonic_decreasing and mean_p.diff().dropna().lt(0).all(), mean_p


def test_backtest_grades_win_in_order(built_warehouse):
    grades = query(
        built_warehouse.warehouse_path,
        "select bucket, outcomes, win_rate from marts.icp_backtest where breakdown = 'grade'",
    ).set_index("bucket")
    assert grades.loc["A", "win_rate"] > grades.loc["C", "win_rate"] > grades.loc["D", "win_rate"]
    assert grades.loc["A", "win_rate"] > grades.loc["B", "win_rate"] > grades.loc["D", "win_rate"]


def test_null_effect_attribute_gets_weights_near_zero(built_warehouse):
    """Funding stage has no planted effect: its weights stay within sampling noise."""
    meta = json.loads((built_warehouse.truth_dir / "meta.json").read_text())
    assert meta["null_effect_attribute"] == "latest_funding_stage"
    weights = query(
        built_warehouse.warehouse_path,
        "select attribute_name, bucket, support, won_accounts, lost_accounts, weight"
        " from marts.icp_attribute_weights"
        " where attribute_name in ('funding_stage', 'employee_band')",
    )
    weights["abs_weight"] = weights["weight"].abs()
    # Standard error of a log odds ratio: sqrt(1/wins + 1/losses).
    weights["noise"] = np.sqrt(
        1 / weights["won_accounts"].clip(lower=1) + 1 / weights["lost_accounts"].clip(lower=1)
    )
    funding = weights[weights["attribute_name"] == "funding_stage"]
    assert len(funding) >= 6
    # Eight buckets: one beyond 2 standard errors is common luck, beyond 3 is not.
    assert (funding["abs_weight"] <= 3 * funding["noise"]).all(), funding
    assert funding["abs_weight"].max() < 0.5, funding

    def mean_abs(frame: pd.DataFrame) -> float:
        return float(np.average(frame["abs_weight"], weights=frame["support"]))

    # The strongest planted effect (company size) is found, so near zero means something.
    size = weights[weights["attribute_name"] == "employee_band"]
    assert mean_abs(funding) < 0.5 * mean_abs(size), (funding, size)


def test_every_universe_account_is_scored_with_its_evidence(built_warehouse, scores_with_truth):
    universe = query(built_warehouse.warehouse_path, "select count(*) as n from marts.dim_accounts")
    assert len(scores_with_truth) == universe["n"].iloc[0]
    net_new = scores_with_truth[~scores_with_truth["dim_is_in_crm"]]
    assert len(net_new) > 0
    assert not net_new["has_history"].any()
    assert net_new["fit_score"].between(0, 100).all()
    assert set(scores_with_truth["evidence_level"]) <= {"strong", "moderate", "thin"}
    # Missing enrichment lowers completeness, not the score to zero.
    sparse = scores_with_truth[scores_with_truth["data_completeness"] < 0.5]
    assert len(sparse) > 0 and (sparse["fit_score"] > 0).all()
    assert (sparse["evidence_level"] == "thin").all()
    assert sparse["fit_reasons"].str.contains("Missing data").all()


def test_competitors_and_partners_are_excluded_with_a_reason(scores_with_truth):
    hard = scores_with_truth[scores_with_truth["account_type"].isin(["competitor", "partner"])]
    assert len(hard) > 0
    assert hard["is_excluded"].all()
    assert (hard["fit_grade"] == "D").all()
    assert hard["exclusion_reason"].str.contains("Competitor|Partner").all()
    assert scores_with_truth.loc[~scores_with_truth["is_excluded"], "exclusion_reason"].isna().all()


def test_reasons_speak_in_win_rates(scores_with_truth):
    reasons = scores_with_truth["fit_reasons"]
    assert reasons.str.contains(r"Industry [A-Za-z ]+: wins \d+\.\dx as often").any()
    strong = scores_with_truth[scores_with_truth["fit_grade"] == "A"]
    assert strong["fit_reasons"].str.startswith(("Strengths:", "Excluded:")).all()


def test_a_seed_change_changes_the_scores(built_warehouse, tmp_path):
    """An analyst adds criteria to seeds/icp/icp_criteria.csv; the next run shows them.

    The edited seed is loaded into a copy of the warehouse (what `dbt seed` does with
    the edited file) and the ICP models are rebuilt in blend mode.
    """
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse.warehouse_path, copy)
    before = query(copy, "select account_id, fit_score, is_excluded from marts.account_fit_scores")
    with duckdb.connect(str(copy)) as con:
        con.execute(
            "insert into reference.icp_criteria values"
            " ('zz_boost_media', 'industry', 'equals', 'media', 'add', 2.0,"
            "  'ICP rule: media push', true),"
            " ('zz_exclude_education', 'industry', 'equals', 'Education', 'exclude', null,"
            "  'Education is out of scope', true)"
        )
    env = {
        **os.environ,
        "ABM_WAREHOUSE_PATH": str(copy),
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    reuse_session_parse(tmp_path / "target", env)
    subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "run",
            "--quiet",
            "--select",
            "path:models/intermediate/icp",
            "path:models/marts/icp",
            "--vars",
            "{icp_scoring_mode: blend}",
        ],
        cwd=PROJECT_DIR,
        env=env,
        check=True,
    )
    after = query(
        copy,
        "select scores.account_id, scores.fit_score, scores.is_excluded,"
        " scores.exclusion_reason, scores.fit_reasons, accounts.industry"
        " from marts.account_fit_scores as scores"
        " inner join marts.dim_accounts as accounts using (account_id)",
    )
    merged = after.merge(before, on="account_id", suffixes=("", "_before"))
    media = merged[merged["industry"] == "Media"]
    assert len(media) > 0
    assert (media["fit_score"] > media["fit_score_before"]).all()
    assert media["fit_reasons"].str.contains("ICP rule: media push").any()
    education = merged[merged["industry"] == "Education"]
    assert len(education) > 0 and education["is_excluded"].all()
    assert education["exclusion_reason"].str.contains("Education is out of scope").all()


def test_the_stored_fit_equals_the_one_query_fit(built_warehouse, tmp_path):
    """The build fits with its states stored as temporary tables (duckdb__logistic_fit_steps);
    `dbt compile` renders the one-query form (materialized CTEs). Run here, it gives the
    built coefficients to the last bit."""
    built_sql = next(
        (built_warehouse.warehouse_path.parent / "target").glob(
            "*/run/**/int_icp_attribute_coefficients.sql"
        )
    ).read_text()
    assert "temp.main.int_icp_attribute_coefficients__fit_" in built_sql
    copy, compiled = compile_on_copy(
        built_warehouse.warehouse_path, tmp_path, ["int_icp_attribute_coefficients"]
    )
    one_query = next(compiled.glob("**/int_icp_attribute_coefficients.sql")).read_text()
    assert "as materialized (" in one_query and "temp.main" not in one_query
    with duckdb.connect(str(copy), read_only=True) as con:
        fitted = con.execute(f"select * from ({one_query}) order by all").fetchall()
        built = con.execute(
            "select * from intermediate.int_icp_attribute_coefficients order by all"
        ).fetchall()
    assert len(built) > 20
    assert fitted == built
