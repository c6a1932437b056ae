"""CRM write-back and the tier-change alert on a small hand-made publication: the first run
writes everything, a second run only what changed, cells are spreadsheet-safe, renamed
fields follow the seed, and the alert says only what is news."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.alerts import tier_change_message
from orchestration.lib.crm_writeback import (
    FIELD_MAP_PATH,
    HUBSPOT_FILE,
    NEW_ACCOUNTS_FILE,
    SALESFORCE_FILE,
    read_changes,
    spreadsheet_safe,
    write_back,
)

COLUMNS = (
    "account_id varchar, is_in_crm boolean, account_name varchar, domain varchar, "
    "industry varchar, country_code varchar, employee_count bigint, owner_name varchar, "
    "proposed_owner_id varchar, proposed_owner_name varchar, tier varchar, tier_rank integer, "
    "motion varchar, fit_score double, fit_grade varchar, intent_score double, "
    "is_surging boolean, tier_reason varchar, as_of_date date"
)
DAY_1 = [
    (
        "001A",
        True,
        "Acme",
        "acme.com",
        "Software",
        "US",
        900,
        "Sam",
        None,
        None,
        "tier_2",
        2,
        "one_to_few",
        81.2,
        "A",
        55.4,
        False,
        "Meets the tier_2 rule",
        "2026-11-16",
    ),
    (
        "001B",
        True,
        "=cmd|' /C calc'!A0",
        "evil.com",
        "Retail",
        "DE",
        50,
        "Ann",
        None,
        None,
        "not_target",
        4,
        None,
        30.0,
        "C",
        0.0,
        False,
        "-fit below the bar",
        "2026-11-16",
    ),
    (
        "001C",
        True,
        "Calm Co",
        "calm.com",
        "Media",
        "FR",
        300,
        "Ann",
        None,
        None,
        "tier_1",
        1,
        "one_to_one",
        90.0,
        "A",
        80.0,
        True,
        "Meets the tier_1 rule",
        "2026-11-16",
    ),
    (
        "dom_new.io",
        False,
        "new.io",
        "new.io",
        "Software",
        "US",
        400,
        None,
        "u9",
        "Pat",
        "tier_3",
        3,
        "one_to_many",
        78.0,
        "A",
        10.0,
        False,
        "Meets the tier_3 rule",
        "2026-11-16",
    ),
]


def _publish(path: Path, rows: list[tuple]) -> None:
    path.unlink(missing_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute(f"create table marts.account_targets_current ({COLUMNS})")
        con.executemany(
            f"insert into marts.account_targets_current values ({', '.join('?' * 19)})", rows
        )


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _day_2() -> list[tuple]:
    rows = [list(row) for row in DAY_1]
    rows[0][10:13] = ["tier_1", 1, "one_to_one"]  # Acme: promoted to tier 1
    rows[0][15], rows[0][16] = 71.0, True  # ... and now surging
    rows[0][17] = "Meets the tier_1 rule"
    rows[2][10:13] = ["tier_2", 2, "one_to_few"]  # Calm Co: demoted
    rows[2][17] = "Capacity: tier_1 is full"
    rows[1][13] = 30.2  # evil.com: fit 30.2 rounds to the same 30, unchanged
    for row in rows:
        row[18] = "2026-11-17"  # a new scoring date alone is no change
    return [tuple(row) for row in rows]


def test_first_run_writes_everything_then_only_changes(tmp_path: Path) -> None:
    serving, crm = tmp_path / "serving.duckdb", tmp_path / "crm"
    _publish(serving, DAY_1)
    first = write_back(serving, crm, run_id="r1")
    assert first.is_first_run
    salesforce = _read(crm / SALESFORCE_FILE)
    assert [row["Id"] for row in salesforce] == ["001A", "001B", "001C"]
    assert salesforce[0] == {
        "Id": "001A",
        "ABM_Tier__c": "tier_2",
        "ABM_Motion__c": "one_to_few",
        "ICP_Fit_Score__c": "81",
        "ICP_Fit_Grade__c": "A",
        "Intent_Score__c": "55",
        "ABM_Tier_Reason__c": "Meets the tier_2 rule",
        "ABM_Scored_On__c": "2026-11-16",
    }
    assert salesforce[1]["ABM_Tier_Reason__c"] == "'-fit below the bar"
    assert salesforce[1]["ABM_Motion__c"] == ""
    hubspot = _read(crm / HUBSPOT_FILE)
    assert [row["domain"] for row in hubspot] == ["acme.com", "evil.com", "calm.com"]
    (new,) = _read(crm / NEW_ACCOUNTS_FILE)
    assert new["Website"] == "new.io" and new["OwnerId"] == "u9" and "Id" not in new
    assert tier_change_message(read_changes(crm), "daily_refresh", "r1") is None

    _publish(serving, _day_2())
    second = write_back(serving, crm, run_id="r2")
    assert not second.is_first_run
    assert [row["Id"] for row in _read(crm / SALESFORCE_FILE)] == ["001A", "001C"]
    assert [row["ABM_Scored_On__c"] for row in _read(crm / SALESFORCE_FILE)] == ["2026-11-17"] * 2
    assert [row["domain"] for row in _read(crm / HUBSPOT_FILE)] == ["acme.com", "calm.com"]
    assert _read(crm / NEW_ACCOUNTS_FILE) == []
    changes = read_changes(crm)
    assert changes["run_id"] == "r2"
    message = tier_change_message(changes, "daily_refresh", "r2")
    assert message is not None and message["run_id"] == "r2"
    assert [a["account_id"] for a in message["new_tier_1"]] == ["001A"]
    assert [a["account_id"] for a in message["newly_surging"]] == ["001A"]
    assert [a["account_id"] for a in message["demoted"]] == ["001C"]
    assert "Acme (001A), tier_2 -> tier_1, owner Sam: Meets the tier_1 rule" in message["text"]
    assert (
        "Calm Co (001C), tier_1 -> tier_2, owner Ann: Capacity: tier_1 is full" in message["text"]
    )

    # The same publication again: nothing changed, nothing to write or say.
    write_back(serving, crm, run_id="r3")
    assert _read(crm / SALESFORCE_FILE) == [] and _read(crm / HUBSPOT_FILE) == []
    assert tier_change_message(read_changes(crm), "daily_refresh", "r3") is None


def test_field_names_come_from_the_seed(tmp_path: Path) -> None:
    serving, crm = tmp_path / "serving.duckdb", tmp_path / "crm"
    _publish(serving, DAY_1)
    renamed = tmp_path / "crm_field_map.csv"
    text = FIELD_MAP_PATH.read_text().replace("ABM_Tier__c", "Tier_ABM__c")
    renamed.write_text(
        text.replace("intent_score,Intent_Score__c,intent_score,", "intent_score,,,")
    )
    write_back(serving, crm, field_map=renamed)
    header = _read(crm / SALESFORCE_FILE)[0].keys()
    assert "Tier_ABM__c" in header and "ABM_Tier__c" not in header
    assert "Intent_Score__c" not in header
    unknown = tmp_path / "unknown.csv"
    shutil.copy(FIELD_MAP_PATH, unknown)
    with unknown.open("a") as handle:
        handle.write("favourite_colour,Colour__c,colour,,true,not a value we have\n")
    with pytest.raises(ValueError, match="favourite_colour"):
        write_back(serving, crm, field_map=unknown)


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+49 30", "'+49 30"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Acme", "Acme"),
        (42, 42),
        (None, None),
    ],
)
def test_cells_that_look_like_formulas_are_neutralized(value, safe) -> None:
    assert spreadsheet_safe(value) == safe


def test_an_alert_lists_at_most_the_limit_and_counts_the_rest() -> None:
    accounts = [
        {
            "account_id": f"A{i}",
            "account_name": f"Acme {i}",
            "owner": "ana",
            "tier_reason": "fit A, surging",
            "previous_tier": "tier_2",
            "tier": "tier_1",
        }
        for i in range(5)
    ]
    changes = {"is_first_run": False, "new_tier_1": accounts, "demoted": accounts[:1]}
    message = tier_change_message(changes, "daily_refresh", "run-1", list_limit=3)
    assert message is not None
    assert [a["account_id"] for a in message["new_tier_1"]] == ["A0", "A1", "A2"]
    assert message["counts"]["new_tier_1"] == 5 and message["counts"]["demoted"] == 1
    assert "... and 2 more (see the CRM files)" in message["text"]
    assert "Acme 3" not in message["text"]
    assert tier_change_message({"is_first_run": True, "new_tier_1": accounts}, "j", "r") is None
