"""A second day on a copy of the session's build, through the real Dagster job, in one
refresh (each whole refresh costs `make test` about two CPU-minutes, so the day-2
scenarios share one):

- CRM write-back and tier alerts: day 1 is the session build (its first write-back: every
  account is new); day 2 lands one more day of intent and engagement for a few high-fit
  accounts outside tier 1 and runs with a webhook on a local HTTP server. The write-back
  must hold exactly the accounts whose ABM fields changed between the two publications,
  and the alert must name the accounts new in tier 1.
- Files that are partly bad still publish: bad lines are bad rows, hosts have one
  spelling, decimal commas are flagged, and what nothing loads is named, not ignored.
- Tier capacities raised for this run through ABM_DBT_VARS (the README's example): every
  check reads the run's vars, and the larger tiers publish.
"""

from __future__ import annotations

import csv
import json
import shutil
import threading
from dataclasses import dataclass
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import dagster as dg
import duckdb
import idna
import pytest

from orchestration.lib.crm_writeback import HUBSPOT_FILE, NEW_ACCOUNTS_FILE, SALESFORCE_FILE
from tests.conftest import PROJECT_DIR, BuiltWarehouse
from tests.integration.deployments import (
    Deployment,
    deploy_copy,
    failed_checks,
    publication_run_id,
    run_refresh,
)

RAISED_CAPACITIES = '{"tiers_capacity": {"tier_1": 40, "tier_2": 150, "tier_3": 600}}'
IDN_DOMAIN = "münchen-prüfwerk.de"
IDN_PUNYCODE = idna.encode(IDN_DOMAIN).decode()
BOOSTED = 4
# The compared ABM fields, as the CRM sees them (scores rounded to whole numbers).
COMPARED = ("tier", "motion", "fit_score", "fit_grade", "intent_score", "tier_reason")
VALUES = (
    "tier, motion, cast(round(fit_score) as integer) as fit_score, fit_grade, "
    "cast(round(intent_score) as integer) as intent_score, tier_reason"
)


