"""The sample data generator: deterministic, contract-shaped, messy, with a truthful truth."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pytest

from sample_data import generate
from sample_data.catalogs import FREE_MAIL_DOMAINS, TOPIC_CATALOG
from sample_data.cli import main
from sample_data.drops import header_to_snake
from sample_data.universe import build_universe

N = 300
SEED = 7
ANCHOR = date(2026, 11, 16)

CONTRACT: dict[str, tuple[set[str], set[str]]] = {
    # table: (required, optional)
    "crm/account": ({"id", "name", "last_modified_date"}, {
        "website", "industry", "number_of_employees", "annual_revenue", "billing_country",
        "billing_state", "billing_city", "type", "parent_id", "owner_id", "created_date",
        "is_deleted"}),
    "crm/contact": ({"id", "last_modified_date"}, {
        "account_id", "first_name", "last_name", "email", "title", "department", "lead_source",
        "created_date", "is_deleted"}),
    "crm/lead": ({"id", "last_modified_date"}, {
        "company", "email", "website", "industry", "number_of_employees", "annual_revenue",
        "country", "status", "is_converted", "converted_account_id", "converted_contact_id",
        "converted_opportunity_id", "created_date", "is_deleted"}),
    "crm/opportunity": ({"id", "stage_name", "created_date", "last_modified_date"}, {
        "account_id", "name", "amount", "is_closed", "is_won", "close_date", "type",
        "forecast_category", "probability", "owner_id", "is_deleted"}),
    "crm/user": ({"id"}, {"name", "email", "title", "is_active"}),
    "crm/task": ({"id", "last_modified_date"}, {
        "who_id", "what_id", "account_id", "activity_date", "type", "status", "is_deleted"}),
    "enrichment/company": ({"domain", "updated_at"}, {
        "name", "industry", "sub_industry", "employees", "employees_range", "annual_revenue",
        "revenue_range", "country", "country_code", "state", "city", "founded_year",
        "funding_total", "latest_funding_stage", "tech", "parent_domain",
        "ultimate_parent_domain"}),
    "enrichment/technology": ({"domain", "tech_name"}, {"tech_category", "first_seen",
                                                         "last_seen"}),
    "intent/bombora_surge": ({"domain", "topic_name", "composite_score", "timestamp"}, {
        "company_name", "company_size", "company_revenue", "industry", "hq_country", "topic_id",
        "cluster_name", "composite_score_delta"}),
    "intent/g2_buyer_intent": ({"domain", "signal_date", "activity_type"}, {
        "company_name", "category", "competitor", "page_views"}),
    "engagement/activity": ({"activity_id", "occurred_at", "activity_type"}, {
        "email", "ip_domain", "channel", "campaign_id", "url", "duration_seconds"}),
}
KNOWN_EXTRAS = {"description", "_fivetran_synced"}
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S.000+0000", "%Y-%m-%dT%H:%M:%SZ",
                "%Y-%m-%d", "%m/%d/%Y")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    out = {}
    for name, seed in (("a", SEED), ("b", SEED), ("c", SEED + 1)):
        base = tmp_path_factory.mktemp(f"sample_{name}")
        landing, truth = base / "landing", base / "truth"
        generate(N, seed, landing, truth, ANCHOR)
        out[name] = (landing, truth)
    return out


@pytest.fixture(scope="module")
def landing(runs: dict[str, tuple[Path, Path]]) -> Path:
    return runs["a"][0]


@pytest.fixture(scope="module")
def truth(runs: dict[str, tuple[Path, Path]]) -> Path:
    return runs["a"][1]


def _hashes(*folders: Path) -> dict[str, str]:
    found = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                key = f"{folder.name}/{path.relative_to(folder)}"
                found[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def _rows(path: Path) -> list[dict[str, object]]:
    """Data rows of any landed file, headers snake_cased, in file order."""
    name = path.name
    if name.endswith(".parquet"):
        table = pq.read_table(path)
        table = table.rename_columns([header_to_snake(c) for c in table.column_names])
        return table.to_pylist()
    if name.endswith(".jsonl"):
        lines = path.read_text(encoding="utf-8").splitlines()
        return [{header_to_snake(k): v for k, v in json.loads(x).items()} for x in lines]
    raw = gzip.decompress(path.read_bytes()) if name.endswith(".gz") else path.read_bytes()
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
    return [{header_to_snake(k): v for k, v in row.items()} for row in reader]


def _files(landing: Path, table: str) -> list[Path]:
    return sorted((landing / table).glob("*.*"))


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _parses_as_date(value: object) -> bool:
    if _empty(value):
        return False
    if isinstance(value, date | datetime):
        return True
    for fmt in DATE_FORMATS:
        try:
            datetime.strptime(str(value), fmt)
            return True
        except ValueError:
            continue
    return False


def _row_problems(table: str, row: dict[str, object]) -> set[str]:
    """The quarantine rules of the contract, as the generator's bad-row defects name them."""
    problems = set()
    if table.startswith("crm/"):
        if _empty(row.get("id")):
            problems.add("missing_id")
        if table != "crm/user" and not _parses_as_date(row.get("last_modified_date")):
            problems.add("bad_last_modified_date")
    elif table == "engagement/activity":
        if _empty(row.get("activity_id")):
            problems.add("missing_id")
        if _empty(row.get("email")) and _empty(row.get("ip_domain")):
            problems.add("no_email_or_ip_domain")
    else:
        if _empty(row.get("domain")):
            problems.add("missing_domain")
        if table == "intent/bombora_surge":
            try:
                score = float(row["composite_score"])  # type: ignore[arg-type]
                if not 0 <= score <= 100:
                    problems.add("bad_composite_score")
            except (TypeError, ValueError):
                problems.add("bad_composite_score")
    return problems


