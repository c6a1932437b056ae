"""CRM objects (Salesforce style): accounts, contacts, leads, opportunities, users, tasks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sample_data import catalogs
from sample_data.mess import (
    NAME_PROBS_CRM,
    STR,
    WEBSITE_PROBS,
    WEBSITE_PROBS_DUPLICATE,
    choose,
    fmt_bools,
    fmt_dates,
    fmt_numbers,
    ids,
    join,
    name_variants,
    null_out,
    pick,
    raw_country,
    raw_industry,
    rng_for,
    select,
    strip_accents,
    website_variants,
    where,
)
from sample_data.universe import Universe

DAY = np.timedelta64(1, "D").astype("timedelta64[s]")
CITIES = ("Springfield", "Riverside", "Franklin", "Greenville", "Bristol", "Clinton", "Salem",
          "Madison", "Georgetown", "Arlington", "Fairview", "Ashland", "Dover", "Oxford")
STATES = ("CA", "NY", "TX", "WA", "MA", "IL", "Bavaria", "Ontario", "NSW", "Île-de-France", "")


def secs(rng: np.random.Generator, n: int, lo_days: float, hi_days: float) -> np.ndarray:
    return (rng.uniform(lo_days, hi_days, n) * 86_400).astype("timedelta64[s]")


@dataclass
class Crm:
    # accounts (row order = account rows)
    acc_company: np.ndarray
    acc_id: pa.Array
    acc_is_dup: np.ndarray
    acc_dup_kind: np.ndarray  # '', 'domain_variant', 'name_only'
    acc_deleted: np.ndarray
    acc_has_website: np.ndarray
    acc_parent_id: pa.Array
    acc_parent_defect: np.ndarray
    primary_acc: np.ndarray  # company -> account row (-1 if not in CRM)
    accounts: dict[str, pa.Array]
    acc_ts: np.ndarray
    contacts: dict[str, pa.Array]
    con_ts: np.ndarray
    con_company: np.ndarray
    con_email: pa.Array
    leads: dict[str, pa.Array]
    lead_ts: np.ndarray
    lead_truth: pa.Table
    lead_company: np.ndarray
    lead_email: pa.Array
    opps: dict[str, pa.Array]
    opp_ts: np.ndarray
    opp_truth: pa.Table
    users: dict[str, pa.Array]
    tasks: dict[str, pa.Array]
    task_ts: np.ndarray
    is_customer: np.ndarray
    is_best_customer: np.ndarray


def _emails(
    rng: np.random.Generator, first: pa.Array, last: pa.Array, domain: pa.Array
) -> pa.Array:
    f = pc.utf8_lower(strip_accents(pc.replace_substring_regex(first, r"[ ']", "")))
    la = pc.utf8_lower(strip_accents(pc.replace_substring_regex(last, r"[ ']", "")))
    n = len(first)
    local = select(choose(rng, n, [0.55, 0.25, 0.1, 0.1]), [
        join(f, ".", la), join(pc.utf8_slice_codeunits(f, 0, 1), la), f, join(f, "_", la)])
    email = join(local, "@", domain)
    return select((rng.random(n) < 0.05).astype(int), [email, pc.utf8_capitalize(email)])


def _free_mail(rng: np.random.Generator, first: pa.Array, last: pa.Array) -> pa.Array:
    n = len(first)
    f = pc.utf8_lower(strip_accents(pc.replace_substring_regex(first, r"[ ']", "")))
    la = pc.utf8_lower(strip_accents(pc.replace_substring_regex(last, r"[ ']", "")))
    num = pa.array(rng.integers(1, 999, n)).cast(STR)
    dom = pick(catalogs.FREE_MAIL_DOMAINS, rng.integers(0, len(catalogs.FREE_MAIL_DOMAINS), n))
    return join(f, ".", la, num, "@", dom)


def _group_index(owner: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows sorted by owner: (order, start per group, count per group)."""
    order = np.argsort(owner, kind="stable")
    counts = np.bincount(owner, minlength=n_groups)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return order, starts, counts


