"""CRM write-back and tier alerts over two days of the real Dagster job.

Day 1 is the session build (its first write-back: every account is new). Day 2 deploys a
copy of it, lands one more day of intent and engagement for a few high-fit accounts
outside tier 1, and runs the job once with a webhook on a local HTTP server. The
write-back must hold exactly the accounts whose ABM fields changed between the two
publications, and the alert must name the accounts new in tier 1.
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

import duckdb
import pytest

from orchestration.lib.crm_writeback import HUBSPOT_FILE, NEW_ACCOUNTS_FILE, SALESFORCE_FILE
from tests.conftest import PROJECT_DIR, BuiltWarehouse
from tests.integration.deployments import Deployment, deploy_copy, run_refresh

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


@dataclass(frozen=True)
class TwoDays:
    built: BuiltWarehouse
    deployment: Deployment
    boosted: list[str]
    success: bool
    messages: list[dict[str, Any]]

    @property
    def crm(self) -> Path:
        return self.deployment.root / "crm"


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


@pytest.fixture(scope="module")
def two_days(built_warehouse: BuiltWarehouse, tmp_path_factory) -> TwoDays:
    deployment = deploy_copy(built_warehouse, tmp_path_factory.mktemp("crm") / "deploy")
    # Day 1's write-back state travels with the deployment, as it would on a server.
    shutil.copytree(built_warehouse.exports_dir.parent / "crm", deployment.root / "crm")
    boosted = _land_day_two(built_warehouse, deployment)
    _Recorder.received = []
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        result, _ = run_refresh(
            deployment, {"ABM_ALERT_WEBHOOK": f"http://127.0.0.1:{server.server_port}/abm"}
        )
    finally:
        server.shutdown()
        server.server_close()
    return TwoDays(built_warehouse, deployment, boosted, result.success, list(_Recorder.received))


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


def test_the_write_back_holds_exactly_the_accounts_whose_fields_changed(two_days: TwoDays) -> None:
    assert two_days.success
    changed, unchanged = _changed_crm_accounts(
        two_days.built.serving_path, two_days.deployment.serving
    )
    assert changed and unchanged
    assert set(two_days.boosted) <= changed
    salesforce = _read(two_days.crm / SALESFORCE_FILE)
    assert {row["Id"] for row in salesforce} == changed
    assert len(salesforce) == len(changed)
    assert len(_read(two_days.crm / HUBSPOT_FILE)) == len(changed)
    # Values are the day-2 publication's, whole-number scores.
    with duckdb.connect(str(two_days.deployment.serving), read_only=True) as con:
        tiers = dict(
            con.execute("select account_id, tier from marts.account_targets_current").fetchall()
        )
    assert all(row["ABM_Tier__c"] == tiers[row["Id"]] for row in salesforce)
    assert all(row["ICP_Fit_Score__c"].isdigit() for row in salesforce if row["ICP_Fit_Score__c"])


def test_no_cell_of_the_crm_files_starts_like_a_formula(two_days: TwoDays) -> None:
    for name in (SALESFORCE_FILE, HUBSPOT_FILE, NEW_ACCOUNTS_FILE):
        for row in _read(two_days.crm / name):
            assert not any(value.startswith(("=", "+", "-", "@")) for value in row.values())


def test_the_alert_names_the_new_tier_1_accounts(two_days: TwoDays) -> None:
    before, after = _tiers(two_days.built.serving_path), _tiers(two_days.deployment.serving)
    new_tier_1 = {a for a, tier in after.items() if tier == "tier_1" and before.get(a) != "tier_1"}
    demoted_out_of_1 = {
        a for a, tier in before.items() if tier == "tier_1" and after.get(a) != "tier_1"
    }
    assert new_tier_1, "day 2 moved no account into tier 1"
    (message,) = two_days.messages
    assert message["job"] == "daily_refresh"
    assert {a["account_id"] for a in message["new_tier_1"]} == new_tier_1
    assert demoted_out_of_1 <= {a["account_id"] for a in message["demoted"]}
    for account in message["new_tier_1"]:
        assert f"{account['account_name']} ({account['account_id']})" in message["text"]
        assert account["owner"] and account["tier_reason"]
