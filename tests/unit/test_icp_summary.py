"""The run summary says how the ICP learned and what its backtest said."""

import duckdb

from orchestration.lib.runner import icp_summary


def _warehouse(rows: list[tuple]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute("create schema marts")
    con.execute(
        "create table marts.icp_backtest (breakdown varchar, training_mode varchar,"
        " training_mode_reason varchar, auc double, auc_status varchar, total_outcomes integer,"
        " judged_on varchar)"
    )
    con.executemany("insert into marts.icp_backtest values (?, ?, ?, ?, ?, ?, ?)", rows)
    return con


def test_the_mode_and_its_reason_are_a_sentence_of_the_summary() -> None:
    con = _warehouse([
        ("overall", "deal", "Learned from deals: only 3 of 465 closed accounts never won.",
         0.752, "pass", 2900, "deals"),
        ("grade", "deal", "ignored", None, "pass", 2900, "deals"),
    ])
    assert icp_summary(con) == [
        "ICP fit: training mode deal. Learned from deals: only 3 of 465 closed accounts never won.",
        "ICP backtest: AUC 0.752 (pass) on 2,900 deals closed after the cutoff.",
    ]


def test_a_fallback_without_an_auc_says_so() -> None:
    con = _warehouse([("overall", "rules", "No attribute model learned.", None,
                       "too_few_outcomes", 4, "deals")])
    assert icp_summary(con)[1] == (
        "ICP backtest: no AUC (too_few_outcomes) on 4 deals closed after the cutoff."
    )


def test_no_icp_backtest_yet_says_nothing() -> None:
    assert icp_summary(duckdb.connect(":memory:")) == []
