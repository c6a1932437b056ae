"""Read the published serving file for people: the dashboard and the `abm` command.

Every function takes a read-only DuckDB connection to the serving file (`open_serving`)
and pushes its filters, ordering and limits into one parameterized query, so nothing
loads a whole mart into memory: a page asks for the rows it shows. The build warehouse is
never opened here (README "Connect your BI tool").

Tables with history (`account_tiers`, the `*_scores` marts, `account_journey`) are read
at the latest as-of date unless a function says it reads the history.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import duckdb
import pandas as pd
import yaml

from orchestration.lib import settings

TIERS = ("tier_1", "tier_2", "tier_3")
DEFAULT_LIMIT = 200
MAX_LIMIT = 5000
# Columns of a target list row, in the order the dashboard and `abm targets` show them.
TARGET_COLUMNS = (
    "account_id",
    "account_name",
    "domain",
    "tier",
    "owner_name",
    "motion",
    "firmographic_segment",
    "region",
    "primary_need",
    "fit_grade",
    "fit_score",
    "intent_score",
    "engagement_score",
    "tier_reason",
)


class ServingFileMissing(FileNotFoundError):
    pass


@contextmanager
def open_serving(path: Path | str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the serving file (default: ABM_SERVING_PATH)."""
    serving = Path(path) if path else settings.serving_path()
    if not serving.exists():
        raise ServingFileMissing(
            f"no published serving file at {serving}: run `make run` (or `abm run`) first, "
            "or point ABM_SERVING_PATH at one"
        )
    con = duckdb.connect(str(serving), read_only=True)
    try:
        yield con
    finally:
        con.close()


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _frame(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None
) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


def _limit(limit: int | None) -> int:
    return max(1, min(int(limit or DEFAULT_LIMIT), MAX_LIMIT))


# ---------------------------------------------------------------- publication and health


@dataclass(frozen=True)
class Publication:
    published_at: str
    run_id: str
    row_counts: dict[str, int]
    as_of_date: date | None
    # Files per load status, rows quarantined, rejected files, top quarantine reasons
    # (orchestration/lib/publish.py `load_summary`); None in files published before it.
    load_summary: dict | None


def publication(con: duckdb.DuckDBPyConnection) -> Publication:
    row = _rows(con, "select * from marts._publication")[0]
    as_of = con.execute("select max(as_of_date) from marts.account_targets_current").fetchone()[0]
    summary = row.get("load_summary")
    return Publication(
        row["published_at"],
        row["run_id"],
        json.loads(row["row_counts"] or "{}"),
        as_of,
        json.loads(summary) if summary else None,
    )


def _has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
            [schema, table],
        ).fetchone()[0]
    )


def check_results(con: duckdb.DuckDBPyConnection, limit: int = 500) -> pd.DataFrame | None:
    """The publishing run's checks that warned or failed without blocking
    (marts._check_results, orchestration/lib/check_results.py): failed ones first, then
    the most failing rows. None for a serving file published before they were kept."""
    if not _has_table(con, "marts", "_check_results"):
        return None
    return _frame(
        con,
        "select status, severity, asset, check_name, failed_rows, message "
        "from marts._check_results "
        "order by status = 'failed' desc, failed_rows desc nulls last, asset, check_name "
        f"limit {_limit(limit)}",
    )


