"""Bad inputs never reach BI: every file of a corpus of bad inputs gets a clear message
or a quarantine row, rejected files stop the run before dbt and the publication, and
the failure alert reaches the webhook."""

from __future__ import annotations

import gzip
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer

import dagster as dg
import duckdb
import pytest

from tests.conftest import BuiltWarehouse
from tests.integration.deployments import (
    deploy_copy,
    failed_checks,
    file_digest,
    materialized,
    run_refresh,
    tree_digest,
)

ACCOUNT_HEADER = "Id,Name,LastModifiedDate"
SURGE_HEADER = "Domain,Topic Name,Composite Score,Timestamp"
ACTIVITY_HEADER = "ActivityId,OccurredAt,Email,IpDomain,ActivityType"

# --- the bad-input corpus -------------------------------------------------------------

GOOD_ACCOUNTS = "".join(f"BAD{i:04d},Good {i},2026-11-10\n" for i in range(40))
FIRST_20 = "".join(GOOD_ACCOUNTS.splitlines(keepends=True)[:20])
LAST_20 = "".join(GOOD_ACCOUNTS.splitlines(keepends=True)[20:])


@dataclass(frozen=True)
class BadInput:
    case: str
    source: str
    table: str
    name: str
    content: bytes
    outcome: str  # rejected | quarantined | loaded
    says: str  # in the file's load message (rejected) or a quarantine reason


def _text(value: str) -> bytes:
    return value.encode("utf-8")


def _jsonl_with_a_cut_line(records: int, cut: int) -> str:
    lines = [
        json.dumps({"domain": f"cut{i}.example", "name": f"Cut {i}", "updated_at": "2026-11-10"})
        for i in range(records)
    ]
    lines[cut - 1] = lines[cut - 1][:-12]  # what an interrupted export leaves
    return "\n".join(lines) + "\n"


