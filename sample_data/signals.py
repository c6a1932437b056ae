"""Enrichment, intent and engagement: the signals about companies outside the CRM tables."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sample_data import catalogs
from sample_data.crm import DAY, Crm, _group_index, _random_member, secs
from sample_data.mess import (
    NAME_PROBS_OTHER,
    STR,
    choose,
    ids,
    join,
    name_variants,
    null_out,
    pick,
    raw_country,
    raw_industry,
    rng_for,
    select,
    where,
)
from sample_data.universe import Universe

BAND_LABELS = tuple(b[0] for b in catalogs.EMPLOYEE_BANDS)
REVENUE_BINS = (1e6, 1e7, 5e7, 1e8, 5e8, 1e9)
REVENUE_LABELS = ("<$1M", "$1M-$10M", "$10M-$50M", "$50M-$100M", "$100M-$500M", "$500M-$1B",
                  "$1B+")
FUNDING_SCALE = (0, 2e6, 1e7, 3e7, 8e7, 2e8, 3e8, 5e8)


def _domain_messy(rng: np.random.Generator, domain: pa.Array, www: float, upper: float,
                  subs: tuple[str, ...] = ("www.",)) -> pa.Array:
    n = len(domain)
    sub = pick(subs, rng.integers(0, len(subs), n))
    choice = np.select([rng.random(n) < www, rng.random(n) < upper], [1, 2], 0)
    return select(choice, [domain, join(sub, domain), pc.utf8_upper(domain)])


@dataclass
class Tables:
    columns: dict[str, pa.Array]
    ts: np.ndarray


def enrichment_company(
    u: Universe, seed: int, anchor: np.datetime64, profile: str = "default"
) -> tuple[Tables, np.ndarray]:
    rng = rng_for(seed, "enrichment")
    rows = np.flatnonzero(u.in_enrichment)
    n = len(rows)
    t = pa.array(rows)
    domain = pc.take(u.domain, t)
    tech = u.tech[rows]
    r, c = np.nonzero(tech)
    names = pa.array([x.tech_name for x in catalogs.TECH_CATALOG])
    offsets = np.concatenate([[0], np.cumsum(tech.sum(axis=1))]).astype(np.int32)
    tech_list = pa.ListArray.from_arrays(pa.array(offsets), pc.take(names, pa.array(c)))
    del r
    parent = u.parent[rows]
    ult = u.ultimate[rows]
    funding = u.funding_idx[rows]
    funding_total = np.array(FUNDING_SCALE)[funding] * np.exp(rng.normal(0, 0.5, n))
    funding_total = np.where(funding == 0, np.nan, funding_total.round(-4))
    codes = np.array([x[0] for x in catalogs.COUNTRIES])
    cols = {
        "domain": _domain_messy(rng, domain, 0.03, 0.02),
        "name": name_variants(rng, pc.take(u.canonical, t), pc.take(u.legal, t),
                              NAME_PROBS_OTHER),
        "industry": raw_industry(rng, u.industry_idx[rows], 0.01),
        "sub_industry": pick(["B2B", "B2C", "Enterprise", "SMB", "Platform", ""],
                             _segments(rng, u.industry_idx[rows], profile)),
        "employees": pa.array(u.employees[rows]),
        "employees_range": pick(BAND_LABELS, u.band_idx[rows]),
        "annual_revenue": pa.array(u.revenue[rows]),
        "revenue_range": pick(REVENUE_LABELS, np.searchsorted(REVENUE_BINS, u.revenue[rows])),
        "country": raw_country(rng, u.country_idx[rows], 0.0),
        "country_code": pa.array(codes[u.country_idx[rows]]),
        "state": pa.nulls(n, STR),
        "city": pick(("Springfield", "Riverside", "Franklin", "Greenville", "Bristol"),
                     rng.integers(0, 5, n)),
        "founded_year": pa.array(u.founded[rows]),
        "funding_total": pa.array(funding_total, from_pandas=True),
        "latest_funding_stage": pick(catalogs.FUNDING_STAGES, funding),
        "tech": tech_list,
        "parent_domain": null_out(pc.take(u.domain, pa.array(np.maximum(parent, 0))), parent < 0),
        "ultimate_parent_domain": null_out(pc.take(u.domain, pa.array(np.maximum(ult, 0))),
                                           ult < 0),
    }
    ts = anchor.astype("datetime64[s]") - 3 * DAY - secs(rng, n, 0, 240)
    return Tables(cols, ts), rows


def _segments(rng: np.random.Generator, industry_idx: np.ndarray, profile: str) -> np.ndarray:
    """Segment index per company: independent of everything, or (profile correlated)
    mostly restating the industry (9 in 10 take their industry's segment)."""
    drawn = rng.integers(0, 6, len(industry_idx))
    if profile != "correlated":
        return drawn
    return np.where(rng.random(len(industry_idx)) < 0.9, industry_idx % 5, drawn)


def technology(u: Universe, rows: np.ndarray, seed: int, anchor: np.datetime64) -> Tables:
    rng = rng_for(seed, "technology")
    r, c = np.nonzero(u.tech[rows])
    n = len(r)
    comp = rows[r]
    domain = pc.take(u.domain, pa.array(comp))
    anchor_s = anchor.astype("datetime64[s]")
    first_seen = anchor_s - secs(rng, n, 30, 5 * 365)
    last_seen = np.maximum(first_seen, anchor_s - 3 * DAY - secs(rng, n, 0, 60))
    cats = [x.tech_category for x in catalogs.TECH_CATALOG]
    cols = {
        "domain": _domain_messy(rng, domain, 0.02, 0.01),
        "tech_name": pick([x.tech_name for x in catalogs.TECH_CATALOG], c),
        "tech_category": null_out(pick(cats, c), rng.random(n) < 0.05),
        "first_seen": pa.array(first_seen.astype("datetime64[D]")),
    }
    return Tables(cols, last_seen)


def last_week_start(anchor: np.datetime64) -> np.datetime64:
    day = anchor.astype("datetime64[D]") - np.timedelta64(7, "D")
    # 1970-01-01 was a Thursday: shift so Monday is 0.
    weekday = (day.astype(np.int64) + 3) % 7
    return day - np.timedelta64(int(weekday), "D")


N_WEEKS = 26
SURGE_WEEKS = 4


def bombora(u: Universe, seed: int, anchor: np.datetime64) -> tuple[Tables, np.ndarray]:
    """Weekly topic scores; returns the table and each row's week index (0 = oldest)."""
    rng = rng_for(seed, "bombora")
    comp_ids = np.flatnonzero(u.has_intent)
    relevant = np.array([t.topic_id for t in catalogs.TOPIC_CATALOG if t.is_relevant])
    irrelevant = np.array([t.topic_id for t in catalogs.TOPIC_CATALOG if not t.is_relevant])
    in_mkt = u.in_market[comp_ids]
    n_rel = np.where(in_mkt, rng.integers(3, 6, len(comp_ids)),
                     (rng.random(len(comp_ids)) < 0.35).astype(np.int64))
    n_irr = np.where(in_mkt, rng.integers(1, 3, len(comp_ids)), rng.integers(1, 5, len(comp_ids)))
    total = n_rel + n_irr
    pc_ = np.repeat(np.arange(len(comp_ids)), total)
    pos = np.arange(len(pc_)) - np.repeat(np.cumsum(total) - total, total)
    is_rel = pos < n_rel[pc_]
    topic = np.where(is_rel, relevant[rng.integers(0, len(relevant), len(pc_))],
                     irrelevant[rng.integers(0, len(irrelevant), len(pc_))])
    unknown = (~is_rel) & (rng.random(len(pc_)) < 0.01)
    topic = np.where(unknown, np.array([t[0] for t in catalogs.UNKNOWN_TOPICS])[
        rng.integers(0, len(catalogs.UNKNOWN_TOPICS), len(pc_))], topic)
    keyed = np.unique(pc_ * 100_000 + topic)
    pc_, topic = keyed // 100_000, keyed % 100_000
    company = comp_ids[pc_]
    rel_pair = np.isin(topic, relevant)
    n_pairs = len(pc_)
    base = rng.uniform(10, 45, n_pairs)
    host_kind = choose(rng, n_pairs, [0.93, 0.04, 0.03])
    domain = pc.take(u.domain, pa.array(company))
    host = select(host_kind, [domain, join("www.", domain), join("blog.", domain)])

    pair = np.repeat(np.arange(n_pairs), N_WEEKS)
    week = np.tile(np.arange(N_WEEKS), n_pairs)
    n = len(pair)
    score = base[pair] + rng.normal(0, 7, n)
    recent = week >= N_WEEKS - SURGE_WEEKS
    surge = u.in_market[company[pair]] & rel_pair[pair] & recent
    score = np.where(surge, rng.uniform(62, 95, n), score)
    noise = ~u.in_market[company[pair]] & ~rel_pair[pair] & (rng.random(n) < 0.05)
    score = np.where(noise, rng.uniform(60, 85, n), score)
    score = np.where(~u.in_market[company[pair]] & rel_pair[pair], np.minimum(score, 59), score)
    score = np.round(np.clip(score, 0, 100))
    delta = np.where(week == 0, np.nan, score - np.roll(score, 1))
    keep = surge | (rng.random(n) < 0.9)
    pair, week, score, delta = pair[keep], week[keep], score[keep], delta[keep]
    n = len(pair)
    first = last_week_start(anchor) - np.timedelta64(7 * (N_WEEKS - 1), "D")
    stamp = first + (week * 7 + rng.integers(0, 7, n)).astype("timedelta64[D]")

    # Company-level descriptors, then spread to rows.
    t = pa.array(company)
    comp_name = name_variants(rng, pc.take(u.canonical, t), pc.take(u.legal, t), NAME_PROBS_OTHER)
    catalog = {t.topic_id: t for t in catalogs.TOPIC_CATALOG}
    all_topics = sorted(catalog) + [x[0] for x in catalogs.UNKNOWN_TOPICS]
    names = {**{k: v.topic_name for k, v in catalog.items()},
             **{x[0]: x[1] for x in catalogs.UNKNOWN_TOPICS}}
    clusters = {**{k: v.cluster_name for k, v in catalog.items()},
                **{x[0]: x[2] for x in catalogs.UNKNOWN_TOPICS}}
    tix = np.searchsorted(np.array(all_topics), topic)
    # Dictionary columns keep ~30 rows per company cheap at a million accounts.
    pair_idx = pa.array(pair.astype(np.int32))

    def per_pair(values: pa.Array) -> pa.DictionaryArray:
        return pa.DictionaryArray.from_arrays(pair_idx, values)

    def per_topic(values: list[str]) -> pa.DictionaryArray:
        return pa.DictionaryArray.from_arrays(pa.array(tix[pair].astype(np.int32)),
                                              pa.array(values, STR))

    cols = {
        "domain": per_pair(host),
        "company_name": per_pair(comp_name),
        "company_size": per_pair(pick(BAND_LABELS, u.band_idx[company])),
        "company_revenue": per_pair(pick(REVENUE_LABELS, np.searchsorted(
            REVENUE_BINS, u.revenue[company]))),
        "industry": per_pair(raw_industry(rng, u.industry_idx[company], 0.01)),
        "hq_country": per_pair(raw_country(rng, u.country_idx[company], 0.005)),
        "topic_id": pa.array(topic[pair]),
        "topic_name": per_topic([names[k] for k in all_topics]),
        "cluster_name": per_topic([clusters[k] for k in all_topics]),
        "composite_score": pa.array(score),
        "composite_score_delta": pa.array(delta, from_pandas=True),
        "timestamp": pa.array(stamp),
    }
    return Tables(cols, stamp.astype("datetime64[s]")), week


G2_TYPES = ("category_research", "competitor_comparison", "product_profile", "pricing",
            "alternatives")
G2_CATEGORIES = ("Account-Based Marketing", "Intent Data", "Sales Intelligence",
                 "Marketing Automation")


def g2(u: Universe, seed: int, anchor: np.datetime64) -> Tables:
    rng = rng_for(seed, "g2")
    per = np.where(u.in_market, rng.poisson(6.0, u.n), rng.poisson(0.3, u.n))
    company = np.repeat(np.arange(u.n), per)
    n = len(company)
    hot = u.in_market[company]
    day = anchor.astype("datetime64[D]") - np.where(
        hot, rng.integers(0, 60, n), rng.integers(0, 365, n)).astype("timedelta64[D]")
    kind = np.where(hot, choose(rng, n, [2, 3, 1, 3, 2]), choose(rng, n, [5, 1, 3, 1, 1]))
    competitors = [t.tech_name for t in catalogs.TECH_CATALOG if t.relation == "competitor"]
    comp_names = pick(competitors, rng.integers(0, len(competitors), n))
    t = pa.array(company)
    cols = {
        "domain": _domain_messy(rng, pc.take(u.domain, t), 0.03, 0.02),
        "company_name": name_variants(rng, pc.take(u.canonical, t), pc.take(u.legal, t),
                                      NAME_PROBS_OTHER),
        "signal_date": pa.array(day),
        "activity_type": pick(G2_TYPES, kind),
        "category": pick(G2_CATEGORIES, rng.integers(0, len(G2_CATEGORIES), n)),
        "competitor": null_out(comp_names, ~np.isin(kind, [1, 4])),
        "page_views": pa.array(rng.integers(1, 30, n)),
    }
    return Tables(cols, day.astype("datetime64[s]"))


ACT_TYPES = ("web_visit", "email_open", "email_click", "form_fill", "webinar_attended",
             "event_attended", "ad_click", "meeting")
BASE_MIX = (25, 40, 15, 5, 3, 2, 10, 0)
BURST_MIX = (40, 5, 15, 15, 15, 5, 0, 10)
CHANNELS = ("web", "email", "email", "web", "webinar", "event", "paid_social", "sales")
PAGES = ("/", "/pricing", "/product", "/blog/abm-guide", "/case-studies", "/demo",
         "/webinars/q4-abm", "/careers")


def activity(u: Universe, crm: Crm, seed: int, anchor: np.datetime64) -> Tables:
    rng = rng_for(seed, "activity")
    anchor_s = anchor.astype("datetime64[s]")
    # Known people: contacts and leads with an email, grouped by their true company.
    people_email = pa.concat_arrays([crm.con_email, crm.lead_email])
    people_company = np.concatenate([crm.con_company, crm.lead_company])
    valid = pc.is_valid(people_email).to_numpy(zero_copy_only=False)
    people_email = people_email.filter(pa.array(valid))
    people_company = people_company[valid]
    index = _group_index(people_company, u.n)

    crm_mask = u.is_in_crm
    base_n = np.where(crm_mask, rng.poisson(8.0, u.n), 0)
    burst_n = np.where(u.engaged & crm_mask, rng.poisson(25.0, u.n), 0)
    anon_n = rng.poisson(2.5, u.n)
    anon_burst_n = np.where(u.engaged, 1 + rng.poisson(7.0, u.n), 0)
    counts = (base_n, burst_n, anon_n, anon_burst_n)
    comp = np.concatenate([np.repeat(np.arange(u.n), c) for c in counts])
    kind = np.concatenate([np.full(c.sum(), k, np.int8) for k, c in enumerate(counts)])
    n = len(comp)
    recent = (kind == 1) | (kind == 3)
    days_back = np.where(recent, rng.uniform(0, 30, n), rng.uniform(0, 365, n))
    # Events run through the end of the anchor day, the last drop's date.
    end = anchor_s + DAY
    occurred = end - (days_back * 86_400).astype("timedelta64[s]")
    act = np.where(recent, choose(rng, n, BURST_MIX), choose(rng, n, BASE_MIX))
    person = np.where(kind < 2, _random_member(rng, comp, index), -1)
    anonymous = person < 0
    act = np.where(anonymous, np.where(rng.random(n) < 0.85, 0, 6), act)
    email = null_out(pc.take(people_email, pa.array(np.maximum(person, 0))), anonymous) \
        if len(people_email) else pa.nulls(n, STR)
    subs = ("eu.", "us.", "vpn.", "mail.", "corp.")
    sub = pick(subs, rng.integers(0, len(subs), n))
    domain = pc.take(u.domain, pa.array(comp))
    ip_domain = where(rng.random(n) < 0.2, join(sub, domain), domain)
    ip_domain = null_out(ip_domain, ~anonymous & (rng.random(n) < 0.9))

    # Strangers on free mail (no company at all).
    m = max(1, n // 33)
    stranger = join("user", pa.array(rng.integers(1000, 99999, m)).cast(STR), "@",
                    pick(catalogs.FREE_MAIL_DOMAINS,
                         rng.integers(0, len(catalogs.FREE_MAIL_DOMAINS), m)))
    occurred = np.concatenate([occurred, end - secs(rng, m, 0.001, 365)])
    act = np.concatenate([act, choose(rng, m, BASE_MIX)])
    email = pa.concat_arrays([email, stranger])
    ip_domain = pa.concat_arrays([ip_domain, pa.nulls(m, STR)])
    order = np.argsort(occurred, kind="stable")
    o = pa.array(order)
    occurred, act = occurred[order], act[order]
    total = len(order)
    duration = np.where(np.isin(act, [0, 4, 5, 7]), rng.integers(5, 3600, total), 0)
    campaign = ids("CMP-", rng.integers(1, 60, total), 4)
    cols = {
        "activity_id": ids("ACT-", np.arange(1, total + 1), 10),
        "occurred_at": pa.array(occurred),
        "email": pc.take(email, o),
        "ip_domain": pc.take(ip_domain, o),
        "activity_type": _dict(ACT_TYPES, act),
        "channel": _dict(CHANNELS, act),
        "campaign_id": null_out(campaign, np.isin(act, [0])),
        "url": null_out(join("https://www.northwind-abm.example", pick(
            PAGES, rng.integers(0, len(PAGES), total))), ~np.isin(act, [0, 2, 3, 6])),
        "duration_seconds": pa.array(duration),
    }
    return Tables(cols, occurred)


def _dict(values: tuple[str, ...], idx: np.ndarray) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(idx.astype(np.int32)), pa.array(values, STR))