def backtest_status(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The ICP backtest's overall line: AUC and whether it passes, warns or fails."""
    return _rows(
        con,
        "select backtest_cutoff_date, as_of_date, auc, auc_status, auc_warn_below, "
        "auc_fail_below, total_outcomes from marts.icp_backtest where breakdown = 'overall'",
    )


# ---------------------------------------------------------------- targets


def configured_tier_capacity(project_dir: Path | None = None) -> dict[str, int]:
    """Tier capacities from `dbt_project.yml` vars, overridden by ABM_DBT_VARS as a run is."""
    project = yaml.safe_load(
        (project_dir or settings.PROJECT_DIR).joinpath("dbt_project.yml").read_text()
    )
    capacity = dict(project.get("vars", {}).get("tiers_capacity", {}))
    overrides = os.environ.get(settings.DBT_VARS.env) or ""
    if overrides.strip():
        capacity.update(json.loads(overrides).get("tiers_capacity", {}))
    return {tier: int(value) for tier, value in capacity.items()}


def capacity_per_cluster(project_dir: Path | None = None) -> list[str]:
    """The tiers whose capacity counts per cluster (var tiers_capacity_per_cluster)."""
    path = (project_dir or settings.PROJECT_DIR) / "dbt_project.yml"
    return list(
        yaml.safe_load(path.read_text()).get("vars", {}).get("tiers_capacity_per_cluster", [])
    )


def tier_counts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Accounts per tier (tier_1-3 and not_target), with owners and CRM/net-new split."""
    return _frame(
        con,
        "select tier, count(*) as accounts, count(owner_id) as with_owner, "
        "count(*) filter (where not is_in_crm) as net_new, "
        "count(*) filter (where is_surging) as surging "
        "from marts.account_targets_current group by tier order by tier",
    )


def owner_load(con: duckdb.DuckDBPyConnection, owner: str | None = None) -> pd.DataFrame:
    """Target accounts per owner and tier against the owner's capacity (marts.owner_capacity:
    1:1 and 1:few places per owner, accounts proposed to the owner by territory rules)."""
    where, params = "where tier in ('tier_1', 'tier_2', 'tier_3')", []
    if owner:
        where += " and lower(coalesce(owner_name, '')) like ? escape '\\'"
        params.append(f"%{_like_escape(owner.lower())}%")
    return _frame(
        con,
        "with load as ("
        " select owner_id, coalesce(owner_name, '(no owner)') as owner_name,"
        " count(*) filter (where tier = 'tier_1') as tier_1,"
        " count(*) filter (where tier = 'tier_2') as tier_2,"
        " count(*) filter (where tier = 'tier_3') as tier_3, count(*) as total"
        f" from marts.account_targets_current {where} group by all),"
        " capacity as ("
        " select owner_id,"
        " max(capacity) filter (where tier = 'tier_1') as tier_1_capacity,"
        " max(capacity) filter (where tier = 'tier_2') as tier_2_capacity,"
        " sum(proposed_accounts) as proposed, bool_or(is_over_capacity) as over_capacity"
        " from marts.owner_capacity group by owner_id)"
        " select load.owner_name, load.tier_1, capacity.tier_1_capacity, load.tier_2,"
        " capacity.tier_2_capacity, load.tier_3, load.total,"
        " cast(coalesce(capacity.proposed, 0) as bigint) as proposed,"
        " coalesce(capacity.over_capacity, false) as over_capacity"
        " from load left join capacity on load.owner_id = capacity.owner_id"
        " order by load.total desc, load.owner_name limit 500",
        params,
    )


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class TargetFilter:
    tiers: tuple[str, ...] = TIERS
    owner: str | None = None
    segment: str | None = None
    region: str | None = None
    need: str | None = None
    changed_since: date | None = None
    limit: int = DEFAULT_LIMIT


def targets(con: duckdb.DuckDBPyConnection, where: TargetFilter) -> pd.DataFrame:
    """Target accounts by tier and rank, each with its reason; filters run in DuckDB.

    `changed_since`: accounts whose tier changed on or after that date (marts.tier_changes).
    """
    clauses, params = ["targets.tier in (select unnest(?))"], [list(where.tiers)]
    text_filters = (
        ("targets.owner_name", where.owner),
        ("segments.firmographic_segment", where.segment),
        ("targets.region", where.region),
        ("targets.primary_need", where.need),
    )
    for column, value in text_filters:
        if value:
            clauses.append(f"lower(coalesce({column}, '')) like ? escape '\\'")
            params.append(f"%{_like_escape(value.lower())}%")
    if where.changed_since is not None:
        clauses.append(
            "targets.account_id in (select account_id from marts.tier_changes "
            "where as_of_date >= ?)"
        )
        params.append(where.changed_since)
    columns = ", ".join(
        f"segments.{c}" if c == "firmographic_segment" else f"targets.{c}" for c in TARGET_COLUMNS
    )
    sql = (
        f"select {columns} from marts.account_targets_current as targets "
        "left join marts.account_segments as segments "
        "on targets.account_id = segments.account_id "
        "and targets.as_of_date = segments.as_of_date "
        f"where {' and '.join(clauses)} "
        "order by targets.tier, targets.tier_rank nulls last, targets.fit_score desc, "
        f"targets.account_id limit {_limit(where.limit)}"
    )
    return _frame(con, sql, params)


def filter_options(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Values the target filters offer (owners, segments, regions, needs of target accounts)."""
    options = {}
    for name, column in (
        ("owner", "targets.owner_name"),
        ("region", "targets.region"),
        ("need", "targets.primary_need"),
        ("segment", "segments.firmographic_segment"),
    ):
        options[name] = [
            row[0]
            for row in con.execute(
                f"select distinct {column} from marts.account_targets_current as targets "
                "left join marts.account_segments as segments "
                "on targets.account_id = segments.account_id "
                "and targets.as_of_date = segments.as_of_date "
                f"where targets.tier != 'not_target' and {column} is not null "
                "order by 1 limit 1000"
            ).fetchall()
        ]
    return options