def test_same_seed_gives_byte_identical_files(runs: dict[str, tuple[Path, Path]]) -> None:
    first, second = _hashes(*runs["a"]), _hashes(*runs["b"])
    assert len(first) > 40
    assert first == second


def test_another_seed_gives_other_data(runs: dict[str, tuple[Path, Path]]) -> None:
    first, other = _hashes(*runs["a"]), _hashes(*runs["c"])
    data = [k for k in first if k.endswith((".csv", ".parquet", ".jsonl", ".gz"))]
    changed = [k for k in data if first[k] != other.get(k)]
    assert len(changed) >= len(data) - 2


def test_every_contract_table_is_written_with_its_columns(landing: Path) -> None:
    con = duckdb.connect()
    for table, (required, optional) in CONTRACT.items():
        files = _files(landing, table)
        assert len(files) >= 2, table
        for path in files:
            if path.name.endswith(".parquet"):
                rel = con.sql(f"select * from read_parquet('{path}')")
            elif path.name.endswith(".jsonl"):
                rel = con.sql(f"select * from read_json('{path}', format='newline_delimited')")
            else:
                rel = con.sql(f"select * from read_csv('{path}', all_varchar=true, header=true)")
            columns = {header_to_snake(c) for c in rel.columns}
            assert required <= columns, (path, required - columns)
            assert columns <= required | optional | KNOWN_EXTRAS, (path, columns)
            assert rel.count("*").fetchall()[0][0] > 0, path


def test_formats_and_csv_quirks_are_present(landing: Path) -> None:
    files = [p for p in landing.rglob("*") if p.is_file() and not p.name.startswith(".")]
    suffixes = {"".join(p.suffixes[-2:]) if p.name.endswith(".gz") else p.suffix for p in files}
    assert {".csv", ".csv.gz", ".parquet", ".jsonl"} <= suffixes
    csvs = [p for p in files if p.suffix == ".csv"]
    heads = {p: p.read_bytes()[:400] for p in csvs}
    assert any(h.startswith(b"\xef\xbb\xbf") for h in heads.values())
    assert any(b"\r\n" in h for h in heads.values())
    pascal = [h.decode("utf-8-sig", "ignore").splitlines()[0] for h in heads.values()]
    assert any('"Id"' in h and '"LastModifiedDate"' in h and '"AnnualRevenue"' in h
               and '"NumberOfEmployees"' in h and '"BillingCountry"' in h for h in pascal)
    assert any('"Domain"' in h and '"CompositeScore"' in h and '"TopicName"' in h
               and '"Timestamp"' in h for h in pascal)
    for gz in (p for p in files if p.name.endswith(".gz")):
        assert gz.read_bytes()[4:8] == b"\x00\x00\x00\x00"  # gzip mtime 0
    values = [v for p in csvs for row in _rows(p) for v in row.values() if isinstance(v, str)]
    assert any("\n" in v for v in values) and any("," in v for v in values)
    jsonl = [r for p in _files(landing, "enrichment/company") if p.suffix == ".jsonl"
             for r in _rows(p)]
    assert any(isinstance(r.get("tech"), list) and r["tech"] for r in jsonl)
    csv_tech = [r["tech"] for p in _files(landing, "enrichment/company") if p.suffix == ".csv"
                for r in _rows(p)]
    assert any(";" in t for t in csv_tech)


