"""Landed files into raw: formats, contract checks, quarantine, idempotence, atomicity."""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from orchestration.lib.ingest import CONTRACT_TABLES, ingest_all, ingest_table, loader

ACCOUNT_HEADER = "Id,Name,LastModifiedDate"


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    path = tmp_path / "landing"
    path.mkdir()
    return path


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"


def land(landing: Path, source: str, table: str, name: str, content: str | bytes) -> Path:
    path = landing / source / table / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def count(warehouse: Path, table: str) -> int:
    return query(warehouse, f"select count(*) from raw.{table}")[0][0]


def surge_csv(scores: list[str], timestamps: list[str] | None = None) -> str:
    timestamps = timestamps or ["2024-01-01"] * len(scores)
    lines = ["Domain,Topic Name,Composite Score,Timestamp"]
    lines += [
        f"c{i}.com,CRM,{score},{ts}"
        for i, (score, ts) in enumerate(zip(scores, timestamps, strict=True), 1)
    ]
    return "\n".join(lines) + "\n"


def test_csv_with_bom_crlf_pascal_case_quotes_and_extra_columns(landing, warehouse) -> None:
    content = (
        "\ufeffId,Name,AnnualRevenue,LastModifiedDate,Custom_Score__c\r\n"
        '001,"Acme, Inc.",1000000,2024-01-02T10:00:00.000+0000,7\r\n'
        '002,"Beta\r\nHoldings",,01/05/2024,\r\n'
    )
    land(landing, "crm", "account", "accounts_2024-01-05.csv", content)

    result = ingest_table(warehouse, landing, "crm", "account")

    (file,) = result.files
    assert (file.status, file.rows_loaded, file.rows_quarantined) == ("loaded", 2, 0)
    assert file.path == "crm/account/accounts_2024-01-05.csv"
    rows = query(
        warehouse,
        "select id, name, annual_revenue, last_modified_date, website, _source_file, "
        "_row_number, _extra_columns from raw.crm__account order by _row_number",
    )
    assert rows == [
        (
            "001",
            "Acme, Inc.",
            "1000000",
            "2024-01-02T10:00:00.000+0000",
            None,
            "crm/account/accounts_2024-01-05.csv",
            1,
            '{"custom_score_c":"7"}',
        ),
        (
            "002",
            "Beta\r\nHoldings",
            None,
            "01/05/2024",
            None,
            "crm/account/accounts_2024-01-05.csv",
            2,
            '{"custom_score_c":null}',
        ),
    ]
    types = query(
        warehouse,
        "select column_name, data_type from duckdb_columns() "
        "where schema_name = 'raw' and table_name = 'crm__account'",
    )
    assert dict(types)["number_of_employees"] == "VARCHAR"
    assert dict(types)["_loaded_at"] == "TIMESTAMP"
    assert dict(types)["_row_number"] == "BIGINT"


def test_gzipped_csv(landing, warehouse) -> None:
    land(
        landing,
        "intent",
        "bombora_surge",
        "surge.csv.gz",
        gzip.compress(surge_csv(["61", "9"]).encode()),
    )

    (file,) = ingest_table(warehouse, landing, "intent", "bombora_surge").files

    assert (file.status, file.rows_loaded) == ("loaded", 2)
    assert query(warehouse, "select domain, composite_score from raw.intent__bombora_surge") == [
        ("c1.com", "61"),
        ("c2.com", "9"),
    ]


def test_parquet_values_become_varchar(landing, warehouse) -> None:
    path = landing / "enrichment" / "company" / "companies.parquet"
    path.parent.mkdir(parents=True)
    table = pa.table(
        {
            "Domain": ["acme.com", "beta.io"],
            "Employees": pa.array([250, None], pa.int64()),
            "AnnualRevenue": [1.5e6, 2.0e7],
            "Tech": [["Salesforce", "Marketo"], []],
            "UpdatedAt": pa.array(
                [datetime(2024, 3, 1, 12), datetime(2024, 3, 2)], pa.timestamp("us")
            ),
        }
    )
    pq.write_table(table, path)

    (file,) = ingest_table(warehouse, landing, "enrichment", "company").files

    assert (file.status, file.rows_loaded) == ("loaded", 2)
    assert query(
        warehouse,
        "select domain, employees, annual_revenue, tech, updated_at, _row_number "
        "from raw.enrichment__company order by _row_number",
    ) == [
        ("acme.com", "250", "1500000.0", "Salesforce;Marketo", "2024-03-01 12:00:00", 1),
        ("beta.io", None, "20000000.0", None, "2024-03-02 00:00:00", 2),
    ]


