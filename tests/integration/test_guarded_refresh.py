"""The guarded daily refresh: bad inputs and failing checks never reach BI, a killed build
recovers, incremental runs equal a full build, and repeated runs publish the same marts.

Each scenario deploys a copy of the session's warehouse (build file, serving file,
exports, landing folder) into its own folder and runs the real Dagster job on it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from tests.conftest import PROJECT_DIR, BuiltWarehouse

ACCOUNT_HEADER = "Id,Name,LastModifiedDate"
SURGE_HEADER = "Domain,Topic Name,Composite Score,Timestamp"
ACTIVITY_HEADER = "ActivityId,OccurredAt,Email,IpDomain,ActivityType"


@dataclass(frozen=True)
class Deployment:
    root: Path
    landing: Path
    warehouse: Path
    serving: Path
    exports: Path

    def env(self) -> dict[str, str]:
        return {
            "ABM_LANDING_DIR": str(self.landing),
            "ABM_WAREHOUSE_PATH": str(self.warehouse),
            "ABM_SERVING_PATH": str(self.serving),
            "ABM_EXPORTS_DIR": str(self.exports),
        }


def deploy_copy(built: BuiltWarehouse, root: Path, *, with_warehouse: bool = True) -> Deployment:
    root.mkdir(parents=True)
    deployment = Deployment(
        root, root / "landing", root / "warehouse.duckdb", root / "serving.duckdb", root / "exports"
    )
    shutil.copytree(built.landing_dir, deployment.landing)
    shutil.copy2(built.serving_path, deployment.serving)
    shutil.copytree(built.exports_dir, deployment.exports)
    if with_warehouse:
        shutil.copy2(built.warehouse_path, deployment.warehouse)
        wal = Path(f"{built.warehouse_path}.wal")
        if wal.exists():
            shutil.copy2(wal, f"{deployment.warehouse}.wal")
    return deployment


def run_refresh(
    deployment: Deployment, extra_env: dict[str, str] | None = None
) -> tuple[dg.ExecuteInProcessResult, dg.DagsterInstance]:
    from orchestration.definitions import defs
    from orchestration.defs.jobs import DAILY_REFRESH

    job = defs.resolve_job_def(DAILY_REFRESH)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {**deployment.env(), **(extra_env or {})}.items():
            patch.setenv(name, value)
        instance = dg.DagsterInstance.ephemeral()
        result = job.execute_in_process(instance=instance, raise_on_error=False)
    return result, instance


def failed_checks(result: dg.ExecuteInProcessResult) -> set[str]:
    return {
        e.check_name
        for e in result.get_asset_check_evaluations()
        if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR
    }


def materialized(result: dg.ExecuteInProcessResult) -> set[str]:
    return {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def publication_run_id(serving: Path) -> str:
    with duckdb.connect(str(serving), read_only=True) as con:
        return con.execute("select run_id from marts._publication").fetchone()[0]


def differing_tables(
    left: Path, right: Path, schema: str, tables: list[str], where: str = ""
) -> dict[str, dict[str, int]]:
    """Tables whose rows differ (as multisets) between two DuckDB files: name -> counts."""
    differences = {}
    with duckdb.connect() as con:
        con.execute(f"attach '{left}' as l (read_only)")
        con.execute(f"attach '{right}' as r (read_only)")
        for table in tables:
            l_rel, r_rel = f'l.{schema}."{table}"', f'r.{schema}."{table}"'
            cond = where.format(table=table) if where else ""
            only_left = con.execute(
                f"select count(*) from (select * from {l_rel} {cond} "
                f"except all select * from {r_rel} {cond})"
            ).fetchone()[0]
            only_right = con.execute(
                f"select count(*) from (select * from {r_rel} {cond} "
                f"except all select * from {l_rel} {cond})"
            ).fetchone()[0]
            total = con.execute(f"select count(*) from {l_rel} {cond}").fetchone()[0]
            if only_left or only_right:
                differences[table] = {"left": only_left, "right": only_right, "rows": total}
    return differences


def published_marts(serving: Path) -> list[str]:
    with duckdb.connect(str(serving), read_only=True) as con:
        return [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' and table_name <> '_publication' order by 1"
            ).fetchall()
        ]


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
        gzip.compress(_text("Id,LastModifiedDate\n" + "L1,2026-11-10\n" * 200))[:40], "rejected",
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


# --- a failing blocking check, then an incremental run, against a full build ----------

# Incremental models and the rows of them that a full build on the same inputs must equal:
# the whole weekly intent table, and the latest as-of date of the per-date facts.
INCREMENTAL_LATEST = {
    "int_intent_topic_weeks": ("intermediate", ""),
    "fct_account_snapshots": ("marts", "as_of_date"),
    "account_intent_scores": ("marts", "as_of_date"),
    "account_engagement_scores": ("marts", "as_of_date"),
    "account_journey": ("marts", "as_of_date"),
}


@pytest.fixture(scope="module")
def withheld_then_delivered(built_warehouse: BuiltWarehouse, tmp_path_factory):
    """Day 1: the last day's files have not landed yet and a blocking dbt test fails.
    Day 2: they land and the rule is fixed: an incremental run over the stored history."""
    deployment = deploy_copy(
        built_warehouse, tmp_path_factory.mktemp("incremental") / "deploy", with_warehouse=False
    )
    anchor = json.loads((built_warehouse.truth_dir / "meta.json").read_text())["anchor_date"]
    withheld = deployment.root / "withheld"
    for path in sorted(deployment.landing.rglob(f"{anchor}_*")):
        target = withheld / path.relative_to(deployment.landing)
        target.parent.mkdir(parents=True, exist_ok=True)
        path.rename(target)
    assert any(withheld.rglob("*"))
    serving_before = file_digest(deployment.serving)
    # No AUC can reach 1.01: the blocking backtest test fails on an otherwise good build.
    failing, _ = run_refresh(deployment, {"ABM_DBT_VARS": '{"icp_backtest_auc_fail_below": 1.01}'})
    serving_after_failure = file_digest(deployment.serving)
    for path in sorted(p for p in withheld.rglob("*") if p.is_file()):
        target = deployment.landing / path.relative_to(withheld)
        shutil.copy2(path, target)
    incremental, _ = run_refresh(deployment)
    return deployment, failing, incremental, serving_before, serving_after_failure


def test_a_failing_blocking_check_stops_the_publication(withheld_then_delivered) -> None:
    _, failing, _, serving_before, serving_after_failure = withheld_then_delivered
    assert not failing.success
    assert "assert_icp_backtest_auc_not_below_fail" in failed_checks(failing)
    assert "serving/publication" not in materialized(failing)
    assert serving_after_failure == serving_before


def test_the_next_good_run_publishes(withheld_then_delivered) -> None:
    deployment, _, incremental, serving_before, _ = withheld_then_delivered
    assert incremental.success, failed_checks(incremental)
    assert "serving/publication" in materialized(incremental)
    assert file_digest(deployment.serving) != serving_before
    assert publication_run_id(deployment.serving) == incremental.run_id


def test_an_incremental_run_equals_a_full_build(withheld_then_delivered, built_warehouse) -> None:
    deployment, *_ = withheld_then_delivered
    with duckdb.connect(str(deployment.warehouse), read_only=True) as con:
        dates = con.execute(
            "select count(distinct as_of_date) from marts.account_intent_scores"
        ).fetchone()[0]
    assert dates == 2  # day 1 and day 2 are both stored: day 2 really ran incrementally
    differences = {}
    for model, (schema, date_column) in INCREMENTAL_LATEST.items():
        where = (
            f'where {date_column} = (select max({date_column}) from l.{schema}."{{table}}")'
            if date_column
            else ""
        )
        differences |= differing_tables(
            deployment.warehouse, built_warehouse.warehouse_path, schema, [model], where
        )
    assert differences == {}


# --- SIGKILL mid-build, recovery, a reader, and identical repeated publications -------


def _session_processes(session_id: int) -> list[tuple[int, str]]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        # fields[0] is the state (a zombie is dead already), fields[3] the session id
        if int(fields[3]) == session_id and fields[0] != "Z":
            found.append((int(entry.name), cmdline))
    return found


def _start_refresh(deployment: Deployment, dagster_home: Path, log: Path) -> subprocess.Popen:
    env = {**os.environ, **deployment.env(), "DAGSTER_HOME": str(dagster_home)}
    return subprocess.Popen(
        [sys.executable, "-m", "orchestration.lib.runner"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _wait_for_dbt(process: subprocess.Popen) -> bool:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        if any("dbt" in cmd and " build" in cmd for _, cmd in _session_processes(process.pid)):
            time.sleep(5)  # well inside the build: it runs for a minute and more
            return process.poll() is None
        time.sleep(0.2)
    return False


def _signal_and_wait(process: subprocess.Popen, signum: int) -> int:
    os.killpg(process.pid, signum)
    code = process.wait(timeout=180)
    gone_by = time.monotonic() + 60
    while _session_processes(process.pid) and time.monotonic() < gone_by:
        time.sleep(0.1)
    assert not _session_processes(process.pid), "the stopped run left processes behind"
    return code


def _claimed_slots(dagster_home: Path) -> list:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(dagster_home))
        with dg.DagsterInstance.get() as instance:
            storage = instance.event_log_storage
            return [
                slot
                for pool in storage.get_concurrency_keys()
                for slot in storage.get_concurrency_info(pool).claimed_slots
            ]


def _run_statuses(dagster_home: Path) -> dict[str, str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(dagster_home))
        with dg.DagsterInstance.get() as instance:
            return {run.run_id: run.status.value for run in instance.get_runs()}


@pytest.fixture(scope="module")
def killed_then_recovered(built_warehouse: BuiltWarehouse, tmp_path_factory) -> Iterator[dict]:
    """One checkout, one persistent DAGSTER_HOME, as `make run` uses them: a run SIGKILLed
    during dbt, a run SIGTERMed during dbt, then two refreshes of two warehouses started
    20 s apart while a BI reader holds the first one's old serving file."""
    root = tmp_path_factory.mktemp("sigkill")
    deployment = deploy_copy(built_warehouse, root / "deploy")
    other = deploy_copy(built_warehouse, root / "other")
    dagster_home = root / "dagster_home"
    dagster_home.mkdir()
    shutil.copy2(PROJECT_DIR / "orchestration" / "dagster.yaml", dagster_home / "dagster.yaml")
    before = {
        "serving": file_digest(deployment.serving),
        "exports": tree_digest(deployment.exports),
        "run_id": publication_run_id(deployment.serving),
    }
    killed = _start_refresh(deployment, dagster_home, root / "killed.log")
    killed_mid_run = _wait_for_dbt(killed)
    _signal_and_wait(killed, signal.SIGKILL)
    after_kill = {
        "serving": file_digest(deployment.serving),
        "exports": tree_digest(deployment.exports),
        "run_id": publication_run_id(deployment.serving),
    }
    slots_after_kill = _claimed_slots(dagster_home)
    terminated = _start_refresh(deployment, dagster_home, root / "terminated.log")
    terminated_mid_run = _wait_for_dbt(terminated)
    terminated_code = _signal_and_wait(terminated, signal.SIGTERM)
    # A BI user keeps the last publication open while the recovery run rebuilds and publishes.
    reader = duckdb.connect(str(deployment.serving), read_only=True)
    try:
        recovery = _start_refresh(deployment, dagster_home, root / "recovery.log")
        time.sleep(20)
        second = _start_refresh(other, dagster_home, root / "other.log")
        codes = {"recovery": recovery.wait(timeout=1200), "other": second.wait(timeout=1200)}
        reader_run_id = reader.execute("select run_id from marts._publication").fetchone()[0]
        reader_rows = reader.execute("select count(*) from marts.account_tiers").fetchone()[0]
    finally:
        reader.close()
    yield {
        "deployment": deployment,
        "other": other,
        "dagster_home": dagster_home,
        "logs": {p.stem: p.read_text() for p in root.glob("*.log")},
        "killed_mid_run": killed_mid_run,
        "terminated_mid_run": terminated_mid_run,
        "terminated_code": terminated_code,
        "slots_after_kill": slots_after_kill,
        "before": before,
        "after_kill": after_kill,
        "codes": codes,
        "reader_run_id": reader_run_id,
        "reader_rows": reader_rows,
    }