def test_bad_rows_are_recorded_exactly_where_they_are(landing: Path, truth: Path) -> None:
    bad = pq.read_table(truth / "bad_rows.parquet").to_pylist()
    assert bad
    recorded: dict[str, dict[int, str]] = {}
    for b in bad:
        recorded.setdefault(b["file"], {})[b["row_number"]] = b["defect"]
    kinds = {b["defect"] for b in bad}
    assert {"missing_id", "bad_last_modified_date", "missing_domain", "bad_composite_score",
            "no_email_or_ip_domain"} <= kinds
    for table in CONTRACT:
        for path in _files(landing, table):
            rel = str(path.relative_to(landing))
            rows = _rows(path)
            found = {i + 1: _row_problems(table, r) for i, r in enumerate(rows)}
            found = {i: p for i, p in found.items() if p}
            planted = recorded.get(rel, {})
            assert set(found) == set(planted), rel
            for i, defect in planted.items():
                assert defect in found[i], (rel, i)
            assert len(planted) <= 0.01 * len(rows), rel


def test_crm_mess_is_planted(landing: Path, truth: Path) -> None:
    accounts = pq.read_table(truth / "crm_accounts.parquet").to_pylist()
    assert any(a["is_duplicate"] and a["duplicate_kind"] == "domain_variant" for a in accounts)
    assert any(a["is_duplicate"] and not a["has_website"] for a in accounts)
    assert any(a["is_deleted"] for a in accounts)
    assert sum(a["parent_defect"] == "cycle" for a in accounts) == 2
    assert len(accounts) == N
    opps = pq.read_table(truth / "opportunities.parquet").to_pylist()
    defects = {o["planted_defect"] for o in opps}
    assert {"no_account", "future_close"} <= defects
    websites = [r.get("website") for p in _files(landing, "crm/account") for r in _rows(p)]
    assert any(isinstance(w, str) and w.startswith("https://www.") for w in websites)
    assert any(isinstance(w, str) and w.endswith(".") for w in websites)


def test_leads_have_every_match_basis_and_free_mail(landing: Path, truth: Path) -> None:
    leads = {r["lead_id"]: r for r in pq.read_table(truth / "leads.parquet").to_pylist()}
    assert {r["match_basis"] for r in leads.values()} == {
        "converted", "email_domain", "website", "company_name", "free_mail_only", "not_in_crm"}
    delivered = {r["id"]: r for p in _files(landing, "crm/lead") for r in _rows(p)
                 if not _empty(r.get("id"))}
    free_only = [i for i, r in leads.items() if r["match_basis"] == "free_mail_only"]
    assert free_only
    for lead_id in free_only:
        email = str(delivered[lead_id]["email"])
        assert email.split("@")[1] in FREE_MAIL_DOMAINS
        assert leads[lead_id]["true_account_company_key"] is not None or True


def test_won_share_follows_planted_fit(truth: Path) -> None:
    con = duckdb.connect()
    rows = con.sql(f"""
        select c.fit_segment, avg(o.is_won::int) as won_share, count(*) as n
        from '{truth}/opportunities.parquet' as o
        join '{truth}/companies.parquet' as c using (company_key)
        where o.is_closed and o.opportunity_type = 'New Business'
        group by 1
    """).fetchall()
    share = {seg: won for seg, won, _ in rows}
    assert share["high"] > share["low"]