def test_jsonl_keys_colliding_after_normalizing_reject_the_file(landing, warehouse) -> None:
    records = [
        {
            "domain": "acme.com",
            "name": "Acme",
            "tech": ["HubSpot", "Snowflake"],
            "employees": 50,
            "updated_at": "2024-02-01T00:00:00Z",
            "funding": {"round": "B"},
        },
        {"domain": "beta.io", "tech": None, "updatedAt": "2024-02-02"},
    ]
    land(
        landing,
        "enrichment",
        "company",
        "companies.jsonl",
        "\n".join(json.dumps(r) for r in records) + "\n",
    )

    (file,) = ingest_table(warehouse, landing, "enrichment", "company").files

    assert (file.status, file.rows_loaded) == ("rejected", 0)
    assert "duplicate columns" in file.message and "'updated_at'" in file.message


def test_jsonl_tech_array_and_nested_values(landing, warehouse) -> None:
    records = [
        {
            "domain": "acme.com",
            "name": "Acme",
            "tech": ["HubSpot", "Snowflake"],
            "employees": 50,
            "updated_at": "2024-02-01T00:00:00Z",
            "funding": {"round": "B"},
        },
        {"domain": "beta.io", "tech": None, "updated_at": "2024-02-02"},
    ]
    land(
        landing,
        "enrichment",
        "company",
        "companies.jsonl",
        "\n".join(json.dumps(r) for r in records) + "\n",
    )

    (file,) = ingest_table(warehouse, landing, "enrichment", "company").files

    assert (file.status, file.rows_loaded) == ("loaded", 2)
    assert query(
        warehouse,
        "select domain, name, tech, employees, updated_at, _extra_columns "
        "from raw.enrichment__company order by _row_number",
    ) == [
        (
            "acme.com",
            "Acme",
            "HubSpot;Snowflake",
            "50",
            "2024-02-01T00:00:00Z",
            '{"funding":"{\\"round\\":\\"B\\"}"}',
        ),
        ("beta.io", None, None, None, "2024-02-02", '{"funding":null}'),
    ]


def test_missing_required_column_rejects_the_file(landing, warehouse) -> None:
    land(landing, "crm", "account", "no_modified.csv", "Id,Name\n1,Acme\n")

    (file,) = ingest_table(warehouse, landing, "crm", "account").files

    assert (file.status, file.rows_loaded, file.rows_quarantined) == ("rejected", 0, 0)
    assert file.message.startswith("crm/account/no_modified.csv rejected: ")
    assert "required column 'last_modified_date' missing" in file.message
    assert count(warehouse, "crm__account") == 0
    assert count(warehouse, "quarantine") == 0
    assert query(warehouse, "select _source_file, status, rows_loaded from raw.load_log") == [
        ("crm/account/no_modified.csv", "rejected", 0)
    ]


def test_bad_rows_are_quarantined_with_row_number_and_reason(landing, warehouse) -> None:
    scores = ["50"] * 50
    timestamps = ["2024-01-01"] * 50
    scores[6] = "150"
    timestamps[22] = "soon"
    land(landing, "intent", "bombora_surge", "week1.csv", surge_csv(scores, timestamps))

    (file,) = ingest_table(warehouse, landing, "intent", "bombora_surge").files

    assert (file.status, file.rows_loaded, file.rows_quarantined) == ("loaded", 48, 2)
    assert query(
        warehouse,
        "select source, table_name, _source_file, _row_number, reason, record "
        "from raw.quarantine order by _row_number",
    ) == [
        (
            "intent",
            "bombora_surge",
            "intent/bombora_surge/week1.csv",
            7,
            "composite_score '150' is outside 0-100",
            '{"domain":"c7.com","topic_name":"CRM","composite_score":"150","timestamp":"2024-01-01"}',
        ),
        (
            "intent",
            "bombora_surge",
            "intent/bombora_surge/week1.csv",
            23,
            "timestamp 'soon' is not a date or timestamp in 1900-2099 "
            "(YYYY-MM-DD, ISO 8601 timestamp or MM/DD/YYYY)",
            '{"domain":"c23.com","topic_name":"CRM","composite_score":"50","timestamp":"soon"}',
        ),
    ]
    assert count(warehouse, "intent__bombora_surge") == 48
    assert query(
        warehouse, "select count(*) from raw.intent__bombora_surge where _row_number in (7, 23)"
    ) == [(0,)]
    assert query(warehouse, "select rows_loaded, rows_quarantined, status from raw.load_log") == [
        (48, 2, "loaded")
    ]