def test_sigkill_mid_build_leaves_the_publication_intact(killed_then_recovered) -> None:
    state = killed_then_recovered
    assert state["killed_mid_run"]
    assert state["after_kill"] == state["before"]
    # The dead run still holds its slot: this is what used to hang every later refresh.
    assert [slot.step_key for slot in state["slots_after_kill"]] == ["abm_dbt_models"]


def test_the_next_run_frees_a_killed_runs_slot(killed_then_recovered) -> None:
    state = killed_then_recovered
    dead_run = state["slots_after_kill"][0].run_id
    assert f"marked dead run {dead_run} failed" in state["logs"]["terminated"]
    assert _run_statuses(state["dagster_home"])[dead_run] == "FAILURE"


def test_sigterm_stops_a_run_cleanly(killed_then_recovered) -> None:
    state = killed_then_recovered
    assert state["terminated_mid_run"]
    assert state["terminated_code"] == 1
    log = state["logs"]["terminated"]
    assert "stopped by SIGTERM or Ctrl-C before it finished" in log
    assert "result: FAILED - nothing was published" in log


def test_the_run_after_a_kill_completes_and_publishes(killed_then_recovered) -> None:
    state = killed_then_recovered
    assert state["codes"]["recovery"] == 0, state["logs"]["recovery"][-3000:]
    assert "result: PUBLISHED" in state["logs"]["recovery"]
    assert publication_run_id(state["deployment"].serving) != state["before"]["run_id"]
    assert _claimed_slots(state["dagster_home"]) == []


