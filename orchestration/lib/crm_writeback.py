"""CRM write-back: files a CRM admin loads, with the ABM fields that changed since last time.

After each publication this reads the published `account_targets_current` (the serving
file) and compares it with the values written last time, kept beside the files
(`<crm dir>/state/written_values.parquet`; no state = the first run, everything is new).
It writes, into the CRM folder (`ABM_CRM_DIR`, default `crm/` beside the exports folder,
which each publication replaces whole):

- `salesforce_account_upsert.csv`: CRM accounts whose ABM fields changed, for a
  Salesforce Bulk API upsert on `Id`;
- `hubspot_company_import.csv`: the same accounts as a HubSpot company import (keyed by
  domain);
- `new_accounts.csv`: targeted net-new companies (not in the CRM) that are new or
  changed, to create, with the owner the territory rules propose;
- `changes.json`: this run's change summary (the tier alert reads it).

Field names come from the seed `seeds/crm/crm_field_map.csv`; which values count as a
change is its `is_compared` column. Every text cell starting with `=`, `+`, `-`, `@`,
a tab or a carriage return is prefixed with `'` so no spreadsheet runs it as a formula.
Nothing is sent anywhere: the files are for an admin or an integration to load.
"""

from __future__ import annotations

import csv
import json
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from orchestration.lib.settings import PROJECT_DIR