def test_several_reasons_on_one_row_are_joined_and_chunks_keep_row_numbers(
    landing, warehouse
) -> None:
    land(
        landing,
        "engagement",
        "activity",
        "a.csv",
        "activity_id,occurred_at,email,ipDomain,activity_type\n"
        + "".join(f"a{i},2024-01-01T00:00:00Z,p{i}@acme.com,,web_visit\n" for i in range(1, 9))
        + "a9,,,,page_view\n"
        + "a10,2024-01-01,,acme.com,email_open\n",
    )

    (file,) = ingest_table(
        warehouse, landing, "engagement", "activity", max_quarantine_share=0.2, chunk_rows=3
    ).files

    assert (file.status, file.rows_loaded, file.rows_quarantined) == ("loaded", 9, 1)
    assert query(warehouse, "select _row_number, reason from raw.quarantine") == [
        (
            9,
            "occurred_at is missing; activity_type 'page_view' is not one of web_visit, "
            "email_open, email_click, form_fill, webinar_attended, event_attended, ad_click, "
            "meeting; "
            "neither email nor ip_domain is set",
        ),
    ]
    assert query(
        warehouse,
        "select max(_row_number), count(distinct _row_number) from raw.engagement__activity",
    ) == [(10, 9)]


def test_too_many_bad_rows_reject_the_whole_file(landing, warehouse) -> None:
    scores = ["50"] * 20
    scores[3] = "150"
    scores[11] = "-3"
    land(landing, "intent", "bombora_surge", "bad_week.csv", surge_csv(scores))

    (file,) = ingest_table(warehouse, landing, "intent", "bombora_surge").files

    assert (file.status, file.rows_loaded, file.rows_quarantined) == ("rejected", 0, 0)
    assert "2 of 20 rows (10.0%) break the contract, more than the 5.0% allowed" in file.message
    assert "composite_score is outside 0-100 (2 rows)" in file.message
    assert count(warehouse, "intent__bombora_surge") == 0
    assert count(warehouse, "quarantine") == 0


def test_share_threshold_comes_from_the_environment(landing, warehouse, monkeypatch) -> None:
    monkeypatch.setenv("ABM_MAX_QUARANTINE_SHARE", "0.2")
    scores = ["50"] * 20
    scores[3] = "150"
    land(landing, "intent", "bombora_surge", "w.csv", surge_csv(scores))

    (file,) = ingest_table(warehouse, landing, "intent", "bombora_surge").files

    assert (file.status, file.rows_loaded, file.rows_quarantined) == ("loaded", 19, 1)


def test_same_file_twice_is_loaded_once(landing, warehouse) -> None:
    land(landing, "crm", "account", "a.csv", f"{ACCOUNT_HEADER}\n1,Acme,2024-01-01\n")

    first = ingest_table(warehouse, landing, "crm", "account")
    second = ingest_table(warehouse, landing, "crm", "account")

    assert [f.status for f in first.files] == ["loaded"]
    assert [(f.status, f.rows_loaded) for f in second.files] == [("skipped_already_loaded", 0)]
    assert count(warehouse, "crm__account") == 1
    assert count(warehouse, "load_log") == 1


def test_changed_file_is_reported_not_reloaded(landing, warehouse) -> None:
    path = land(landing, "crm", "account", "a.csv", f"{ACCOUNT_HEADER}\n1,Acme,2024-01-01\n")
    ingest_table(warehouse, landing, "crm", "account")
    path.write_text(f"{ACCOUNT_HEADER}\n1,Acme Corp,2024-02-01\n2,Beta,2024-02-01\n")

    (file,) = ingest_table(warehouse, landing, "crm", "account").files

    assert (file.status, file.rows_loaded) == ("changed_after_load", 0)
    assert "crm/account/a.csv changed after it was loaded" in file.message
    assert query(warehouse, "select id, name from raw.crm__account") == [("1", "Acme")]