def _random_member(
    rng: np.random.Generator, groups: np.ndarray, index: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> np.ndarray:
    order, starts, counts = index
    c = counts[groups]
    pos = starts[groups] + (rng.random(len(groups)) * np.maximum(c, 1)).astype(np.int64)
    return np.where(c > 0, order[np.minimum(pos, len(order) - 1)] if len(order) else -1, -1)


def build_crm(
    u: Universe, n_accounts: int, seed: int, anchor: np.datetime64, profile: str = "default"
) -> Crm:
    rng = rng_for(seed, "crm")
    anchor_s = anchor.astype("datetime64[s]")
    full_day = anchor_s - 3 * DAY
    n_crm = u.n_crm

    # --- accounts: one primary per CRM company plus duplicates --------------------------
    extra = n_accounts - n_crm
    n_dup_companies = max(1, round(extra / 1.3)) if extra > 0 else 0
    dup_companies = rng.choice(n_crm, size=min(n_dup_companies, n_crm), replace=False)
    second = rng.choice(dup_companies, size=max(0, extra - len(dup_companies)), replace=True)
    dup_of = np.concatenate([dup_companies, second])[:extra]
    acc_company = np.concatenate([np.arange(n_crm), dup_of])
    n_acc = len(acc_company)
    is_dup = np.arange(n_acc) >= n_crm
    dup_kind = np.where(is_dup, np.where(rng.random(n_acc) < 0.6, "domain_variant",
                                         "name_only"), "")
    perm = rng.permutation(n_acc)
    acc_id = ids("001", perm + 1, 12, "AAE")
    primary_acc = np.full(u.n, -1, dtype=np.int64)
    primary_acc[:n_crm] = np.arange(n_crm)

    users_n = max(10, n_accounts // 250)
    user_id = ids("005", np.arange(1, users_n + 1), 12, "AAQ")
    company_owner = rng.integers(0, users_n, u.n)

    # --- opportunities (drive customer status) --------------------------------------------
    opp = _opportunities(u, rng, anchor_s, n_crm, profile)
    won_nb_close = np.full(u.n, np.datetime64("NaT"), dtype="datetime64[s]")
    nb_won = (opp["type"] == 0) & opp["won"]
    first_idx = np.flatnonzero(nb_won)
    order = np.argsort(opp["close"][first_idx], kind="stable")[::-1]
    won_nb_close[opp["company"][first_idx[order]]] = opp["close"][first_idx[order]]
    is_customer = ~np.isnat(won_nb_close)
    is_best = is_customer & (u.fit_idx == 2)

    # --- account columns ----------------------------------------------------------------------
    comp_domain = pc.take(u.domain, pa.array(acc_company))
    comp_name = pc.take(u.canonical, pa.array(acc_company))
    comp_legal = pc.take(u.legal, pa.array(acc_company))
    name = name_variants(rng, comp_name, comp_legal, NAME_PROBS_CRM)
    web_primary = _websites(rng, comp_domain, WEBSITE_PROBS)
    web_dup = _websites(rng, comp_domain, WEBSITE_PROBS_DUPLICATE)
    website = where(is_dup, web_dup, web_primary)
    has_website = np.where(is_dup, dup_kind == "domain_variant", rng.random(n_acc) >= 0.06)
    website = null_out(website, ~has_website)

    acc_ind = raw_industry(rng, u.industry_idx[acc_company], 0.015)
    acc_ind = null_out(acc_ind, rng.random(n_acc) < 0.04)
    emp = u.employees[acc_company] * rng.uniform(0.85, 1.15, n_acc)
    emp = np.where(rng.random(n_acc) < 0.05, np.nan, emp)
    rev = u.revenue[acc_company] * rng.uniform(0.8, 1.2, n_acc)
    rev = np.where(rng.random(n_acc) < 0.1, np.nan, rev)
    country = null_out(raw_country(rng, u.country_idx[acc_company], 0.01),
                       rng.random(n_acc) < 0.03)
    acc_type = pick(["Prospect", "Customer", "Partner", "Competitor", "Other"], np.select(
        [~is_dup & is_customer[acc_company], rng.random(n_acc) < 0.015,
         rng.random(n_acc) < 0.006, rng.random(n_acc) < 0.01], [1, 2, 3, 4], 0))
    acc_type = null_out(acc_type, is_dup & (rng.random(n_acc) < 0.3))

    created = anchor_s - secs(rng, n_acc, 30, 6 * 365)
    first_open = np.full(u.n, anchor_s)
    np.minimum.at(first_open, opp["company"], opp["created"])
    created = np.minimum(created, first_open[acc_company] - secs(rng, n_acc, 5, 200))
    lm = created + ((full_day - created) * rng.random(n_acc)).astype("timedelta64[s]")
    lm = np.where(rng.random(n_acc) < 0.03, anchor_s + DAY - secs(rng, n_acc, 0.05, 3), lm)
    lm = np.where(is_customer[acc_company] & ~is_dup,
                  np.maximum(lm, np.minimum(won_nb_close[acc_company] + DAY, anchor_s)), lm)

    # hierarchy
    parent_comp = u.parent[acc_company]
    parent_row = np.where(parent_comp >= 0, primary_acc[np.maximum(parent_comp, 0)], -1)
    parent_row = np.where(is_dup, -1, parent_row)
    parent_defect = np.full(n_acc, "", dtype=object)
    free = np.flatnonzero((parent_row < 0) & ~is_dup & (u.parent[acc_company] < 0)
                          & ~np.isin(np.arange(n_acc), parent_row))
    if len(free) >= 2:
        a, b = rng.choice(free, size=2, replace=False)
        parent_row[a], parent_row[b] = b, a
        parent_defect[[a, b]] = "cycle"
    parent_id = pc.take(acc_id, pa.array(np.maximum(parent_row, 0)))
    parent_id = null_out(parent_id, parent_row < 0)
    dangling = (parent_row < 0) & (rng.random(n_acc) < 0.004)
    parent_id = where(dangling, ids("001", rng.integers(10**9, 10**10, n_acc), 12, "ZZZ"),
                      parent_id)
    parent_defect[dangling] = "dangling"

    deleted = np.where(is_dup, rng.random(n_acc) < 0.12, rng.random(n_acc) < 0.004)
    accounts = {
        "id": acc_id,
        "name": name,
        "website": website,
        "industry": acc_ind,
        "number_of_employees": fmt_numbers(rng, emp, 0.005),
        "annual_revenue": fmt_numbers(rng, rev, 0.005),
        "billing_country": country,
        "billing_state": pick(STATES, rng.integers(0, len(STATES), n_acc)),
        "billing_city": pick(CITIES, rng.integers(0, len(CITIES), n_acc)),
        "type": acc_type,
        "parent_id": parent_id,
        "owner_id": pc.take(user_id, pa.array(company_owner[acc_company])),
        "created_date": fmt_dates(rng, created, 0.004),
        "is_deleted": fmt_bools(rng, deleted),
    }

    # --- contacts -------------------------------------------------------------------------------
    per_acc = np.where(is_dup, rng.poisson(0.4, n_acc), rng.poisson(3.0, n_acc))
    con_acc = np.repeat(np.arange(n_acc), per_acc)
    n_con = len(con_acc)
    con_company = acc_company[con_acc]
    first = pick(catalogs.FIRST_NAMES, rng.integers(0, len(catalogs.FIRST_NAMES), n_con))
    last = pick(catalogs.LAST_NAMES, rng.integers(0, len(catalogs.LAST_NAMES), n_con))
    corp = _emails(rng, first, last, pc.take(u.domain, pa.array(con_company)))
    email_kind = choose(rng, n_con, [0.9, 0.06, 0.04])
    con_email = select(email_kind, [corp, _free_mail(rng, first, last), pa.nulls(n_con, STR)])
    con_created = np.maximum(created[con_acc], anchor_s - secs(rng, n_con, 1, 5 * 365))
    con_lm = con_created + ((anchor_s - con_created) * rng.random(n_con) ** 2)\
        .astype("timedelta64[s]")
    con_id = ids("003", rng.permutation(n_con) + 1, 12, "AAA")
    contacts = {
        "id": con_id,
        "account_id": pc.take(acc_id, pa.array(con_acc)),
        "first_name": first,
        "last_name": last,
        "email": con_email,
        "title": pick(catalogs.TITLES, rng.integers(0, len(catalogs.TITLES), n_con)),
        "department": pick(catalogs.DEPARTMENTS, rng.integers(0, len(catalogs.DEPARTMENTS),
                                                              n_con)),
        "lead_source": pick(catalogs.LEAD_SOURCES, rng.integers(0, len(catalogs.LEAD_SOURCES),
                                                                n_con)),
        "created_date": fmt_dates(rng, con_created, 0.003),
        "is_deleted": fmt_bools(rng, rng.random(n_con) < 0.005),
    }

    # --- opportunity rows -----------------------------------------------------------------------
    opps, opp_ts, opp_truth = _opportunity_rows(
        u, rng, anchor_s, opp, acc_id, acc_company, primary_acc, user_id, company_owner)

    # --- leads ----------------------------------------------------------------------------------
    leads, lead_ts, lead_truth, lead_company, lead_email = _leads(
        u, rng, n_accounts, anchor_s, acc_id, primary_acc, con_id, con_acc, opp, opps["id"])

    # --- users ------------------------------------------------------------------------------------
    ufirst = pick(catalogs.FIRST_NAMES, rng.integers(0, len(catalogs.FIRST_NAMES), users_n))
    ulast = pick(catalogs.LAST_NAMES, rng.integers(0, len(catalogs.LAST_NAMES), users_n))
    users = {
        "id": user_id,
        "name": join(ufirst, " ", ulast),
        "email": _emails(rng, ufirst, ulast, pa.array(["northwind-abm.example"] * users_n)),
        "title": pick(["Account Executive", "Sales Development Rep", "Sales Manager",
                       "Customer Success Manager"], rng.integers(0, 4, users_n)),
        "is_active": fmt_bools(rng, rng.random(users_n) < 0.9),
    }

    # --- tasks ------------------------------------------------------------------------------------
    per_acc = np.where(is_dup, rng.poisson(0.3, n_acc), rng.poisson(3.2, n_acc))
    task_acc = np.repeat(np.arange(n_acc), per_acc)
    n_task = len(task_acc)
    who_con = _random_member(rng, task_acc, _group_index(con_acc, n_acc))
    who_lead = _random_member(rng, acc_company[task_acc], _group_index(lead_company, u.n))
    con_ids, lead_ids = contacts["id"], leads["id"]
    who = where(who_con >= 0, pc.take(con_ids, pa.array(np.maximum(who_con, 0))),
                pc.take(lead_ids, pa.array(np.maximum(who_lead, 0))) if len(lead_ids) else None)
    who = null_out(who, (who_con < 0) & (who_lead < 0))
    opp_member = _random_member(rng, acc_company[task_acc], _group_index(opp["company"], u.n))
    what = pc.take(opps["id"], pa.array(np.maximum(opp_member, 0))) if len(opps["id"]) else \
        pa.nulls(n_task, STR)
    what = null_out(what, (opp_member < 0) | (rng.random(n_task) < 0.5))
    act_date = anchor_s - secs(rng, n_task, -20, 365)
    past = act_date <= anchor_s
    task_lm = np.minimum(act_date, anchor_s) - secs(rng, n_task, 0, 2)
    task_lm = np.where(past, np.minimum(act_date + secs(rng, n_task, 0, 1), anchor_s), task_lm)
    tasks = {
        "id": ids("00T", rng.permutation(n_task) + 1, 12, "AAG"),
        "who_id": who,
        "what_id": what,
        "account_id": pc.take(acc_id, pa.array(task_acc)),
        "activity_date": fmt_dates(rng, act_date, 0.003, (0.7, 0.2, 0.1)),
        "type": pick(["Call", "Email", "Meeting", "Other"], choose(rng, n_task, [4, 4, 2, 1])),
        "status": where(past, pick(["Completed", "Completed", "Deferred"],
                                   rng.integers(0, 3, n_task)), "Not Started"),
        "is_deleted": fmt_bools(rng, rng.random(n_task) < 0.004),
    }

    return Crm(
        acc_company=acc_company, acc_id=acc_id, acc_is_dup=is_dup, acc_dup_kind=dup_kind,
        acc_deleted=deleted, acc_has_website=has_website, acc_parent_id=parent_id,
        acc_parent_defect=parent_defect, primary_acc=primary_acc, accounts=accounts, acc_ts=lm,
        contacts=contacts, con_ts=con_lm, con_company=con_company, con_email=con_email,
        leads=leads, lead_ts=lead_ts, lead_truth=lead_truth, lead_company=lead_company,
        lead_email=lead_email, opps=opps, opp_ts=opp_ts, opp_truth=opp_truth, users=users,
        tasks=tasks, task_ts=task_lm, is_customer=is_customer, is_best_customer=is_best,
    )


def _websites(rng: np.random.Generator, domain: pa.Array, probs: tuple[float, ...]) -> pa.Array:
    return website_variants(rng, domain, probs)


OPP_TYPES = ("New Business", "Renewal", "Expansion", "Upsell")


def _opportunities(
    u: Universe, rng: np.random.Generator, anchor: np.datetime64, n_crm: int,
    profile: str = "default",
) -> dict[str, np.ndarray]:
    """Opportunity history: outcomes depend on the true win probability and nothing else.

    Profile repeat_business: many new-business deals per account and every account's
    first closed deal won (a company with repeat business: no account only ever lost),
    later deals won with the true win probability."""
    per = rng.poisson(8.0 if profile == "repeat_business" else 0.8, n_crm)
    company = np.repeat(np.arange(n_crm), per)
    n = len(company)
    created = anchor - secs(rng, n, 1, 3 * 365)
    cycle = (14 + rng.gamma(2.0, 35.0, n)) * 86_400
    close = created + cycle.astype("timedelta64[s]")
    closed = close < anchor
    won = closed & (rng.random(n) < u.p[company])
    if profile == "repeat_business":
        order = np.lexsort((close, ~closed, company))
        first = order[np.r_[True, company[order][1:] != company[order][:-1]]]
        won[first[closed[first]]] = True
    base = (15_000 * (u.employees[company] / 100.0) ** 0.35
            * np.exp(rng.normal(0, 0.4, n))).round(-2)
    types = np.zeros(n, dtype=np.int64)

    # Renewal chains for won new business: yearly, stopping after the first lost renewal.
    won_idx = np.flatnonzero(won)
    ren_company, ren_created, ren_close, ren_won, ren_closed, ren_amount = [], [], [], [], [], []
    alive = np.ones(len(won_idx), dtype=bool)
    for year in (1, 2, 3):
        r_close = close[won_idx] + np.timedelta64(365 * year, "D")
        r_created = r_close - np.timedelta64(60, "D")
        exists = alive & (r_created < anchor)
        c = company[won_idx]
        renew_p = np.where(u.fit_idx[c] == 2, 0.95, np.clip(0.35 + u.p[c], 0, 0.9))
        r_won = rng.random(len(won_idx)) < renew_p
        r_closed = r_close < anchor
        keep = exists
        ren_company.append(c[keep])
        ren_created.append(r_created[keep])
        ren_close.append(r_close[keep])
        ren_closed.append(r_closed[keep])
        ren_won.append((r_won & r_closed)[keep])
        ren_amount.append((base[won_idx] * (1.0 + 0.06 * year))[keep].round(-2))
        alive = exists & r_closed & r_won
    r_company = np.concatenate(ren_company)
    r_close = np.concatenate(ren_close)
    # Expansion / upsell for best customers some months after a win.
    exp_src = np.flatnonzero(won & (u.fit_idx[company] == 2) & (rng.random(n) < 0.5))
    e_created = close[exp_src] + secs(rng, len(exp_src), 60, 270)
    e_keep = e_created < anchor
    exp_src, e_created = exp_src[e_keep], e_created[e_keep]
    e_close = e_created + secs(rng, len(exp_src), 20, 90)
    e_closed = e_close < anchor
    e_company = company[exp_src]
    e_won = e_closed & (rng.random(len(exp_src)) < np.clip(0.3 + u.p[e_company], 0, 0.95))
    return {
        "company": np.concatenate([company, r_company, e_company]),
        "created": np.concatenate([created, np.concatenate(ren_created), e_created]),
        "close": np.concatenate([close, r_close, e_close]),
        "closed": np.concatenate([closed, np.concatenate(ren_closed), e_closed]),
        "won": np.concatenate([won, np.concatenate(ren_won), e_won]),
        "amount": np.concatenate([base, np.concatenate(ren_amount),
                                  (base[exp_src] * 0.3).round(-2)]),
        "type": np.concatenate([types, np.ones(len(r_company), dtype=np.int64),
                                2 + rng.integers(0, 2, len(exp_src))]),
    }


STAGES_OPEN = ("Prospecting", "Qualification", "Needs Analysis", "Proposal/Price Quote",
               "Negotiation/Review")
OPEN_PROBABILITY = (10, 20, 30, 60, 80)
OPEN_FORECAST = ("Pipeline", "Pipeline", "Pipeline", "Best Case", "Commit")
DEFECTS = ("", "no_account", "negative_amount", "absurd_amount", "future_close",
           "unparseable_amount")


def _opportunity_rows(
    u: Universe, rng: np.random.Generator, anchor: np.datetime64, opp: dict[str, np.ndarray],
    acc_id: pa.Array, acc_company: np.ndarray, primary_acc: np.ndarray, user_id: pa.Array,
    owner: np.ndarray,
) -> tuple[dict[str, pa.Array], np.ndarray, pa.Table]:
    n = len(opp["company"])
    company = opp["company"]
    # A few opportunities sit on a duplicate account of the same company.
    dup_rows = np.flatnonzero(acc_company != np.arange(len(acc_company))) \
        if len(acc_company) else np.array([], dtype=np.int64)
    acc_row = primary_acc[company]
    if len(dup_rows):
        dup_of = acc_company[dup_rows]
        first_dup = np.full(u.n, -1, dtype=np.int64)
        first_dup[dup_of[::-1]] = dup_rows[::-1]
        on_dup = (first_dup[company] >= 0) & (rng.random(n) < 0.03)
        acc_row = np.where(on_dup, first_dup[company], acc_row)
    true_acc = pc.take(acc_id, pa.array(acc_row))
    closed, won = opp["closed"], opp["won"]
    progress = np.clip((anchor - opp["created"]) / np.maximum(opp["close"] - opp["created"],
                                                                np.timedelta64(1, "s")), 0, 0.999)
    stage_idx = (progress * len(STAGES_OPEN)).astype(np.int64)
    stage = where(closed, where(won, "Closed Won", "Closed Lost"),
                  pick(STAGES_OPEN, stage_idx))
    forecast = where(closed, where(won, "Closed", "Omitted"), pick(OPEN_FORECAST, stage_idx))
    probability = np.where(closed, np.where(won, 100, 0), np.array(OPEN_PROBABILITY)[stage_idx])

    # Each defect on a fixed share of rows, and at least one row each.
    defect_idx = np.zeros(n, dtype=np.int64)
    for j, rate in ((1, 0.01), (2, 0.006), (3, 0.003), (4, 0.006), (5, 0.006)):
        pool = np.flatnonzero((defect_idx == 0) & (closed if j == 4 else True))
        if len(pool):
            take = rng.choice(pool, size=min(len(pool), max(1, round(rate * n))), replace=False)
            defect_idx[take] = j
    defect = np.array(DEFECTS, dtype=object)[defect_idx]
    amount = opp["amount"].astype(float)
    shown_amount = pa.array(amount).cast(pa.int64()).cast(STR)
    shown_amount = where(defect_idx == 2, join("-", shown_amount), shown_amount)
    shown_amount = where(defect_idx == 3, "9000000000000", shown_amount)
    shown_amount = where(defect_idx == 5, pick(catalogs.BAD_NUMBERS,
                                               rng.integers(0, 3, n)), shown_amount)
    shown_amount = null_out(shown_amount, (rng.random(n) < 0.02) & (defect_idx == 0))
    shown_close = np.where(defect_idx == 4, anchor + secs(rng, n, 10, 400), opp["close"])
    shown_acc = null_out(true_acc, defect_idx == 1)
    lm = np.where(closed, np.minimum(opp["close"] + secs(rng, n, 0, 4), anchor),
                  opp["created"] + ((anchor - opp["created"]) * rng.random(n))
                  .astype("timedelta64[s]"))
    ids_ = ids("006", rng.permutation(n) + 1, 12, "AAI") if n else pa.array([], STR)
    type_name = pick(OPP_TYPES, opp["type"])
    year = pa.array(opp["created"].astype("datetime64[Y]").astype(int) + 1970).cast(STR)
    opp_name = join(pc.take(u.canonical, pa.array(company)), " - ", type_name, " ", year)
    deleted = rng.random(n) < 0.003
    rows = {
        "id": ids_,
        "account_id": shown_acc,
        "name": opp_name,
        "amount": shown_amount,
        "stage_name": stage,
        "is_closed": fmt_bools(rng, closed),
        "is_won": fmt_bools(rng, won),
        "close_date": fmt_dates(rng, shown_close, 0.003),
        "created_date": fmt_dates(rng, opp["created"], 0.0, (0.6, 0.4, 0.0)),
        "type": null_out(type_name, rng.random(n) < 0.02),
        "forecast_category": forecast,
        "probability": pa.array(probability).cast(STR),
        "owner_id": pc.take(user_id, pa.array(owner[company])),
        "is_deleted": fmt_bools(rng, deleted),
    }
    truth = pa.table({
        "opportunity_id": ids_,
        "account_id": shown_acc,
        "true_account_id": true_acc,
        "company_key": pc.take(u.key, pa.array(company)),
        "opportunity_type": type_name,
        "is_closed": pa.array(closed),
        "is_won": pa.array(won),
        "created_date": pa.array(opp["created"].astype("datetime64[D]")),
        "close_date": pa.array(opp["close"].astype("datetime64[D]")),
        "delivered_close_date": pa.array(shown_close.astype("datetime64[D]")),
        "amount_true": pa.array(amount),
        "planted_defect": pa.array(np.where(defect == "", None, defect), STR),
        "is_deleted": pa.array(deleted),
        "true_win_probability": pa.array(u.p[company]),
    })
    return rows, lm, truth


LEAD_KINDS = ("converted", "email_domain", "website", "company_name", "free_mail_only",
              "not_in_crm")


def _leads(
    u: Universe, rng: np.random.Generator, n_accounts: int, anchor: np.datetime64,
    acc_id: pa.Array, primary_acc: np.ndarray, con_id: pa.Array, con_acc: np.ndarray,
    opp: dict[str, np.ndarray], opp_id: pa.Array,
) -> tuple[dict[str, pa.Array], np.ndarray, pa.Table, np.ndarray, pa.Array]:
    n = int(n_accounts * 1.5)
    n_net_new = u.n - u.n_crm
    probs = [0.18, 0.25, 0.1, 0.1, 0.1, 0.27 if n_net_new else 0.0]
    kind = choose(rng, n, probs)
    company = np.where(kind == 5, u.n_crm + rng.integers(0, max(n_net_new, 1), n),
                       rng.integers(0, u.n_crm, n))
    in_crm = kind < 5
    first = pick(catalogs.FIRST_NAMES, rng.integers(0, len(catalogs.FIRST_NAMES), n))
    last = pick(catalogs.LAST_NAMES, rng.integers(0, len(catalogs.LAST_NAMES), n))
    domain = pc.take(u.domain, pa.array(company))
    corp = _emails(rng, first, last, domain)
    free = _free_mail(rng, first, last)
    none = pa.nulls(n, STR)
    # converted: corporate or none; email_domain & not_in_crm: corporate; website/name: free or none
    free_or_none = where(rng.random(n) < 0.5, free, none)
    email = select(kind, [where(rng.random(n) < 0.8, corp, none), corp, free_or_none,
                          free_or_none, free, corp])
    email_is_free = np.isin(kind, [2, 3]) & (pc.is_valid(email).to_numpy(zero_copy_only=False)) \
        | (kind == 4)
    website = _websites(rng, domain, WEBSITE_PROBS)
    website = null_out(website, ~(((kind == 2) | (kind == 5)) & (rng.random(n) < 0.9)
                                  | ((kind <= 1) & (rng.random(n) < 0.3))))
    names = name_variants(rng, pc.take(u.canonical, pa.array(company)),
                          pc.take(u.legal, pa.array(company)), NAME_PROBS_CRM)
    junk = pick(["Individual", "Self-employed", "N/A", "Personal", "-", "none"],
                rng.integers(0, 6, n))
    company_text = where(kind == 4, null_out(junk, rng.random(n) < 0.4), names)
    created = anchor - secs(rng, n, 0.1, 3 * 365)
    lm = created + ((anchor - created) * rng.random(n) ** 3).astype("timedelta64[s]")
    converted = kind == 0
    conv_acc = pc.take(acc_id, pa.array(np.maximum(primary_acc[company], 0)))
    conv_con = _random_member(rng, primary_acc[company].clip(0),
                              _group_index(con_acc, len(acc_id)))
    conv_opp = _random_member(rng, company, _group_index(opp["company"], u.n))
    status = np.select([converted, rng.random(n) < 0.3, rng.random(n) < 0.3], [0, 1, 2], 3)
    emp = u.employees[company] * rng.uniform(0.7, 1.3, n)
    emp = np.where(rng.random(n) < 0.5, np.nan, emp)
    rev = np.where(rng.random(n) < 0.7, np.nan, u.revenue[company])
    lead_id = ids("00Q", rng.permutation(n) + 1, 12, "AAS")
    leads = {
        "id": lead_id,
        "company": company_text,
        "email": email,
        "website": website,
        "industry": null_out(raw_industry(rng, u.industry_idx[company], 0.02),
                             rng.random(n) < 0.3),
        "number_of_employees": fmt_numbers(rng, emp, 0.005),
        "annual_revenue": fmt_numbers(rng, rev, 0.005),
        "country": null_out(raw_country(rng, u.country_idx[company], 0.01), rng.random(n) < 0.2),
        "status": pick(["Converted", "Open - Not Contacted", "Working - Contacted",
                        "Closed - Not Converted"], status),
        "is_converted": fmt_bools(rng, converted),
        "converted_account_id": null_out(conv_acc, ~converted),
        "converted_contact_id": null_out(pc.take(con_id, pa.array(np.maximum(conv_con, 0))),
                                         ~converted | (conv_con < 0)) if len(con_id) else none,
        "converted_opportunity_id": null_out(
            pc.take(opp_id, pa.array(np.maximum(conv_opp, 0))), ~converted | (conv_opp < 0)
        ) if len(opp_id) else none,
        "created_date": fmt_dates(rng, created, 0.003),
        "is_deleted": fmt_bools(rng, rng.random(n) < 0.005),
    }
    truth = pa.table({
        "lead_id": lead_id,
        "company_key": pc.take(u.key, pa.array(company)),
        "true_account_company_key": null_out(pc.take(u.key, pa.array(company)), ~in_crm),
        "is_converted": pa.array(converted),
        "match_basis": pick(LEAD_KINDS, kind),
        "email_is_free_mail": pa.array(email_is_free),
        "is_matchable": pa.array(np.isin(kind, [0, 1, 2, 3])),
    })
    return leads, lm, truth, company, email
