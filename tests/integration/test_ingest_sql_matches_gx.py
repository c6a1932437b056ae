"""The suites compiled to SQL (ABM_INGEST_VALIDATION=sql, the default) and GX itself on
pandas chunks (gx) load the same rows, quarantine the same rows with the same reasons and
log the same messages, on the bad-input corpus and on values made to tell them apart."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.ingest import CONTRACT_TABLES, ingest_all
from tests.integration.test_refresh_bad_inputs import CORPUS, GOOD_ACCOUNTS

ACCOUNT_HEADER = "Id,Name,Website,LastModifiedDate"
SURGE_HEADER = "Domain,Topic Name,Composite Score,Timestamp"
ACTIVITY_HEADER = "ActivityId,OccurredAt,Email,IpDomain,ActivityType"
LONG = "x" * 120

# Values where Python's `re` (GX on pandas) and RE2 (DuckDB) could disagree, reasons with
# long values, several reasons on one row, long values, copies, blanks and hosts.
EDGES: list[tuple[str, str, str, str]] = [
    (
        "intent",
        "bombora_surge",
        "e01_scores.csv",
        SURGE_HEADER
        + "\n"
        + "".join(f"s{i}.com,CRM,{40 + i},2026-11-09\n" for i in range(60))
        + "nbsp.com,CRM,\u00a050\u2003,2026-11-09\n"  # Unicode spaces: \s in Python
        + "fs.com,CRM,\x1c42,2026-11-09\n"
        + 'nl.com,CRM,"42\n",2026-11-09\n'  # $ before a final newline
        + "dot.com,CRM,42.,2026-11-09\n"
        + "plus.com,CRM,+100.000,2026-11-09\n"
        + "exp.com,CRM,1e2,2026-11-09\n"  # a number, but not 0-100 by the suite's regex
        + "arabic.com,CRM,\u0664\u0662,2026-11-09\n"  # not [0-9]
        + f"long.com,CRM,{LONG},2026-11-09\n"  # the value is cut to 80 in the reason
        + ",,,\n"  # every required value missing
        + "   ,CRM,50,   \n"  # blanks are missing too
        + "dup.com,CRM,50,2026-11-09\n"
        + "dup.com,CRM,50,2026-11-09\n"
        + "s1.com,CRM,41,2026-11-09\n",  # a copy of row 2
    ),
    (
        "engagement",
        "activity",
        "e02_activity.csv",
        ACTIVITY_HEADER
        + "\n"
        + "".join(f"a{i},2026-11-10T10:00:00Z,p{i}@acme.com,,web_visit\n" for i in range(60))
        + "b1,,,,page_view\n"  # three reasons, suite order
        + "b2,13/01/2026,,acme.com,email_open\n"
        + "b3,2026-11-10 10:00:00 +01:00,,acme.com,Web_Visit\n"
        + "b4,2026-11-10T10:00:00.123456789+0000,,acme.com,meeting\n"
        + "b5,1/5/2026 9:05,,xn--mnchen-gmbh-thb.de,ad_click\n"
        + f"b6,{LONG},,,{LONG}\n"
        + "a3,2026-11-10T10:00:00Z,p3@acme.com,,web_visit\n",  # a copy of row 4
    ),
    (
        "crm",
        "account",
        "e03_accounts.csv",
        ACCOUNT_HEADER
        + "\n"
        + "".join(f"A{i},Acme {i},https://www.acme{i}.com,2026-11-10\n" for i in range(60))
        + f"A90,{'N' * 30},x.com,{'9' * 30}\n"
        + f"A91,,{'w' * 30}.com,yesterday\n"
        + "A92,München GmbH,https://xn--mnchen-gmbh-thb.de/kontakt,2026-11-10\n",
    ),
]


def _land(landing: Path, cases: list[tuple[str, str, str, bytes]]) -> None:
    for source, table, name, content in cases:
        path = landing / source / table / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def _snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    """Everything ingestion wrote, but the load times."""
    tables = [f"{s}__{t}" for s, t in CONTRACT_TABLES]
    found: dict[str, list[tuple]] = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for table in tables:
            found[table] = con.execute(
                f"select * exclude (_loaded_at) from raw.{table} order by _source_file, _row_number"
            ).fetchall()
        found["quarantine"] = con.execute(
            "select * exclude (_loaded_at) from raw.quarantine order by _source_file, _row_number"
        ).fetchall()
        found["load_log"] = con.execute(
            "select * exclude (_loaded_at) from raw.load_log order by _source_file"
        ).fetchall()
    return found


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sql_vs_gx") / "landing"
    _land(folder, [(b.source, b.table, b.name, b.content) for b in CORPUS])
    _land(folder, [(s, t, n, c.encode("utf-8")) for s, t, n, c in EDGES])
    # A file with a value over the field limit and a rule failure on the same column.
    _land(
        folder,
        [
            (
                "crm",
                "account",
                "e04_long_and_bad.csv",
                (
                    "Id,Name,LastModifiedDate\n"
                    + GOOD_ACCOUNTS
                    + f"L1,{'A' * 20_000},{'2' * 20_000}\n"
                ).encode(),
            ),
            (
                "enrichment",
                "company",
                "e05_company.jsonl",
                "".join(
                    json.dumps({"domain": f"c{i}.io", "name": f"C {i}", "updated_at": "2026-11-10"})
                    + "\n"
                    for i in range(40)
                ).encode()
                + b'{"domain": "", "updated_at": "2026-02-30"}\n'
                + b'{"domain": "c3.io", "name": "copy", "updated_at": "2026-11-10"}\n'
                + b'{"name": "cut"\n',
            ),
        ],
    )
    return folder


@pytest.mark.parametrize(
    ("chunk_rows", "share"),
    [(250_000, None), (7, 1.0)],
    ids=["default limits", "small GX chunks, nothing rejected for its share"],
)
def test_sql_and_gx_paths_load_and_quarantine_the_same(
    landing: Path, tmp_path: Path, chunk_rows: int, share: float | None
) -> None:
    options = {"chunk_rows": chunk_rows, "max_quarantine_share": share}
    ingest_all(tmp_path / "sql.duckdb", landing, validation="sql", **options)
    ingest_all(tmp_path / "gx.duckdb", landing, validation="gx", **options)

    by_sql, by_gx = _snapshot(tmp_path / "sql.duckdb"), _snapshot(tmp_path / "gx.duckdb")

    assert by_sql.keys() == by_gx.keys()
    for table in by_sql:
        assert by_sql[table] == by_gx[table], table
    # The comparison is not vacuous: both paths quarantined and rejected real rows.
    statuses = {row[5] for row in by_sql["load_log"]}
    assert {"loaded", "rejected"} <= statuses
    reasons = [row[4] for row in by_sql["quarantine"]]
    if share == 1.0:
        assert len(reasons) >= 30
        assert any("; " in reason for reason in reasons)
        assert any("…" in reason for reason in reasons)
        assert any("duplicate of row" in reason for reason in reasons)
        assert any(reason.startswith("name is 20,000 characters long") for reason in reasons)