# ---------------------------------------------------------------- account search and profile


@dataclass(frozen=True)
class AccountMatch:
    account_id: str
    account_name: str | None
    domain: str | None
    tier: str
    crm_status: str | None
    owner_name: str | None


@dataclass(frozen=True)
class Lookup:
    status: Literal["found", "ambiguous", "unknown"]
    query: str
    matches: tuple[AccountMatch, ...] = ()
    more: bool = False  # more candidates than listed

    @property
    def account(self) -> AccountMatch:
        if self.status != "found":
            raise LookupError(f"{self.query!r} is {self.status}")
        return self.matches[0]


_MATCH_COLUMNS = "account_id, account_name, domain, tier, crm_status, owner_name"
_DOMAIN = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?(?:www\.)?([^/\s?#:]+\.[^/\s?#:]+)")


def normalize_domain(text: str) -> str | None:
    """`https://www.Example.com/path` -> `example.com`; None when it is not a domain."""
    found = _DOMAIN.match(text.strip().lower())
    return found.group(1).rstrip(".") if found and " " not in text.strip() else None


def find_accounts(con: duckdb.DuckDBPyConnection, query: str, limit: int = 10) -> Lookup:
    """One account by id, domain or name; candidates when a name matches several.

    Order: the exact account id; the exact domain (a URL works too); the exact name
    (case-insensitive); then names containing the text. One match is found, several are
    ambiguous (the candidates, best fit first), none is unknown.
    """
    text = query.strip()
    if not text:
        return Lookup("unknown", query)
    steps: list[tuple[str, list[Any]]] = [("account_id = ?", [text])]
    domain = normalize_domain(text)
    if domain:
        steps.append(("domain = ?", [domain]))
    steps.append(("lower(account_name) = ?", [text.lower()]))
    steps.append(("lower(account_name) like ? escape '\\'", [f"%{_like_escape(text.lower())}%"]))
    for where, params in steps:
        rows = con.execute(
            f"select {_MATCH_COLUMNS} from marts.account_targets_current where {where} "
            "order by tier = 'not_target', tier, fit_score desc nulls last, account_id "
            f"limit {int(limit) + 1}",
            params,
        ).fetchall()
        if rows:
            matches = tuple(AccountMatch(*row) for row in rows[:limit])
            status = "found" if len(rows) == 1 else "ambiguous"
            return Lookup(status, query, matches, more=len(rows) > limit)
    return Lookup("unknown", query)


@dataclass(frozen=True)
class FitReason:
    kind: Literal["strength", "concern"]
    attribute: str
    lift: float


_REASON = re.compile(r"([^;:.][^;:]*?): wins ([0-9.]+)x as often")


def fit_contributions(fit_reasons: str | None) -> list[FitReason]:
    """The attribute lifts named in a fit reason ("Strengths: Industry Software: wins 1.4x
    as often; ... Concerns: ..."), strongest first within strengths, then concerns."""
    if not fit_reasons:
        return []
    found: list[FitReason] = []
    strengths, _, rest = fit_reasons.partition("Concerns:")
    for kind, text in (("strength", strengths), ("concern", rest.split("Missing data:")[0])):
        for match in _REASON.finditer(text.replace("Strengths:", "")):
            found.append(FitReason(kind, match.group(1).strip(" ;."), float(match.group(2))))
    return found


@dataclass
class AccountProfile:
    account: dict
    fit: dict | None
    intent: dict | None
    engagement: dict | None
    journey: dict | None
    net_new: dict | None
    tier_history: list[dict] = field(default_factory=list)
    tier_changes: list[dict] = field(default_factory=list)
    intent_trend: list[dict] = field(default_factory=list)
    program_plan: list[dict] = field(default_factory=list)
    # Weeks x channel x buying role (engagement_timeline); empty without activity.
    engagement_timeline: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def fit_reasons(self) -> list[FitReason]:
        return fit_contributions(self.account.get("fit_reasons"))


def _latest(
    con: duckdb.DuckDBPyConnection, mart: str, columns: str, account_id: str
) -> dict | None:
    rows = _rows(
        con,
        f"select {columns} from marts.{mart} where account_id = ? order by as_of_date desc limit 1",
        [account_id],
    )
    return rows[0] if rows else None


def account_profile(con: duckdb.DuckDBPyConnection, account_id: str) -> AccountProfile | None:
    """Everything the serving file knows about one account (None: no such account)."""
    found = _rows(
        con, "select * from marts.account_targets_current where account_id = ?", [account_id]
    )
    if not found:
        return None
    return AccountProfile(
        account=found[0],
        fit=_latest(
            con,
            "account_fit_scores",
            "fit_score, fit_grade, estimated_win_probability, evidence_level, "
            "data_completeness, is_excluded, exclusion_reason, fit_reasons, scoring_mode",
            account_id,
        ),
        intent=_latest(
            con,
            "account_intent_scores",
            "intent_score, is_surging, surging_topic_count, tracked_topic_count, top_topics, "
            "top_needs, primary_need, g2_signal_count, last_g2_signal_date",
            account_id,
        ),
        engagement=_latest(
            con,
            "account_engagement_scores",
            "engagement_score, is_engaged, activity_count, known_activity_count, "
            "anonymous_activity_count, engaged_people, engaged_buying_roles, "
            "last_7d_activity_count, is_spiking, activity_component, people_component, "
            "roles_component",
            account_id,
        ),
        journey=_latest(
            con,
            "account_journey",
            "current_stage, furthest_stage, current_stage_entered_date, "
            "days_since_current_stage_entered, known_date, qualified_entered_date, "
            "aware_entered_date, engaged_entered_date, mqa_entered_date, "
            "opportunity_entered_date, customer_entered_date",
            account_id,
        ),
        net_new=_latest(
            con, "net_new_accounts", "net_new_rank, known_by_sources, net_new_reason", account_id
        ),
        tier_history=_rows(
            con,
            "select as_of_date, tier, previous_tier, tier_source, reason_code, tier_reason "
            "from marts.account_tiers where account_id = ? order by as_of_date desc limit 60",
            [account_id],
        ),
        tier_changes=_rows(
            con,
            "select as_of_date, from_tier, to_tier, change_type, reason from marts.tier_changes "
            "where account_id = ? order by as_of_date desc limit 60",
            [account_id],
        ),
        intent_trend=_rows(
            con,
            "select as_of_date, intent_score, weighted_surge, surging_topic_count, is_surging "
            "from marts.account_intent_scores where account_id = ? "
            "order by as_of_date limit 400",
            [account_id],
        ),
        program_plan=_rows(
            con,
            "select quarter_start_date, plan_tier, program_name, channel, cadence, "
            "runs_per_quarter, planned_cost_usd from marts.account_program_plan "
            "where account_id = ? and as_of_date = (select max(as_of_date) "
            "from marts.account_program_plan) order by planned_cost_usd desc limit 50",
            [account_id],
        ),
        engagement_timeline=engagement_timeline(con, account_id),
    )


TIMELINE_SPLITS = ("channel", "buying_role")
TIMELINE_COLUMNS = ("week_start_date", *TIMELINE_SPLITS, "activity_count", "activity_points")


def engagement_timeline(con: duckdb.DuckDBPyConnection, account_id: str) -> pd.DataFrame:
    """One account's engagement by week, channel and buying role (marts.
    account_engagement_timeline, the var engagement_timeline_weeks weeks up to the as-of
    date), oldest week first; empty without activity or in a file published before it."""
    if not _has_table(con, "marts", "account_engagement_timeline"):
        return pd.DataFrame(columns=list(TIMELINE_COLUMNS))
    return _frame(
        con,
        f"select {', '.join(TIMELINE_COLUMNS)} from marts.account_engagement_timeline "
        "where account_id = ? order by week_start_date, channel, buying_role limit 2000",
        [account_id],
    )


def engagement_split(timeline: pd.DataFrame, by: str) -> list[tuple[str, int, float]]:
    """(channel or buying role, activities, points) over the timeline, most active first."""
    if by not in TIMELINE_SPLITS:
        raise ValueError(f"split engagement by one of {', '.join(TIMELINE_SPLITS)}")
    if timeline.empty:
        return []
    totals = timeline.groupby(by, as_index=False)[["activity_count", "activity_points"]].sum()
    totals = totals.sort_values(["activity_count", by], ascending=[False, True])
    return [
        (str(row[by]), int(row["activity_count"]), float(row["activity_points"]))
        for _, row in totals.iterrows()
    ]


def engagement_summary(timeline: pd.DataFrame, top: int = 3) -> str:
    """One line: activities per channel and per buying role over the timeline, e.g.
    "since 2026-05-25: 53 activities; channels web 31, email 13 (+4); roles it 12 (+5)"."""
    if timeline.empty:
        return "no matched activity in the timeline weeks"
    parts = []
    for by, label in (("channel", "channels"), ("buying_role", "roles")):
        split = engagement_split(timeline, by)
        shown = ", ".join(f"{name} {count:,}" for name, count, _ in split[:top])
        more = f" (+{len(split) - top})" if len(split) > top else ""
        parts.append(f"{label} {shown}{more}")
    since = pd.Timestamp(timeline["week_start_date"].min()).date()
    total = int(timeline["activity_count"].sum())
    return f"since {since}: {total:,} activities; " + "; ".join(parts)


def top_tier_1(con: duckdb.DuckDBPyConnection, limit: int = 5) -> list[dict]:
    """The best tier 1 accounts with their reason (the `make run` summary)."""
    return _rows(
        con,
        "select account_name, domain, owner_name, tier_reason from marts.account_targets_current "
        "where tier = 'tier_1' order by tier_rank nulls last, fit_score desc, account_id "
        f"limit {_limit(limit)}",
    )


# ---------------------------------------------------------------- ICP, market, results


def icp_weights(
    con: duckdb.DuckDBPyConnection, scored_only: bool = True, limit: int = 60
) -> pd.DataFrame:
    where = "where is_scored" if scored_only else ""
    return _frame(
        con,
        "select attribute_label, attribute_name, bucket, lift, weight, support, won_accounts, "
        "lost_accounts, evidence, rule_reason from marts.icp_attribute_weights "
        f"{where} order by abs(weight) desc nulls last, attribute_bucket limit {_limit(limit)}",
    )


def icp_backtest(con: duckdb.DuckDBPyConnection, breakdown: str) -> pd.DataFrame:
    return _frame(
        con,
        "select bucket, outcomes, wins, losses, win_rate, lift, average_fit_score "
        "from marts.icp_backtest where breakdown = ? "
        "order by try_cast(bucket as integer) nulls last, bucket",
        [breakdown],
    )


def tier_changes_since_last_run(con: duckdb.DuckDBPyConnection, limit: int = 200) -> pd.DataFrame:
    """Tier changes at the latest as-of date: what this run changed."""
    return _frame(
        con,
        "select changes.as_of_date, targets.account_name, targets.domain, changes.from_tier, "
        "changes.to_tier, changes.change_type, changes.reason "
        "from marts.tier_changes as changes inner join marts.account_targets_current as targets "
        "on changes.account_id = targets.account_id "
        "where changes.as_of_date = (select max(as_of_date) from marts.tier_changes) "
        f"order by changes.to_tier, targets.account_name limit {_limit(limit)}",
    )


def net_new(con: duckdb.DuckDBPyConnection, limit: int = 100) -> pd.DataFrame:
    return _frame(
        con,
        "select net_new_rank, account_name, domain, industry, size_band, region, fit_grade, "
        "fit_score, intent_score, tier, net_new_reason from marts.net_new_accounts "
        f"order by net_new_rank limit {_limit(limit)}",
    )


TAM_DIMENSIONS = ("industry", "size_band", "region", "fit_grade", "crm_status", "tier")


def tam_by(con: duckdb.DuckDBPyConnection, dimension: str) -> pd.DataFrame:
    if dimension not in TAM_DIMENSIONS:
        raise ValueError(f"TAM dimension must be one of {', '.join(TAM_DIMENSIONS)}")
    return _frame(
        con,
        f"select {dimension}, sum(account_count) as accounts, "
        "sum(icp_account_count) as icp_accounts, "
        "sum(icp_net_new_account_count) as icp_net_new_accounts, "
        "sum(revenue_potential_usd) as revenue_potential_usd, "
        "sum(icp_net_new_revenue_potential_usd) as icp_net_new_revenue_potential_usd "
        "from marts.tam_summary group by all order by accounts desc limit 200",
    )


def kpis_by_month(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """KPIs per month, target (tier 1-3) against non-target, ratios from their parts."""
    return _frame(
        con,
        "select month_start_date, case when is_target then 'target' else 'non-target' end "
        "as tier_group, sum(account_count) as accounts, "
        "sum(opportunities_created) as opportunities_created, "
        "sum(pipeline_created_usd) as pipeline_created_usd, sum(won_deals) as won_deals, "
        "sum(won_amount_usd) as won_amount_usd, "
        "sum(won_deals) / nullif(sum(closed_deals), 0) as win_rate, "
        "sum(mqa_converted_accounts) / nullif(sum(mqa_accounts), 0) as mqa_to_opportunity_rate "
        "from marts.abm_kpis group by all order by month_start_date, tier_group limit 2000",
    )


def program_budget(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return _frame(
        con,
        "select quarter_start_date, plan_tier, sum(account_count) as accounts, "
        "sum(plan_item_count) as plan_items, sum(planned_cost_usd) as planned_cost_usd "
        "from marts.program_budget where as_of_date = (select max(as_of_date) "
        "from marts.program_budget) group by all order by quarter_start_date, plan_tier",
    )


def health_warnings(
    published: Publication,
    backtest: list[dict],
    counts: pd.DataFrame,
    capacity: dict[str, int],
    per_cluster: tuple[str, ...] = ("tier_2",),
) -> list[str]:
    """What a reader of the Data health page should look at, one sentence each."""
    warnings = []
    for line in backtest:
        if line["auc_status"] != "pass":
            warnings.append(
                f"ICP backtest AUC is {line['auc_status']}: {line['auc']} "
                f"(warns below {line['auc_warn_below']}, fails below {line['auc_fail_below']})"
            )
    per_tier = dict(zip(counts["tier"], counts["accounts"], strict=True))
    if not per_tier.get("tier_1"):
        warnings.append("No tier 1 accounts in the publication.")
    for tier, limit in capacity.items():
        if tier not in per_cluster and per_tier.get(tier, 0) > limit:
            warnings.append(f"{tier} holds {per_tier[tier]} accounts, above its capacity {limit}.")
    summary = published.load_summary or {}
    rejected = sum(v for k, v in summary.get("files", {}).items() if k != "loaded")
    if rejected:
        warnings.append(f"{rejected} landed file(s) were rejected (see below).")
    empty = sorted(mart for mart, rows in published.row_counts.items() if rows == 0)
    if empty:
        warnings.append(f"Empty marts: {', '.join(empty)}.")
    return warnings