def test_null_effect_attribute_is_not_in_the_model(truth: Path) -> None:
    meta = json.loads((truth / "meta.json").read_text())
    assert meta["null_effect_attribute"] == "latest_funding_stage"
    assert "latest_funding_stage" not in meta["model"]
    companies = pq.read_table(truth / "companies.parquet").to_pylist()
    model = meta["model"]
    for c in companies:
        logit = (model["intercept"] + model["industry"][c["industry"]]
                 + model["employee_band"][c["employee_band"]] + model["region"][c["region"]]
                 + sum(model["technology"][t] for t in c["technologies"].split(";") if t)
                 + (model["founded_year"]["effect"]
                    if c["founded_year"] >= model["founded_year"]["since"] else 0.0))
        assert logit == pytest.approx(c["true_logit"], abs=1e-9)
    big = build_universe(3, 20_000, 8_000)
    assert abs(np.corrcoef(big.funding_idx, big.logit)[0, 1]) < 0.03


def test_in_market_companies_surge_on_relevant_topics(landing: Path, truth: Path) -> None:
    relevant = [t.topic_name for t in TOPIC_CATALOG if t.is_relevant]
    con = duckdb.connect()
    parquet = [str(p) for p in _files(landing, "intent/bombora_surge") if p.suffix == ".parquet"]
    surging = {d for (d,) in con.sql(f"""
        select distinct regexp_replace(lower(domain), '^(www|blog)\\.', '')
        from read_parquet({parquet})
        where composite_score between 60 and 100
          and topic_name in {tuple(relevant)}
          and "timestamp" >= date '{ANCHOR}' - 35
    """).fetchall()}
    companies = pq.read_table(truth / "companies.parquet").to_pylist()
    in_market = {c["domain"] for c in companies if c["is_in_market"]}
    assert 0.03 < len(in_market) / len(companies) < 0.2
    assert surging == in_market


def test_refuses_to_clear_a_folder_it_did_not_write(tmp_path: Path) -> None:
    precious = tmp_path / "mine"
    precious.mkdir()
    (precious / "keep.txt").write_text("do not delete")
    with pytest.raises(ValueError, match="refusing"):
        generate(50, 1, precious, tmp_path / "truth")
    assert (precious / "keep.txt").exists()
    assert main(["--accounts", "50", "--landing", str(precious), "--truth",
                 str(tmp_path / "t")]) == 2


def test_cli_writes_and_rewrites(tmp_path: Path) -> None:
    args = ["--accounts", "60", "--seed", "3", "--landing", str(tmp_path / "l"), "--truth",
            str(tmp_path / "t"), "--anchor-date", "2025-06-30"]
    assert main(args) == 0
    first = _hashes(tmp_path / "l", tmp_path / "t")
    assert main(args) == 0
    assert _hashes(tmp_path / "l", tmp_path / "t") == first
    meta = json.loads((tmp_path / "t" / "meta.json").read_text())
    assert meta["anchor_date"] == "2025-06-30" and meta["n_accounts"] == 60


def test_engaged_companies_are_active_in_the_last_30_days(landing: Path, truth: Path) -> None:
    since = datetime(2026, 10, 17)
    recent: dict[str, int] = {}
    for path in _files(landing, "engagement/activity"):
        for row in _rows(path):
            when = row["occurred_at"]
            when = when if isinstance(when, datetime) else datetime.fromisoformat(str(when))
            if when < since:
                continue
            host = str(row.get("email") or "").lower().split("@")[-1] or str(
                row.get("ip_domain") or "")
            for sub in ("eu.", "us.", "vpn.", "mail.", "corp."):
                host = host.removeprefix(sub)
            recent[host] = recent.get(host, 0) + 1
    companies = pq.read_table(truth / "companies.parquet").to_pylist()
    engaged = [recent.get(c["domain"], 0) for c in companies if c["is_engaged"]]
    others = [recent.get(c["domain"], 0) for c in companies if not c["is_engaged"]]
    assert engaged and others
    assert min(engaged) > 0
    assert np.mean(engaged) > 5 * np.mean(others)