def _truncated_gzip(text: str) -> bytes:
    """A gzip cut inside its data: the tail (and the end of the last line) is missing."""
    whole = gzip.compress(_text(text), mtime=0)
    return whole[: len(whole) * 9 // 10]


CORPUS = [
    BadInput(
        "wrong type in a date column", "crm", "account", "c01_wrong_type.csv",
        _text(f"{ACCOUNT_HEADER}\nX1,Acme,yesterday\nX2,Beta,soon\n"), "rejected",
        "last_modified_date is not a date or timestamp",
    ),
    BadInput(
        "wrong type in a score", "intent", "bombora_surge", "c02_score_text.csv",
        _text(f"{SURGE_HEADER}\nacme.com,CRM,high,2026-11-09\n"), "rejected",
        "composite_score is not a number",
    ),
    BadInput(
        "missing required column", "crm", "account", "c03_no_name.csv",
        _text("Id,LastModifiedDate\nX3,2026-11-10\n"), "rejected",
        "required column 'name' missing (the file has: id, last_modified_date)",
    ),
    BadInput(
        "extra columns are kept aside", "crm", "account", "c04_extra.csv",
        _text(f"{ACCOUNT_HEADER},Favourite Colour\nX4,Extra Columns Inc,2026-11-10,teal\n"),
        "loaded", "loaded 1 row",
    ),
    BadInput("empty file", "crm", "contact", "c05_empty.csv", b"", "rejected", "empty (0 bytes)"),
    BadInput(
        "header only", "crm", "contact", "c06_header_only.csv",
        _text("Id,LastModifiedDate\r\n"), "loaded", "loaded 0 rows",
    ),
    BadInput(
        "binary garbage", "crm", "lead", "c07_garbage.csv", bytes(range(256)) * 16, "rejected",
        "binary data",
    ),
    BadInput(
        "wrong delimiter", "crm", "account", "c08_semicolons.csv",
        _text("Id;Name;LastModifiedDate\nX8;Acme;2026-11-10\n"), "rejected",
        "delimited by something other than a comma",
    ),
    BadInput(
        "huge field", "crm", "account", "c09_huge_field.csv",
        _text(f"{ACCOUNT_HEADER}\n{GOOD_ACCOUNTS}X9,{'A' * 20_000},2026-11-10\n"), "quarantined",
        "name is 20,000 characters long, more than the 10,000 allowed",
    ),
    BadInput(
        "duplicate keys", "crm", "account", "c10_duplicates.csv",
        _text(f"{ACCOUNT_HEADER}\n{GOOD_ACCOUNTS}BAD0003,Copy,2026-11-10\n"), "quarantined",
        "duplicate of row 4 (same id, last_modified_date)",
    ),
    BadInput(
        "date out of range", "crm", "opportunity", "c11_year_1066.csv",
        _text("Id,StageName,CreatedDate,LastModifiedDate\nO1,Closed Won,1066-10-14,2026-11-10\n"),
        "rejected", "created_date is not a date or timestamp in 1900-2099",
    ),
    BadInput(
        "date far in the future", "crm", "task", "c12_year_9999.csv",
        _text("Id,LastModifiedDate\nT1,9999-12-31\n"), "rejected",
        "last_modified_date is not a date or timestamp in 1900-2099",
    ),
    BadInput(
        "score above 100", "intent", "bombora_surge", "c13_score_150.csv",
        _text(f"{SURGE_HEADER}\nacme.com,CRM,150,2026-11-09\n"), "rejected",
        "composite_score is outside 0-100",
    ),
    BadInput(
        "negative score", "intent", "bombora_surge", "c14_score_negative.csv",
        _text(f"{SURGE_HEADER}\nacme.com,CRM,-3,2026-11-09\n"), "rejected",
        "composite_score is outside 0-100",
    ),
    BadInput(
        "unicode and right-to-left names load intact", "crm", "account", "c15_unicode.csv",
        _text(
            f"{ACCOUNT_HEADER}\nU1,شركة الاتصالات,2026-11-10\nU2,חברת הייטק בע״מ,2026-11-10\n"
            "U3,Société Générale,2026-11-10\nU4,Acme 🚀 GmbH,2026-11-10\n"
        ),
        "loaded", "loaded 4 rows",
    ),
    BadInput(
        "truncated gzip", "crm", "lead", "c16_truncated.csv.gz",
        gzip.compress(_text("Id,LastModifiedDate\n" + "L1,2026-11-10\n" * 200), mtime=0)[:40],
        "rejected",
        "cut off where the truncated gzip file ends",
    ),
    BadInput(
        "corrupt parquet", "enrichment", "company", "c17_corrupt.parquet", b"PAR1" + bytes(300),
        "rejected", "could not be read as Parquet",
    ),
    BadInput(
        "malformed JSON lines", "engagement", "activity", "c18_broken.jsonl",
        b'{"activity_id": "a1", "occurred_at": "2026-11-10"\n', "rejected",
        "could not be read as JSON lines: no line is a JSON object (line 1: not valid JSON",
    ),
    BadInput(
        "not UTF-8", "crm", "account", "c19_latin1.csv",
        f"{ACCOUNT_HEADER}\nX19,Soci\u00e9t\u00e9,2026-11-10\n".encode("latin-1"), "loaded",
        "not UTF-8 (line 2, byte 0xe9): read as Windows-1252; re-save it as 'CSV UTF-8'",
    ),
    BadInput(
        "ragged rows", "crm", "account", "c20_ragged.csv",
        _text(f"{ACCOUNT_HEADER}\nX20,Acme,2026-11-10,surplus\n"), "rejected",
        "1 of 1 rows (100.0%) break the contract",
    ),
    BadInput(
        "unterminated quote (a truncated file)", "crm", "account", "c21_cut.csv",
        _text(f'{ACCOUNT_HEADER}\nX21,Acme,2026-11-10\nX22,"Bet'), "rejected",
        "a quoted value opened on this line never closes",
    ),
    BadInput(
        "two headers for one column", "crm", "account", "c22_dup_header.csv",
        _text("Id,Name,ID,LastModifiedDate\nX23,Acme,X24,2026-11-10\n"), "rejected",
        "all mean column 'id'",
    ),
    BadInput(
        "unsupported file type", "crm", "account", "c23_accounts.xlsx", b"PK\x03\x04", "rejected",
        "unsupported file type",
    ),
    BadInput(
        "activity without a person or network", "engagement", "activity", "c24_anonymous.csv",
        _text(f"{ACTIVITY_HEADER}\nA1,2026-11-10T10:00:00Z,,,web_visit\n"), "rejected",
        "neither email nor ip_domain is set",
    ),
    BadInput(
        "unknown activity type", "engagement", "activity", "c25_unknown_type.csv",
        _text(f"{ACTIVITY_HEADER}\nA2,2026-11-10T10:00:00Z,jo@acme.com,,telepathy\n"),
        "rejected", "activity_type",
    ),
    BadInput(
        "required value missing", "intent", "g2_buyer_intent", "c26_no_domain.csv",
        _text("Domain,SignalDate,ActivityType\n,2026-11-09,pricing_page\n"), "rejected",
        "domain is missing",
    ),
    BadInput(
        "one JSON line cut off among many", "enrichment", "company", "c27_one_cut_line.jsonl",
        _text(_jsonl_with_a_cut_line(60, cut=16)), "quarantined",
        "line 16: not valid JSON",
    ),
    BadInput(
        "one ragged row among many", "crm", "account", "c28_one_ragged.csv",
        _text(f"{ACCOUNT_HEADER}\n{GOOD_ACCOUNTS}X28,Acme,2026-11-10,surplus\n"), "quarantined",
        "line 42: it has 4 fields, the header has 3",
    ),
    BadInput(
        "one unclosed quote among many", "crm", "account", "c29_one_open_quote.csv",
        _text(f'{ACCOUNT_HEADER}\n{FIRST_20}X29,"Acme,2026-11-10\n{LAST_20}'),
        "quarantined", "line 22: a quoted value opened on this line never closes",
    ),
    BadInput(
        "a gzip whose tail is missing", "crm", "lead", "c30_tail_missing.csv.gz",
        _truncated_gzip("Id,LastModifiedDate\n" + "".join(f"L{i},2026-11-10\n" for i in range(99))),
        "quarantined", "cut off where the truncated gzip file ends",
    ),
    BadInput(
        "neither UTF-8 nor Windows-1252", "crm", "account", "c31_undecodable.csv",
        _text(f"{ACCOUNT_HEADER}\nX31,") + b"Soci\x81t\xe9,2026-11-10\n", "rejected",
        "line 2 is not UTF-8 text (byte 0x81: invalid start byte) nor Windows-1252: "
        "re-save it as 'CSV UTF-8'",
    ),
    BadInput(
        "semicolons with a comma in a value", "crm", "account", "c32_semicolons_comma.csv",
        _text("Id;Name;LastModifiedDate\nX32;Acme, Inc;2026-11-10\n"), "rejected",
        "split by semicolons ('Id;Name;LastModifiedDate'): is it delimited by something "
        "other than a comma?",
    ),
]


@pytest.fixture(scope="module")
def corpus_run(built_warehouse: BuiltWarehouse, tmp_path_factory: pytest.TempPathFactory):
    # Two cases sharing a file name would overwrite each other silently.
    assert len({(b.source, b.table, b.name) for b in CORPUS}) == len(CORPUS) >= 20
    deployment = deploy_copy(built_warehouse, tmp_path_factory.mktemp("corpus") / "deploy")
    serving_before = file_digest(deployment.serving)
    exports_before = tree_digest(deployment.exports)
    for bad in CORPUS:
        path = deployment.landing / bad.source / bad.table / bad.name
        path.write_bytes(bad.content)
    result, instance = run_refresh(deployment)
    return deployment, result, instance, serving_before, exports_before


@pytest.mark.parametrize("bad", CORPUS, ids=[b.case for b in CORPUS])
def test_each_bad_input_gets_a_clear_message_or_quarantine_row(corpus_run, bad: BadInput) -> None:
    deployment, *_ = corpus_run
    rel = f"{bad.source}/{bad.table}/{bad.name}"
    with duckdb.connect(str(deployment.warehouse), read_only=True) as con:
        logged = con.execute(
            "select status, message, rows_quarantined from raw.load_log where _source_file = ?",
            [rel],
        ).fetchall()
        reasons = [
            row[0]
            for row in con.execute(
                "select reason from raw.quarantine where _source_file = ?", [rel]
            ).fetchall()
        ]
    assert len(logged) == 1, logged
    status, message, quarantined = logged[0]
    assert message.startswith(rel), message  # the message names the file
    if bad.outcome == "rejected":
        assert status == "rejected" and bad.says in message, message
        assert reasons == []
    elif bad.outcome == "quarantined":
        assert status == "loaded" and quarantined == 1, message
        assert len(reasons) == 1 and bad.says in reasons[0], reasons
    else:
        assert status == "loaded" and bad.says in message, message


def test_unicode_and_extra_columns_arrive_unchanged(corpus_run) -> None:
    deployment, *_ = corpus_run
    with duckdb.connect(str(deployment.warehouse), read_only=True) as con:
        names = dict(
            con.execute(
                "select id, name from raw.crm__account where _source_file like '%c15_unicode.csv'"
            ).fetchall()
        )
        extra = con.execute(
            "select _extra_columns from raw.crm__account where id = 'X4'"
        ).fetchone()[0]
    assert names == {
        "U1": "شركة الاتصالات",
        "U2": "חברת הייטק בע״מ",
        "U3": "Société Générale",
        "U4": "Acme 🚀 GmbH",
    }
    assert json.loads(extra) == {"favourite_colour": "teal"}


def test_rejected_files_stop_the_run_before_dbt_and_publication(corpus_run) -> None:
    deployment, result, _, serving_before, exports_before = corpus_run
    assert not result.success
    assert "landed_files_accepted" in failed_checks(result)
    done = materialized(result)
    assert "serving/publication" not in done
    assert not any(key.startswith(("staging/", "marts/")) for key in done), done
    assert file_digest(deployment.serving) == serving_before
    assert tree_digest(deployment.exports) == exports_before


class _Recorder(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        length = int(self.headers["Content-Length"])
        _Recorder.received.append(json.loads(self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_the_failure_sensor_posts_the_failed_run_to_the_webhook(corpus_run, monkeypatch) -> None:
    from orchestration.defs.resources import AbmSettings
    from orchestration.defs.sensors import refresh_failure_alert

    _, result, instance, *_ = corpus_run
    failure = next(e for e in result.all_events if e.event_type == dg.DagsterEventType.RUN_FAILURE)
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    monkeypatch.setenv("ABM_ALERT_WEBHOOK", f"http://127.0.0.1:{server.server_port}/abm")
    try:
        context = dg.build_run_status_sensor_context(
            sensor_name="refresh_failure_alert",
            dagster_event=failure,
            dagster_instance=instance,
            dagster_run=result.dagster_run,
            resources={"abm_settings": AbmSettings.from_env()},
        ).for_run_failure()
        refresh_failure_alert(context)
        thread.join(timeout=10)
    finally:
        server.server_close()
    (message,) = _Recorder.received
    assert message["job"] == "daily_refresh"
    assert message["run_id"] == result.run_id
    assert "the last publication is unchanged" in message["text"]