def test_two_refreshes_of_two_warehouses_from_one_checkout_both_finish(
    killed_then_recovered,
) -> None:
    state = killed_then_recovered
    assert state["codes"]["other"] == 0, state["logs"]["other"][-3000:]
    statuses = _run_statuses(state["dagster_home"])
    # Only the killed and the terminated run failed: no live run was marked failed.
    assert sorted(statuses.values()) == ["FAILURE", "FAILURE", "SUCCESS", "SUCCESS"]
    assert "marked dead run" not in state["logs"]["other"]


def test_a_reader_holding_the_serving_file_keeps_the_whole_old_publication(
    killed_then_recovered, built_warehouse
) -> None:
    state = killed_then_recovered
    assert state["reader_run_id"] == state["before"]["run_id"]
    with duckdb.connect(str(built_warehouse.serving_path), read_only=True) as con:
        published_rows = con.execute("select count(*) from marts.account_tiers").fetchone()[0]
    assert state["reader_rows"] == published_rows


def test_two_runs_on_the_same_inputs_publish_identical_marts(
    killed_then_recovered, built_warehouse
) -> None:
    serving = killed_then_recovered["deployment"].serving
    marts = published_marts(built_warehouse.serving_path)
    assert marts == published_marts(serving)
    assert "account_tiers" in marts
    assert differing_tables(built_warehouse.serving_path, serving, "marts", marts) == {}
    # Byte for byte: a checksum of the exports proves that nothing changed.
    first = killed_then_recovered["deployment"].exports
    second = killed_then_recovered["other"].exports
    for mart in marts:
        assert file_digest(first / mart / "data.parquet") == file_digest(
            second / mart / "data.parquet"
        ), mart