FIELD_MAP_PATH = PROJECT_DIR / "seeds" / "crm" / "crm_field_map.csv"
STATE_FILE = Path("state") / "written_values.parquet"
SALESFORCE_FILE = "salesforce_account_upsert.csv"
HUBSPOT_FILE = "hubspot_company_import.csv"
NEW_ACCOUNTS_FILE = "new_accounts.csv"
CHANGES_FILE = "changes.json"
# Every value the files can carry: SQL over the published account_targets_current (t).
VALUES: dict[str, str] = {
    "crm_id": "case when t.is_in_crm then t.account_id end",
    "domain": "t.domain",
    "account_name": "t.account_name",
    "industry": "t.industry",
    "country_code": "t.country_code",
    "employee_count": "t.employee_count",
    "proposed_owner_id": "t.proposed_owner_id",
    "tier": "t.tier",
    "motion": "t.motion",
    "fit_score": "cast(round(t.fit_score) as integer)",
    "fit_grade": "t.fit_grade",
    "intent_score": "cast(round(t.intent_score) as integer)",
    "tier_reason": "t.tier_reason",
    "scored_on": "t.as_of_date",
}
# What the alert and the change rules read besides the written values.
CONTEXT: dict[str, str] = {
    "account_id": "t.account_id",
    "is_in_crm": "t.is_in_crm",
    "tier_rank": "t.tier_rank",
    "is_surging": "coalesce(t.is_surging, false)",
    "owner": "coalesce(t.owner_name, 'proposed: ' || t.proposed_owner_name, 'no owner')",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class FieldMapping:
    field_key: str
    salesforce_field: str
    hubspot_property: str
    new_account_column: str
    is_compared: bool


@dataclass(frozen=True)
class WriteBack:
    crm_dir: Path
    is_first_run: bool
    salesforce_rows: int
    hubspot_rows: int
    new_account_rows: int
    changes: dict[str, Any] = field(default_factory=dict)


def read_field_map(path: Path = FIELD_MAP_PATH) -> list[FieldMapping]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    unknown = sorted({row["field_key"] for row in rows} - VALUES.keys())
    if unknown:
        raise ValueError(f"{path.name}: unknown field_key {unknown}; known: {sorted(VALUES)}")
    return [
        FieldMapping(
            row["field_key"],
            (row["salesforce_field"] or "").strip(),
            (row["hubspot_property"] or "").strip(),
            (row["new_account_column"] or "").strip(),
            (row["is_compared"] or "").strip().lower() == "true",
        )
        for row in rows
    ]


def spreadsheet_safe(value: Any) -> Any:
    """A text starting like a formula gets a leading quote; everything else is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _load_values(con: duckdb.DuckDBPyConnection, serving_path: Path, state_path: Path) -> bool:
    """Tables `current_values` and `previous_values`; returns whether a previous state exists."""
    con.execute(f"attach '{serving_path}' as serving (read_only)")
    columns = {**CONTEXT, **VALUES}
    select = ", ".join(f"{sql} as {name}" for name, sql in columns.items())
    con.execute(
        f"create temp table current_values as select {select} "
        "from serving.marts.account_targets_current as t"
    )
    con.execute("detach serving")
    has_previous = state_path.exists()
    if has_previous:
        con.execute(
            "create temp table previous_values as select * from read_parquet(?)", [str(state_path)]
        )
    else:
        con.execute("create temp table previous_values as select * from current_values where false")
    return has_previous


def _classify(con: duckdb.DuckDBPyConnection, compared: list[str]) -> None:
    """Table `changes`: one row per account with what changed since the previous values."""
    differs = " or ".join(f"c.{key} is distinct from p.{key}" for key in compared) or "false"
    con.execute(
        f"""
        create temp table changes as
        select
            c.*,
            p.account_id is null as is_new_record,
            p.account_id is null or ({differs}) as has_changed_fields,
            p.tier as previous_tier,
            p.tier_rank as previous_tier_rank,
            coalesce(p.is_surging, false) as was_surging
        from current_values as c
        left join previous_values as p
            on c.account_id = p.account_id
        """
    )


def _copy_csv(
    con: duckdb.DuckDBPyConnection, where: str, columns: list[tuple[str, str]], path: Path
) -> int:
    """Write the accounts of `changes` matching `where` as CSV with the given headers."""
    select = ", ".join(key for key, _ in columns)
    rows = con.execute(f"select {select} from changes where {where} order by account_id").fetchall()
    staged = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}")
    with staged.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([header for _, header in columns])
        for row in rows:
            writer.writerow(["" if v is None else spreadsheet_safe(v) for v in row])
    os.replace(staged, path)
    return len(rows)


def _alert_rows(con: duckdb.DuckDBPyConnection, where: str) -> list[dict[str, Any]]:
    rows = con.execute(
        "select account_id, account_name, tier, previous_tier, owner, tier_reason "
        f"from changes where {where} order by tier_rank, intent_score desc, account_id"
    ).fetchall()
    keys = ["account_id", "account_name", "tier", "previous_tier", "owner", "tier_reason"]
    return [dict(zip(keys, row, strict=True)) for row in rows]


def _change_summary(con: duckdb.DuckDBPyConnection, has_previous: bool) -> dict[str, Any]:
    if not has_previous:
        return {"is_first_run": True, "new_tier_1": [], "newly_surging": [], "demoted": []}
    return {
        "is_first_run": False,
        "new_tier_1": _alert_rows(
            con, "tier = 'tier_1' and previous_tier is distinct from 'tier_1'"
        ),
        "newly_surging": _alert_rows(con, "tier_rank <= 3 and is_surging and not was_surging"),
        "demoted": _alert_rows(
            con, "previous_tier_rank is not null and tier_rank > previous_tier_rank"
        ),
    }


def write_back(
    serving_path: Path, crm_dir: Path, run_id: str = "", field_map: Path = FIELD_MAP_PATH
) -> WriteBack:
    """Write the CRM files for the publication in `serving_path`, then remember its values."""
    mapping = read_field_map(field_map)
    crm_dir.mkdir(parents=True, exist_ok=True)
    state_path = crm_dir / STATE_FILE
    with duckdb.connect() as con:
        has_previous = _load_values(con, serving_path, state_path)
        _classify(con, [m.field_key for m in mapping if m.is_compared])
        salesforce = _copy_csv(
            con,
            "is_in_crm and has_changed_fields",
            [(m.field_key, m.salesforce_field) for m in mapping if m.salesforce_field],
            crm_dir / SALESFORCE_FILE,
        )
        hubspot = _copy_csv(
            con,
            "is_in_crm and has_changed_fields",
            [(m.field_key, m.hubspot_property) for m in mapping if m.hubspot_property],
            crm_dir / HUBSPOT_FILE,
        )
        new_accounts = _copy_csv(
            con,
            "not is_in_crm and tier_rank <= 3 and has_changed_fields",
            [(m.field_key, m.new_account_column) for m in mapping if m.new_account_column],
            crm_dir / NEW_ACCOUNTS_FILE,
        )
        summary = {
            "run_id": run_id,
            "salesforce_rows": salesforce,
            "hubspot_rows": hubspot,
            "new_account_rows": new_accounts,
            **_change_summary(con, has_previous),
        }
        changes_path = crm_dir / CHANGES_FILE
        staged = changes_path.with_name(f".{CHANGES_FILE}.{uuid.uuid4().hex[:8]}")
        staged.write_text(json.dumps(summary, indent=2, default=str))
        os.replace(staged, changes_path)
        # Last: the values the files carry become "written" only once the files exist.
        state_path.parent.mkdir(parents=True, exist_ok=True)
        staged_state = state_path.with_name(f".{state_path.name}.{uuid.uuid4().hex[:8]}")
        con.execute(f"copy current_values to '{staged_state}' (format parquet)")
        os.replace(staged_state, state_path)
    return WriteBack(crm_dir, not has_previous, salesforce, hubspot, new_accounts, summary)


def read_changes(crm_dir: Path) -> dict[str, Any] | None:
    path = crm_dir / CHANGES_FILE
    return json.loads(path.read_text()) if path.exists() else None
