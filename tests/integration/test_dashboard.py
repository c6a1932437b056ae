"""Every dashboard page renders on the built sample (Streamlit AppTest), with real data."""

from __future__ import annotations

import json

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import PROJECT_DIR, BuiltWarehouse

APP = str(PROJECT_DIR / "dashboard" / "app.py")
PAGES = ("targets", "account", "icp", "market", "results", "data_health")


@pytest.fixture
def serving_env(built_warehouse: BuiltWarehouse, monkeypatch: pytest.MonkeyPatch):
    assert built_warehouse.run_success, built_warehouse.failed_checks
    monkeypatch.setenv("ABM_SERVING_PATH", str(built_warehouse.serving_path))
    return built_warehouse


def _one(serving, sql: str) -> tuple:
    with duckdb.connect(str(serving), read_only=True) as con:
        return con.execute(sql).fetchone()


def page(name: str, **query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page(f"views/{name}.py")
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [w.value for w in at.warning]
    return "\n".join(parts + [i.value for i in at.info])


@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_without_exceptions(serving_env, name: str) -> None:
    at = page(name)
    assert at.title, f"{name} has no title"
    assert not at.error, [e.value for e in at.error]


def test_targets_page_shows_the_tier_1_table_with_reasons(serving_env) -> None:
    tier_1, name, reason = _one(
        serving_env.serving_path,
        "select count(*), max_by(account_name, fit_score), max_by(tier_reason, fit_score) "
        "from marts.account_targets_current where tier = 'tier_1'",
    )
    at = page("targets")
    assert any(s.value == f"Tier 1 accounts ({tier_1})" for s in at.subheader)
    tier_1_table = at.table[0].value
    assert len(tier_1_table) == tier_1
    assert name in set(tier_1_table.index)
    assert reason in set(tier_1_table["tier_reason"])
    counts = at.dataframe[0].value
    assert counts.set_index("tier").loc["tier_1", "capacity"] == 10


def test_targets_filters_narrow_the_lists_in_duckdb(serving_env) -> None:
    owner = _one(
        serving_env.serving_path,
        "select owner_name from marts.account_targets_current where tier = 'tier_3' "
        "and owner_name is not null group by 1 order by count(*) desc limit 1",
    )[0]
    at = page("targets")
    at.selectbox(key="filter_owner").select(owner).run()
    assert not at.exception
    lists = [frame.value for frame in at.dataframe[1:3]]
    assert all(set(frame["owner_name"]) == {owner} for frame in lists if len(frame))


def test_account_page_shows_why_for_a_tier_1_account(serving_env) -> None:
    account_id, reason, fit_reasons = _one(
        serving_env.serving_path,
        "select account_id, tier_reason, fit_reasons from marts.account_targets_current "
        "where tier = 'tier_1' order by fit_score desc limit 1",
    )
    at = page("account", account=account_id)
    shown = texts(at)
    assert reason in shown
    assert fit_reasons in shown or any(fit_reasons in str(m.value) for m in at.markdown)
    assert [m.value for m in at.metric][0] == "tier_1"


def test_account_page_lists_candidates_for_an_ambiguous_name(serving_env) -> None:
    word = _one(
        serving_env.serving_path,
        "select word from (select unnest(string_split(lower(account_name), ' ')) as word "
        "from marts.account_targets_current) where length(word) > 4 "
        "group by word having count(*) between 2 and 8 order by word limit 1",
    )[0]
    at = page("account", account=word)
    assert any("match" in w.value and "pick one" in w.value for w in at.warning)
    assert at.selectbox(key="account_pick").options


def test_account_page_says_when_nothing_matches(serving_env) -> None:
    at = page("account", account="no such company zzzq")
    assert any("No account matches" in w.value for w in at.warning)


def test_data_health_shows_the_publication_and_quarantine(serving_env) -> None:
    run_id, quarantined = _one(
        serving_env.serving_path,
        "select run_id, json_extract(load_summary, '$.rows_quarantined')::bigint "
        "from marts._publication",
    )
    at = page("data_health")
    assert any(run_id in m.value for m in at.markdown)
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Rows in quarantine"]) == quarantined > 0
    assert int(metrics["Files loaded"]) > 0


def test_account_page_shows_the_engagement_timeline_by_channel_and_role(serving_env) -> None:
    account_id, activities = _one(
        serving_env.serving_path,
        "select account_id, sum(activity_count) from marts.account_engagement_timeline "
        "group by 1 order by 2 desc, 1 limit 1",
    )
    with duckdb.connect(str(serving_env.serving_path), read_only=True) as con:
        roles = dict(
            con.execute(
                "select buying_role, sum(activity_count)::bigint "
                "from marts.account_engagement_timeline where account_id = ? group by 1",
                [account_id],
            ).fetchall()
        )
    at = page("account", account=account_id)
    assert any(s.value == "Engagement timeline by channel and buying role" for s in at.subheader)
    assert any(
        c.value.startswith("since ") and f": {activities:,} activities; channels " in c.value
        for c in at.caption
    )
    split = next(f.value for f in at.dataframe if "buying_role" in f.value.columns)
    assert dict(zip(split["buying_role"], split["activities"], strict=True)) == roles
    specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    encodings = [spec.get("encoding", {}) for spec in specs]
    by_week = [e for e in encodings if e.get("x", {}).get("field") == "week_start_date"]
    by_role = [e for e in encodings if e.get("y", {}).get("field") == "buying_role"]
    assert by_week and by_week[0]["color"]["field"] == "channel"
    assert by_role and by_role[0]["x"]["aggregate"] == "sum"


def test_data_health_lists_the_runs_check_warnings(serving_env) -> None:
    with duckdb.connect(str(serving_env.serving_path), read_only=True) as con:
        warned = con.execute(
            "select check_name from marts._check_results where status = 'warned'"
        ).fetchall()
    # The sample warns (relationships tests at severity warn, at least).
    assert warned
    at = page("data_health")
    assert any(f"{len(warned)} check(s) warned" in w.value for w in at.warning)
    shown = next(f.value for f in at.dataframe if "check_name" in f.value.columns)
    assert set(shown["check_name"]) >= {name for (name,) in warned}