def test_rejected_file_is_retried_only_when_redelivered_changed(landing, warehouse) -> None:
    path = land(landing, "crm", "account", "a.csv", "Id,Name\n1,Acme\n")
    ingest_table(warehouse, landing, "crm", "account")

    (again,) = ingest_table(warehouse, landing, "crm", "account").files
    assert again.status == "rejected"
    assert again.message.startswith("crm/account/a.csv is unchanged since it was rejected at")
    assert count(warehouse, "load_log") == 1

    path.write_text(f"{ACCOUNT_HEADER}\n1,Acme,2024-01-01\n")
    (fixed,) = ingest_table(warehouse, landing, "crm", "account").files
    assert (fixed.status, fixed.rows_loaded) == ("loaded", 1)
    assert query(warehouse, "select status from raw.load_log order by _loaded_at") == [
        ("rejected",),
        ("loaded",),
    ]


def test_absent_optional_source_still_yields_every_raw_table(landing, warehouse) -> None:
    land(landing, "crm", "user", "users.csv", "Id,Name,Email\nu1,Ann,ann@acme.com\n")

    results = ingest_all(warehouse, landing)

    assert [(r.source, r.table) for r in results] == CONTRACT_TABLES
    by_table = {(r.source, r.table): r for r in results}
    assert by_table[("intent", "g2_buyer_intent")].files == ()
    assert by_table[("crm", "user")].rows_loaded == 1
    tables = {
        row[0]
        for row in query(
            warehouse, "select table_name from duckdb_tables() where schema_name = 'raw'"
        )
    }
    assert tables == {f"{s}__{t}" for s, t in CONTRACT_TABLES} | {"quarantine", "load_log"}
    assert count(warehouse, "intent__g2_buyer_intent") == 0
    g2_columns = [
        row[0]
        for row in query(
            warehouse,
            "select column_name from duckdb_columns() where schema_name = 'raw' "
            "and table_name = 'intent__g2_buyer_intent' order by column_index",
        )
    ]
    assert g2_columns == [
        "domain",
        "company_name",
        "signal_date",
        "activity_type",
        "category",
        "competitor",
        "page_views",
        "_source_file",
        "_row_number",
        "_loaded_at",
        "_extra_columns",
    ]


def test_no_landing_folder_at_all(tmp_path, warehouse) -> None:
    result = ingest_table(warehouse, tmp_path / "nowhere", "intent", "g2_buyer_intent")
    assert result.files == ()
    assert count(warehouse, "intent__g2_buyer_intent") == 0


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.csv", b"", "it is empty (0 bytes)"),
        ("blank.csv", b"\xef\xbb\xbf\r\n", "it is empty (no header row)"),
        ("garbage.csv", bytes(range(256)) * 8, "it holds binary data (NUL bytes), not UTF-8 text"),
        (
            "undecodable.csv",
            f"{ACCOUNT_HEADER}\n1,".encode() + b"Soci\x81t\xe9,2024-01-01\n",
            "line 2 is not UTF-8 text (byte 0x81: invalid start byte) nor Windows-1252",
        ),
        (
            "truncated.csv",
            f'{ACCOUNT_HEADER}\n1,Acme,2024-01-01\n2,"Beta'.encode(),
            "top reasons: a quoted value opened on this line never closes",
        ),
        (
            "ragged.csv",
            f"{ACCOUNT_HEADER}\n1,Acme,2024-01-01,extra\n".encode(),
            "top reasons: it has 4 fields, the header has 3",
        ),
        (
            "truncated.csv.gz",
            gzip.compress(f"{ACCOUNT_HEADER}\n1,Acme,2024-01-01\n".encode() * 50, mtime=0)[:60],
            "truncated gzip file",
        ),
        ("corrupt.parquet", b"PAR1" + bytes(500), "it could not be read as Parquet"),
        ("broken.jsonl", b'{"id": "1", "name": "Acme"\n', "it could not be read as JSON lines"),
        ("list.jsonl", b'["1", "Acme"]\n', "line 1: a JSON list, not an object"),
        ("accounts.xlsx", b"PK\x03\x04", "unsupported file type"),
    ],
)
def test_unreadable_files_are_rejected_with_a_clear_message(
    landing, warehouse, name, content, expected
) -> None:
    land(landing, "crm", "account", name, content)

    (file,) = ingest_table(warehouse, landing, "crm", "account").files

    assert file.status == "rejected"
    assert file.message.startswith(f"crm/account/{name} rejected: ")
    assert expected in file.message
    assert count(warehouse, "crm__account") == 0
    assert count(warehouse, "quarantine") == 0
    assert query(warehouse, "select status from raw.load_log") == [("rejected",)]