class _Recorder(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Recorder.received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def _cut_jsonl(records: int, cut: int) -> str:
    lines = [
        json.dumps({"domain": f"part{i}.example", "name": f"Part {i}", "updated_at": "2026-11-10"})
        for i in range(records)
    ]
    lines[cut - 1] = lines[cut - 1][:-12]
    return "\n".join(lines) + "\n"


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _land_day_two(built: BuiltWarehouse, deployment: Deployment) -> list[str]:
    """Surging intent on every seeded topic and meetings, events and forms by known
    contacts, on the day after the anchor, for the best-fit A accounts outside tier 1."""
    anchor = json.loads((built.truth_dir / "meta.json").read_text())["anchor_date"]
    day = (date.fromisoformat(anchor) + timedelta(days=1)).isoformat()
    with duckdb.connect(str(built.warehouse_path), read_only=True) as con:
        accounts = con.execute(
            """
            select t.account_id, a.domain
            from marts.account_tiers as t
            inner join marts.dim_accounts as a on t.account_id = a.account_id
            where t.as_of_date = (select max(as_of_date) from marts.account_tiers)
              and t.is_in_crm and not t.is_customer and not t.is_excluded
              and t.fit_grade = 'A' and t.acv_class = 'large' and t.tier <> 'tier_1'
              and a.domain is not null
            order by t.fit_score desc, t.account_id
            limit ?
            """,
            [BOOSTED],
        ).fetchall()
        contacts = con.execute(
            "select account_id, email from raw.crm__contact where email like '%@%' "
            "and account_id in (select unnest(?)) order by account_id, email",
            [[account for account, _ in accounts]],
        ).fetchall()
    with (PROJECT_DIR / "seeds" / "intent" / "intent_topics.csv").open() as handle:
        topics = [(row["topic_id"], row["topic_name"]) for row in csv.DictReader(handle)]
    surge = ["Domain,TopicId,TopicName,CompositeScore,Timestamp"]
    activity = ["activity_id,occurred_at,email,ip_domain,activity_type,channel"]
    for number, (account, domain) in enumerate(accounts):
        surge += [f"{domain},{tid},{name},100,{day}" for tid, name in topics]
        emails = [email for owner, email in contacts if owner == account][:3]
        for seq, kind in enumerate(
            ["meeting", "event_attended", "form_fill", "webinar_attended"] * 3
        ):
            email = emails[seq % len(emails)] if emails else ""
            activity.append(
                f"DAY2-{number}-{seq},{day} 0{seq % 10}:00:00,{email},{domain},{kind},web"
            )
    intent_dir = deployment.landing / "intent" / "bombora_surge"
    (intent_dir / f"{day}_bombora_surge_day2.csv").write_text("\n".join(surge) + "\n")
    activity_dir = deployment.landing / "engagement" / "activity"
    (activity_dir / f"{day}_activity_day2.csv").write_text("\n".join(activity) + "\n")
    return [account for account, _ in accounts]


def _land_partly_bad_files(landing: Path) -> Path:
    """Partly bad files, IDN and decimal-comma spellings, misplaced folders and a resent
    copy; returns the original of the resent file."""
    (landing / "enrichment/company/p1_partly_bad.jsonl").write_text(_cut_jsonl(2_000, cut=16))
    (landing / "crm/account/p2_idn_and_decimals.csv").write_text(
        "Id,Name,Website,AnnualRevenue,NumberOfEmployees,LastModifiedDate\n"
        f"IDN1,München Prüfwerk GmbH,https://www.{IDN_DOMAIN}/kontakt,,,2026-11-10\n"
        'DEC1,Decimal Comma SA,decimal-comma.example,"1234567,89","100,5",2026-11-10\n'
        'DEC2,Thousands Inc,thousands.example,"1,234,567.89","1,005",2026-11-10\n',
        encoding="utf-8",
    )
    (landing / "enrichment/company/p3_idn.csv").write_text(
        f"Domain,Name,Employees,UpdatedAt\n{IDN_PUNYCODE},Muenchen Pruefwerk,120,2026-11-10\n"
    )
    for folder in ("crm/accounts", "hubspot/companies"):
        (landing / folder).mkdir(parents=True)
        (landing / folder / "misplaced.csv").write_text("Id,Name,LastModifiedDate\n")
    original = sorted((landing / "crm/user").iterdir())[0]
    shutil.copy2(original, landing / "crm/user" / f"resent_{original.name}")
    return original


@dataclass(frozen=True)
class DayTwo:
    built: BuiltWarehouse
    deployment: Deployment
    result: dg.ExecuteInProcessResult
    boosted: list[str]
    messages: list[dict[str, Any]]
    resent_original: Path

    @property
    def crm(self) -> Path:
        return self.deployment.root / "crm"


@pytest.fixture(scope="module")
def day_two(built_warehouse: BuiltWarehouse, tmp_path_factory) -> DayTwo:
    deployment = deploy_copy(built_warehouse, tmp_path_factory.mktemp("day_two") / "deploy")
    # Day 1's write-back state travels with the deployment, as it would on a server.
    shutil.copytree(built_warehouse.exports_dir.parent / "crm", deployment.root / "crm")
    boosted = _land_day_two(built_warehouse, deployment)
    original = _land_partly_bad_files(deployment.landing)
    _Recorder.received = []
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        # Capacities raised for this run only, as the README shows: every check reads them.
        result, _ = run_refresh(
            deployment,
            {
                "ABM_DBT_VARS": RAISED_CAPACITIES,
                "ABM_ALERT_WEBHOOK": f"http://127.0.0.1:{server.server_port}/abm",
            },
        )
    finally:
        server.shutdown()
        server.server_close()
    return DayTwo(built_warehouse, deployment, result, boosted, list(_Recorder.received), original)


def _changed_crm_accounts(day_1: Path, day_2: Path) -> tuple[set[str], set[str]]:
    """CRM accounts whose compared fields differ between two publications, and the rest."""
    differs = " or ".join(f"d2.{c} is distinct from d1.{c}" for c in COMPARED)
    with duckdb.connect() as con:
        con.execute(f"attach '{day_1}' as one (read_only)")
        con.execute(f"attach '{day_2}' as two (read_only)")
        rows = con.execute(
            f"select d2.account_id, d1.account_id is null or {differs} "
            "from (select account_id, is_in_crm, "
            + VALUES
            + " from two.marts.account_targets_current) as d2 "
            "left join (select account_id, "
            + VALUES
            + " from one.marts.account_targets_current) as d1 "
            "on d1.account_id = d2.account_id where d2.is_in_crm"
        ).fetchall()
    return {a for a, changed in rows if changed}, {a for a, changed in rows if not changed}


def _tiers(serving: Path) -> dict[str, str]:
    with duckdb.connect(str(serving), read_only=True) as con:
        return dict(
            con.execute("select account_id, tier from marts.account_targets_current").fetchall()
        )


def _warned(result: dg.ExecuteInProcessResult, check: str) -> dg.AssetCheckEvaluation:
    found = [e for e in result.get_asset_check_evaluations() if e.check_name == check]
    failing = [e for e in found if not e.passed]
    assert failing, f"{check} did not warn"
    assert all(e.severity == dg.AssetCheckSeverity.WARN for e in failing)
    return failing[0]


# --- write-back and alerts ---------------------------------------------------------


def test_day_one_wrote_every_crm_account(built_warehouse: BuiltWarehouse) -> None:
    crm = built_warehouse.exports_dir.parent / "crm"
    with duckdb.connect(str(built_warehouse.serving_path), read_only=True) as con:
        in_crm, net_new = con.execute(
            "select count(*) filter (where is_in_crm), "
            "count(*) filter (where not is_in_crm and tier_rank <= 3) "
            "from marts.account_targets_current"
        ).fetchone()
    assert len(_read(crm / SALESFORCE_FILE)) == in_crm > 0
    assert len(_read(crm / HUBSPOT_FILE)) == in_crm
    assert len(_read(crm / NEW_ACCOUNTS_FILE)) == net_new > 0


def test_the_write_back_holds_exactly_the_accounts_whose_fields_changed(day_two: DayTwo) -> None:
    assert day_two.result.success, failed_checks(day_two.result)
    changed, unchanged = _changed_crm_accounts(
        day_two.built.serving_path, day_two.deployment.serving
    )
    assert changed and unchanged
    assert set(day_two.boosted) <= changed
    salesforce = _read(day_two.crm / SALESFORCE_FILE)
    assert {row["Id"] for row in salesforce} == changed
    assert len(salesforce) == len(changed)
    assert len(_read(day_two.crm / HUBSPOT_FILE)) == len(changed)
    # Values are the day-2 publication's, whole-number scores.
    with duckdb.connect(str(day_two.deployment.serving), read_only=True) as con:
        tiers = dict(
            con.execute("select account_id, tier from marts.account_targets_current").fetchall()
        )
    assert all(row["ABM_Tier__c"] == tiers[row["Id"]] for row in salesforce)
    assert all(row["ICP_Fit_Score__c"].isdigit() for row in salesforce if row["ICP_Fit_Score__c"])


def test_no_cell_of_the_crm_files_starts_like_a_formula(day_two: DayTwo) -> None:
    for name in (SALESFORCE_FILE, HUBSPOT_FILE, NEW_ACCOUNTS_FILE):
        for row in _read(day_two.crm / name):
            assert not any(value.startswith(("=", "+", "-", "@")) for value in row.values())


def test_the_alert_names_the_new_tier_1_accounts(day_two: DayTwo) -> None:
    """The boosted accounts enter tier 1 (its raised capacity is not what limits it here:
    its rules are) and the message names exactly the accounts new in tier 1. Demotions
    and the list limit are pinned by tests/unit/test_crm_files.py."""
    before, after = _tiers(day_two.built.serving_path), _tiers(day_two.deployment.serving)
    new_tier_1 = {a for a, tier in after.items() if tier == "tier_1" and before.get(a) != "tier_1"}
    demoted_out_of_1 = {
        a for a, tier in before.items() if tier == "tier_1" and after.get(a) != "tier_1"
    }
    assert new_tier_1, "day 2 moved no account into tier 1"
    assert set(day_two.boosted) <= new_tier_1
    (message,) = day_two.messages
    assert message["job"] == "daily_refresh"
    assert {a["account_id"] for a in message["new_tier_1"]} == new_tier_1
    assert demoted_out_of_1 <= {a["account_id"] for a in message["demoted"]}
    for account in message["new_tier_1"]:
        assert f"{account['account_name']} ({account['account_id']})" in message["text"]
        assert account["owner"] and account["tier_reason"]


# --- partly bad files, raised capacities --------------------------------------------


def test_a_partly_bad_refresh_publishes(day_two: DayTwo) -> None:
    deployment, result = day_two.deployment, day_two.result
    assert result.success, failed_checks(result)
    assert publication_run_id(deployment.serving) == result.run_id


def test_capacities_raised_through_abm_dbt_vars_publish_larger_tiers(day_two: DayTwo) -> None:
    deployment, result = day_two.deployment, day_two.result
    capacity = [e for e in result.get_asset_check_evaluations() if "capacity" in e.check_name]
    assert capacity and all(e.passed for e in capacity)

    def targeted(serving) -> int:
        with duckdb.connect(str(serving), read_only=True) as con:
            return con.execute(
                "select count(*) from marts.account_tiers "
                "where tier in ('tier_1', 'tier_2', 'tier_3') "
                "and as_of_date = (select max(as_of_date) from marts.account_tiers)"
            ).fetchone()[0]

    assert targeted(deployment.serving) > targeted(day_two.built.serving_path)


def test_one_cut_json_line_is_one_quarantined_row(day_two: DayTwo) -> None:
    deployment = day_two.deployment
    rel = "enrichment/company/p1_partly_bad.jsonl"
    with duckdb.connect(str(deployment.warehouse), read_only=True) as con:
        loaded = con.execute(
            "select count(*) from raw.enrichment__company where _source_file = ?", [rel]
        ).fetchone()[0]
        quarantined = con.execute(
            "select _row_number, reason, record from raw.quarantine where _source_file = ?", [rel]
        ).fetchall()
    assert loaded == 1_999
    ((row_number, reason, record),) = quarantined
    assert row_number == 16
    assert reason.startswith("line 16: not valid JSON")
    assert record.startswith('{"domain": "part15.example"')  # the raw text as delivered


def test_unicode_and_punycode_spellings_are_one_account(day_two: DayTwo) -> None:
    deployment = day_two.deployment
    with duckdb.connect(str(deployment.warehouse), read_only=True) as con:
        rows = con.execute(
            "select account_id, domain, is_in_crm from marts.dim_accounts where domain in (?, ?)",
            [IDN_DOMAIN, IDN_PUNYCODE],
        ).fetchall()
        matched = con.execute(
            "select count(*) from raw.enrichment__company where domain = ?", [IDN_DOMAIN]
        ).fetchone()[0]
    assert rows == [("IDN1", IDN_DOMAIN, True)]
    assert matched == 1  # the punycode enrichment record landed in its Unicode spelling


def test_decimal_commas_are_flagged_never_other_numbers(day_two: DayTwo) -> None:
    deployment = day_two.deployment
    with duckdb.connect(str(deployment.warehouse), read_only=True) as con:
        rows = dict(
            (row[0], row[1:])
            for row in con.execute(
                "select account_id, annual_revenue, number_of_employees, invalid_values "
                "from staging.stg_crm__accounts where account_id in ('DEC1', 'DEC2')"
            ).fetchall()
        )
    revenue, employees, invalid = rows["DEC1"]
    assert revenue is None and employees is None
    assert "annual_revenue" in invalid and "number_of_employees" in invalid
    assert rows["DEC2"][:2] == (pytest.approx(1234567.89), 1005)


def test_files_in_unknown_folders_are_named_with_the_nearest_folder(day_two: DayTwo) -> None:
    result = day_two.result
    description = _warned(result, "every_landed_file_is_claimed").description
    assert "crm/accounts/misplaced.csv is not in a <source>/<table>/ folder" in description
    assert "(did you mean crm/account/?)" in description
    assert "hubspot/companies/misplaced.csv" in description


def test_a_copy_under_a_new_name_is_not_loaded_again(day_two: DayTwo) -> None:
    deployment, result, original = day_two.deployment, day_two.result, day_two.resent_original
    copy = f"crm/user/resent_{original.name}"
    evaluation = _warned(result, "no_file_is_a_copy")
    assert copy in str(evaluation.metadata["copies"].value)
    with duckdb.connect(str(deployment.warehouse), read_only=True) as con:
        loaded = con.execute(
            "select count(*) from raw.crm__user where _source_file = ?", [copy]
        ).fetchone()[0]
    assert loaded == 0
