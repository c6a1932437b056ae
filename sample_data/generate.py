"""Top level: build the world, write landing drops and the planted truth."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from sample_data import catalogs, signals
from sample_data.crm import Crm, build_crm
from sample_data.drops import (
    BadRow,
    FileSpec,
    Written,
    assign_drops,
    drop_days,
    with_versions,
    write_table_files,
)
from sample_data.mess import STR, fmt_timestamps, null_out, pick, rng_for
from sample_data.universe import Universe, build_universe

MARKER = ".abm_sample_data"
DEFAULT_ANCHOR = date(2026, 11, 16)
NULL_EFFECT_ATTRIBUTE = "latest_funding_stage"
CRM_DEFECTS = ("missing_id", "bad_last_modified_date")
GENERATOR_VERSION = 1


@dataclass
class GenerationSummary:
    n_accounts: int
    seed: int
    anchor_date: str
    rows: dict[str, int] = field(default_factory=dict)  # "<source>/<table>" -> data rows
    files: dict[str, int] = field(default_factory=dict)  # "<source>/<table>" -> files
    bad_rows: int = 0
    truth_rows: dict[str, int] = field(default_factory=dict)


def _notes(rng: np.random.Generator, n: int) -> pa.Array:
    """An unknown extra column whose text holds commas and line breaks."""
    notes = ["Key account, handle with care", "Met at Dreamforce\nfollow up in Q1", "",
             "Pricing, legal and security review\r\npending", "Renewal risk: low"]
    return pick(notes, rng.integers(0, len(notes), n))


def _synced(rng: np.random.Generator, n: int) -> pa.Array:
    return pa.array(["2026-01-01T00:00:00Z"] * n, STR)


def _prepare(path: Path, other: Path) -> None:
    path = path.resolve()
    other = other.resolve()
    if path == other or path in other.parents or other in path.parents:
        raise ValueError(f"landing and truth folders must not overlap: {path} / {other}")
    if path.exists():
        if not path.is_dir():
            raise ValueError(f"{path} exists and is not a folder")
        if any(path.iterdir()) and not (path / MARKER).exists():
            raise ValueError(
                f"refusing to clear {path}: it is not empty and has no {MARKER} marker "
                "(it does not look like earlier sample data output)")
        shutil.rmtree(path)
    path.mkdir(parents=True)
    (path / MARKER).write_text("written by sample_data; regenerated on each run\n")


def _perturb_columns(changes: dict[str, Callable[[pa.Table, np.random.Generator], pa.Array]]):
    def perturb(table: pa.Table, rng: np.random.Generator) -> pa.Table:
        for name, make in changes.items():
            i = table.schema.get_field_index(name)
            table = table.set_column(i, name, make(table, rng))
        return table

    return perturb


def _const(value: str | None) -> Callable[[pa.Table, np.random.Generator], pa.Array]:
    return lambda t, rng: pa.array([value] * t.num_rows, STR)


def _scaled(name: str, factor: float) -> Callable[[pa.Table, np.random.Generator], pa.Array]:
    def make(t: pa.Table, rng: np.random.Generator) -> pa.Array:
        return pc.cast(pc.multiply(t[name], factor), t.schema.field(name).type, safe=False)

    return make


PERTURB = {
    "account": {"is_deleted": _const("false"), "type": _const("Prospect"),
                "billing_city": _const("Unknown")},
    "contact": {"is_deleted": _const("false"), "title": _const("Marketing Coordinator")},
    "lead": {"is_deleted": _const("false"), "status": _const("Open - Not Contacted"),
             "is_converted": _const("false"), "converted_account_id": _const(None),
             "converted_contact_id": _const(None)},
    "opportunity": {"is_deleted": _const("false"), "stage_name": _const("Negotiation/Review"),
                    "is_closed": _const("false"), "is_won": _const("false"),
                    "forecast_category": _const("Commit"), "probability": _const("80")},
    "task": {"is_deleted": _const("false"), "status": _const("Not Started")},
}

CRM_SPECS: dict[str, tuple[FileSpec, ...]] = {
    "account": (
        FileSpec(0, "csv", header="pascal", extra_columns=(("Description", _notes),),
                 defects=CRM_DEFECTS),
        FileSpec(1, "csv.gz", drop_columns=("billing_state", "billing_city"),
                 defects=CRM_DEFECTS),
        FileSpec(2, "csv", bom=True, crlf=True, defects=CRM_DEFECTS),
        FileSpec(3, "parquet", all_text=True, defects=CRM_DEFECTS),
    ),
    "contact": (
        FileSpec(0, "csv.gz", defects=CRM_DEFECTS),
        FileSpec(1, "csv", extra_columns=(("_fivetran_synced", _synced),), defects=CRM_DEFECTS),
        FileSpec(2, "parquet", all_text=True, defects=CRM_DEFECTS),
        FileSpec(3, "jsonl", drop_columns=("department",), defects=CRM_DEFECTS),
    ),
    "lead": (
        FileSpec(0, "csv", defects=CRM_DEFECTS),
        FileSpec(1, "jsonl", drop_columns=("converted_opportunity_id",), defects=CRM_DEFECTS),
        FileSpec(2, "csv", header="camel", defects=CRM_DEFECTS),
        FileSpec(3, "csv.gz", defects=CRM_DEFECTS),
    ),
    "opportunity": (
        FileSpec(0, "parquet", all_text=True, defects=CRM_DEFECTS),
        FileSpec(1, "csv", header="pascal", defects=CRM_DEFECTS),
        FileSpec(2, "csv.gz", defects=CRM_DEFECTS),
        FileSpec(3, "parquet", all_text=True, drop_columns=("forecast_category",),
                 defects=CRM_DEFECTS),
    ),
    "task": (
        FileSpec(0, "parquet", all_text=True, defects=CRM_DEFECTS),
        FileSpec(1, "csv.gz", defects=CRM_DEFECTS),
        FileSpec(2, "csv", defects=CRM_DEFECTS),
        FileSpec(3, "jsonl", defects=CRM_DEFECTS),
    ),
}


PROFILES = ("default", "correlated", "repeat_business")


def generate(
    n_accounts: int, seed: int, landing_dir: Path, truth_dir: Path,
    anchor_date: date = DEFAULT_ANCHOR, profile: str = "default",
) -> GenerationSummary:
    """Write `n_accounts` CRM accounts' worth of landing files plus the planted truth.

    profile (PROFILES): default; correlated (revenue restates size, segment restates
    industry); repeat_business (every account with a closed deal has won one, many
    deals per account)."""
    if n_accounts < 10:
        raise ValueError("n_accounts must be at least 10")
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {', '.join(PROFILES)}")
    landing_dir, truth_dir = Path(landing_dir), Path(truth_dir)
    _prepare(landing_dir, truth_dir)
    _prepare(truth_dir, landing_dir)
    anchor = np.datetime64(anchor_date.isoformat(), "D")
    days = drop_days(anchor)
    n_crm = max(5, round(n_accounts / 1.065))
    n_net_new = round(0.4 * n_crm)
    u = build_universe(seed, n_crm, n_net_new, profile)
    crm = build_crm(u, n_accounts, seed, anchor, profile)
    summary = GenerationSummary(n_accounts, seed, anchor_date.isoformat())
    bad: list[BadRow] = []

    def record(source: str, table: str, written: Written) -> None:
        key = f"{source}/{table}"
        summary.files[key] = len(written.files)
        summary.rows[key] = sum(rows for _, rows in written.files)
        bad.extend(written.bad_rows)

    rng_w = rng_for(seed, "writer")
    crm_tables = {
        "account": (crm.accounts, crm.acc_ts, np.asarray(crm.acc_deleted)),
        "contact": (crm.contacts, crm.con_ts, None),
        "lead": (crm.leads, crm.lead_ts, None),
        "opportunity": (crm.opps, crm.opp_ts, None),
        "task": (crm.tasks, crm.task_ts, None),
    }
    for name, (cols, ts, deleted) in crm_tables.items():
        rng = rng_for(seed, f"versions-{name}")
        force = None
        if deleted is not None:
            force = deleted & (rng.random(len(deleted)) < 0.5)
        perturb = _perturb_columns(PERTURB[name])
        table, vts, vdrop = with_versions(cols, ts, days, rng, 0.05, perturb, force)
        table = table.append_column("last_modified_date", fmt_timestamps(rng, vts))
        record("crm", name, write_table_files(
            landing_dir, "crm", name, table, vdrop, days, CRM_SPECS[name], "id", rng_w))

    users = pa.table(crm.users)
    udrop = np.where(np.arange(users.num_rows) >= users.num_rows - max(1, users.num_rows // 20),
                     1, 0)
    record("crm", "user", write_table_files(
        landing_dir, "crm", "user", users, udrop, days,
        (FileSpec(0, "csv"), FileSpec(1, "jsonl")), "id", rng_w))

    enr, enr_rows = signals.enrichment_company(u, seed, anchor, profile)
    rng = rng_for(seed, "versions-enrichment")
    enr_perturb = _perturb_columns({"employees": _scaled("employees", 0.8),
                                    "annual_revenue": _scaled("annual_revenue", 0.9)})
    table, vts, vdrop = with_versions(enr.columns, enr.ts, days, rng, 0.05, enr_perturb)
    table = table.append_column("updated_at", fmt_timestamps(rng, vts, (0.6, 0.1, 0.3)))
    d = ("missing_domain",)
    record("enrichment", "company", write_table_files(
        landing_dir, "enrichment", "company", table, vdrop, days,
        (FileSpec(0, "jsonl", defects=d), FileSpec(1, "csv", defects=d),
         FileSpec(2, "jsonl", drop_columns=("sub_industry", "funding_total"), defects=d),
         FileSpec(3, "csv.gz", defects=d)), "domain", rng_w))

    tech = signals.technology(u, enr_rows, seed, anchor)
    rng = rng_for(seed, "versions-technology")
    table, vts, vdrop = with_versions(
        tech.columns, tech.ts, days, rng, 0.05,
        _perturb_columns({"tech_category": _const(None)}), n_drops=3)
    table = table.append_column("last_seen", pa.array(vts.astype("datetime64[D]")))
    record("enrichment", "technology", write_table_files(
        landing_dir, "enrichment", "technology", table, vdrop, days,
        (FileSpec(0, "parquet", defects=d), FileSpec(1, "parquet", defects=d),
         FileSpec(2, "parquet", defects=d)), "domain", rng_w))

    bomb, week = signals.bombora(u, seed, anchor)
    bdrop = np.clip(week - (signals.N_WEEKS - 4), 0, 3)
    bd = ("missing_domain", "bad_composite_score")
    record("intent", "bombora_surge", write_table_files(
        landing_dir, "intent", "bombora_surge", pa.table(bomb.columns), bdrop, days,
        (FileSpec(0, "parquet", defects=bd), FileSpec(1, "parquet", defects=bd),
         FileSpec(2, "csv.gz", defects=bd),
         FileSpec(3, "csv", header="pascal", drop_columns=("company_revenue", "cluster_name"),
                  defects=bd)), "domain", rng_w))

    g2 = signals.g2(u, seed, anchor)
    record("intent", "g2_buyer_intent", write_table_files(
        landing_dir, "intent", "g2_buyer_intent", pa.table(g2.columns),
        assign_drops(g2.ts, days), days,
        (FileSpec(0, "csv", defects=d), FileSpec(1, "jsonl", defects=d),
         FileSpec(2, "jsonl", defects=d), FileSpec(3, "csv", defects=d)), "domain", rng_w))

    act = signals.activity(u, crm, seed, anchor)
    ad = ("no_email_or_ip_domain", "missing_id")
    record("engagement", "activity", write_table_files(
        landing_dir, "engagement", "activity", pa.table(act.columns),
        assign_drops(act.ts, days), days,
        (FileSpec(0, "parquet", defects=ad), FileSpec(1, "jsonl", drop_columns=("campaign_id",),
                                                      defects=ad),
         FileSpec(2, "csv.gz", defects=ad), FileSpec(3, "csv", defects=ad)),
        "activity_id", rng_w))

    summary.bad_rows = len(bad)
    _write_truth(truth_dir, u, crm, bad, summary, seed, n_accounts, anchor_date, profile)
    return summary


def _companies_truth(u: Universe, crm: Crm) -> pa.Table:
    codes = np.array([c[0] for c in catalogs.COUNTRIES])
    parent_key = null_out(pc.take(u.key, pa.array(np.maximum(u.parent, 0))), u.parent < 0)
    ult_key = null_out(pc.take(u.key, pa.array(np.maximum(u.ultimate, 0))), u.ultimate < 0)
    primary = crm.primary_acc
    return pa.table({
        "company_key": u.key,
        "domain": u.domain,
        "canonical_name": u.canonical,
        "industry": pick(catalogs.INDUSTRIES, u.industry_idx),
        "employees": pa.array(u.employees),
        "employee_band": pick([b[0] for b in catalogs.EMPLOYEE_BANDS], u.band_idx),
        "annual_revenue": pa.array(u.revenue),
        "country_code": pa.array(codes[u.country_idx]),
        "region": pa.array(u.region),
        "technologies": u.tech_text,
        "uses_competitor": pa.array(u.tech[:, [t.relation == "competitor"
                                               for t in catalogs.TECH_CATALOG]].any(axis=1)),
        "n_complementary_tools": pa.array(u.tech[:, [t.relation == "complementary"
                                                     for t in catalogs.TECH_CATALOG]].sum(axis=1)),
        "founded_year": pa.array(u.founded),
        "latest_funding_stage": pick(catalogs.FUNDING_STAGES, u.funding_idx),
        "true_logit": pa.array(u.logit),
        "true_win_probability": pa.array(u.p),
        "fit_segment": pick(["low", "medium", "high"], u.fit_idx),
        "is_in_crm": pa.array(u.is_in_crm),
        "primary_account_id": null_out(pc.take(crm.acc_id, pa.array(np.maximum(primary, 0))),
                                       primary < 0),
        "is_in_enrichment": pa.array(u.in_enrichment),
        "has_intent": pa.array(u.has_intent),
        "parent_company_key": parent_key,
        "ultimate_parent_company_key": ult_key,
        "is_in_market": pa.array(u.in_market),
        "is_engaged": pa.array(u.engaged),
        "is_customer": pa.array(crm.is_customer),
        "is_best_customer": pa.array(crm.is_best_customer),
        "is_planted_net_new_target": pa.array(u.net_new_target),
    })


def _write_truth(
    truth: Path, u: Universe, crm: Crm, bad: list[BadRow], summary: GenerationSummary,
    seed: int, n_accounts: int, anchor_date: date, profile: str = "default",
) -> None:
    companies = _companies_truth(u, crm)
    is_primary = ~crm.acc_is_dup
    accounts = pa.table({
        "account_id": crm.acc_id,
        "company_key": pc.take(u.key, pa.array(crm.acc_company)),
        "is_primary": pa.array(is_primary),
        "is_duplicate": pa.array(crm.acc_is_dup),
        "duplicate_kind": pa.array(np.where(crm.acc_dup_kind == "", None, crm.acc_dup_kind), STR),
        "is_deleted": pa.array(crm.acc_deleted),
        "has_website": pa.array(crm.acc_has_website),
        "parent_account_id": crm.acc_parent_id,
        "parent_defect": pa.array(np.where(crm.acc_parent_defect == "", None,
                                           crm.acc_parent_defect), STR),
    })
    accounts = accounts.take(pc.sort_indices(accounts, [("account_id", "ascending")]))
    bad_table = pa.table({
        "source": pa.array([b.source for b in bad], STR),
        "table": pa.array([b.table for b in bad], STR),
        "file": pa.array([b.file for b in bad], STR),
        "row_number": pa.array([b.row_number for b in bad], pa.int64()),
        "defect": pa.array([b.defect for b in bad], STR),
    })
    tables = {"companies": companies, "crm_accounts": accounts, "leads": crm.lead_truth,
              "opportunities": crm.opp_truth, "bad_rows": bad_table}
    for name, table in tables.items():
        pq.write_table(table, truth / f"{name}.parquet", compression="zstd")
        summary.truth_rows[name] = table.num_rows
    meta = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "n_accounts": n_accounts,
        "anchor_date": anchor_date.isoformat(),
        **({"profile": profile} if profile != "default" else {}),
        "null_effect_attribute": NULL_EFFECT_ATTRIBUTE,
        "model": {
            "intercept": catalogs.LOGIT_INTERCEPT,
            "industry": catalogs.INDUSTRY_EFFECT,
            "employee_band": catalogs.BAND_EFFECT,
            "region": catalogs.REGION_EFFECT,
            "technology": {t.tech_name: t.logit_effect for t in catalogs.TECH_CATALOG},
            "founded_year": {"since": catalogs.FOUNDED_RECENT_YEAR,
                             "effect": catalogs.FOUNDED_RECENT_EFFECT},
        },
        "fit_segment_cut_points": {"high": catalogs.FIT_HIGH_MIN,
                                   "medium": catalogs.FIT_MEDIUM_MIN},
        "topic_catalog": [asdict(t) for t in catalogs.TOPIC_CATALOG],
        "unknown_topics": [{"topic_id": i, "topic_name": n, "cluster_name": c}
                           for i, n, c in catalogs.UNKNOWN_TOPICS],
        "tech_catalog": [asdict(t) for t in catalogs.TECH_CATALOG],
        "free_mail_domains": list(catalogs.FREE_MAIL_DOMAINS),
        "counts": {
            "companies": u.n,
            "crm_companies": u.n_crm,
            "net_new_companies": u.n - u.n_crm,
            "in_market": int(u.in_market.sum()),
            "engaged": int(u.engaged.sum()),
            "planted_net_new_targets": int(u.net_new_target.sum()),
            "customers": int(crm.is_customer.sum()),
            "best_customers": int(crm.is_best_customer.sum()),
            "bad_rows": summary.bad_rows,
            "rows": summary.rows,
            "files": summary.files,
            "truth_rows": summary.truth_rows,
        },
    }
    (truth / "meta.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")