def test_header_only_file_loads_zero_rows(landing, warehouse) -> None:
    land(landing, "crm", "account", "header_only.csv", f"{ACCOUNT_HEADER}\r\n")

    (file,) = ingest_table(warehouse, landing, "crm", "account").files

    assert (file.status, file.rows_loaded, file.rows_quarantined) == ("loaded", 0, 0)
    assert query(warehouse, "select status, rows_loaded from raw.load_log") == [("loaded", 0)]


def test_duplicate_headers_reject_the_file(landing, warehouse) -> None:
    land(landing, "crm", "account", "dup.csv", "Id,Name,id,LastModifiedDate\n1,Acme,2,2024-01-01\n")

    (file,) = ingest_table(warehouse, landing, "crm", "account").files

    assert file.status == "rejected"
    assert "headers 'Id', 'id' all mean column 'id'" in file.message


def test_hidden_and_marker_files_are_ignored(landing, warehouse) -> None:
    land(landing, "crm", "account", ".part-0001.csv", b"garbage")
    land(landing, "crm", "account", "_SUCCESS", b"")
    land(landing, "crm", "account", "2024/01/a.csv", f"{ACCOUNT_HEADER}\n1,Acme,2024-01-01\n")

    files = ingest_table(warehouse, landing, "crm", "account").files

    assert [(f.path, f.status) for f in files] == [("crm/account/2024/01/a.csv", "loaded")]


def test_a_failure_mid_file_leaves_nothing_of_that_file(landing, warehouse, monkeypatch) -> None:
    land(landing, "crm", "account", "a.csv", f"{ACCOUNT_HEADER}\n1,Acme,2024-01-01\n")
    ingest_table(warehouse, landing, "crm", "account")
    land(
        landing, "crm", "account", "b.csv", f"{ACCOUNT_HEADER}\n2,Beta,2024-01-02\n3,,2024-01-02\n"
    )

    def broken_load_log(*_args, **_kwargs):
        raise OSError("disk full")

    # The raw rows and the quarantine row are written before the load log row.
    monkeypatch.setattr(loader, "insert_load_log", broken_load_log)
    with pytest.raises(OSError, match="disk full"):
        ingest_table(warehouse, landing, "crm", "account", max_quarantine_share=0.5)

    assert query(warehouse, "select id from raw.crm__account") == [("1",)]
    assert count(warehouse, "quarantine") == 0
    assert query(warehouse, "select _source_file from raw.load_log") == [("crm/account/a.csv",)]

    monkeypatch.undo()
    files = ingest_table(warehouse, landing, "crm", "account", max_quarantine_share=0.5).files
    assert [(f.path, f.status, f.rows_loaded, f.rows_quarantined) for f in files] == [
        ("crm/account/a.csv", "skipped_already_loaded", 0, 0),
        ("crm/account/b.csv", "loaded", 1, 1),
    ]
    assert query(warehouse, "select _row_number, reason from raw.quarantine") == [
        (2, "name is missing")
    ]


def test_unknown_table_is_refused(landing, warehouse) -> None:
    with pytest.raises(ValueError, match="not a contract table"):
        ingest_table(warehouse, landing, "crm", "campaign")


def test_an_existing_warehouse_file_is_reused(landing, warehouse) -> None:
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema staging")
        con.execute("create table staging.keep_me as select 42 as answer")
    land(landing, "crm", "user", "u.csv", "Id\nu1\n")

    (file,) = ingest_table(warehouse, landing, "crm", "user").files

    assert (file.status, file.rows_loaded) == ("loaded", 1)
    assert query(warehouse, "select answer from staging.keep_me") == [(42,)]


def test_a_new_warehouse_file_stays_readable_by_duckdb_1x(landing, warehouse) -> None:
    ingest_table(warehouse, landing, "crm", "user")
    tags = query(warehouse, "select tags from duckdb_databases() where not internal")
    assert tags == [({"storage_version": "v1.4.0+"},)]
