"""The company universe and its planted truth: firmographics and the true win probability."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sample_data import catalogs
from sample_data.mess import choose, join, pick, rng_for, select

_ONSETS = ("b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "cr",
           "dr", "gr", "pl", "tr")
_VOWELS = ("a", "e", "i", "o", "u")
_CODAS = ("", "n", "x", "r")
SYLLABLES = tuple(o + v for o in _ONSETS for v in _VOWELS)

# Hand-made companies that exercise punctuation and accents in names.
SPECIAL_COMPANIES: tuple[tuple[str, str, str, str], ...] = (
    ("U.S. Bank", "usbank.com", "Financial Services", "US"),
    ("Société Générale", "societegenerale.fr", "Financial Services", "FR"),
    ("Müller Maschinenbau", "mueller-maschinenbau.de", "Manufacturing", "DE"),
    ("A.P. Freight", "apfreight.com.au", "Transportation", "AU"),
    ("Crédit Lumière", "creditlumiere.fr", "Financial Services", "FR"),
    ("Tōkai Robotics", "tokai-robotics.co.jp", "Manufacturing", "JP"),
    ("São Paulo Varejo", "spvarejo.com.br", "Retail", "BR"),
    ("O'Neill & Sons", "oneillandsons.co.uk", "Professional Services", "GB"),
)

COMPLEMENTARY = np.array([t.relation == "complementary" for t in catalogs.TECH_CATALOG])
COMPETITOR = np.array([t.relation == "competitor" for t in catalogs.TECH_CATALOG])


@dataclass
class Universe:
    n: int
    n_crm: int
    key: pa.Array
    domain: pa.Array
    canonical: pa.Array
    legal: pa.Array
    industry_idx: np.ndarray
    country_idx: np.ndarray
    region: np.ndarray
    employees: np.ndarray
    band_idx: np.ndarray
    revenue: np.ndarray
    founded: np.ndarray
    funding_idx: np.ndarray
    tech: np.ndarray  # bool [n, n_tech]
    logit: np.ndarray
    p: np.ndarray
    fit_idx: np.ndarray  # 0 low, 1 medium, 2 high
    is_in_crm: np.ndarray
    parent: np.ndarray  # company index or -1
    ultimate: np.ndarray
    in_enrichment: np.ndarray
    net_new_target: np.ndarray
    in_market: np.ndarray
    engaged: np.ndarray
    has_intent: np.ndarray

    @property
    def tech_text(self) -> pa.Array:
        names = [t.tech_name for t in catalogs.TECH_CATALOG]
        order = np.argsort([n.lower() for n in names])
        parts = [pc.if_else(pa.array(self.tech[:, j]), names[j] + ";", "") for j in order]
        joined = join(*parts)
        return pc.utf8_rtrim(joined, characters=";")


def true_logit(
    industry_idx: np.ndarray, band_idx: np.ndarray, region: np.ndarray, tech: np.ndarray,
    founded: np.ndarray,
) -> np.ndarray:
    """The planted model. latest_funding_stage is deliberately absent (the null effect)."""
    ind = np.array([catalogs.INDUSTRY_EFFECT[i] for i in catalogs.INDUSTRIES])
    band = np.array([catalogs.BAND_EFFECT[b[0]] for b in catalogs.EMPLOYEE_BANDS])
    regions = np.array(list(catalogs.REGION_EFFECT))
    reg = np.array(list(catalogs.REGION_EFFECT.values()))
    region_effect = np.select([region == r for r in regions], list(reg), 0.0)
    tech_effect = tech.astype(float) @ np.array([t.logit_effect for t in catalogs.TECH_CATALOG])
    recent = np.where(founded >= catalogs.FOUNDED_RECENT_YEAR, catalogs.FOUNDED_RECENT_EFFECT, 0.0)
    return catalogs.LOGIT_INTERCEPT + ind[industry_idx] + band[band_idx] + region_effect \
        + tech_effect + recent


def fit_index(p: np.ndarray) -> np.ndarray:
    return np.where(p >= catalogs.FIT_HIGH_MIN, 2, np.where(p >= catalogs.FIT_MEDIUM_MIN, 1, 0))


def build_universe(seed: int, n_crm: int, n_net_new: int, profile: str = "default") -> Universe:
    n = n_crm + n_net_new
    rng = rng_for(seed, "universe")
    codes = [c[0] for c in catalogs.COUNTRIES]

    # Unique base words: distinct integers decoded to 3 syllables plus a coda.
    n_syl = len(SYLLABLES)
    space = n_syl**3 * len(_CODAS)
    combo = rng.choice(space, size=n, replace=False)
    s1, rest = combo % n_syl, combo // n_syl
    s2, rest = rest % n_syl, rest // n_syl
    s3, coda = rest % n_syl, rest // n_syl
    word = join(pick(SYLLABLES, s1), pick(SYLLABLES, s2), pick(SYLLABLES, s3), pick(_CODAS, coda))

    industry_idx = choose(rng, n, catalogs.INDUSTRY_WEIGHTS)
    country_idx = choose(rng, n, [c[1] for c in catalogs.COUNTRIES])
    word_choice = rng.integers(0, 4, n)
    flat_words = [w for group in catalogs.INDUSTRY_WORDS for w in group]
    second = pick(flat_words, industry_idx * 4 + word_choice)
    has_second = rng.random(n) < 0.55
    cap = pc.utf8_capitalize(word)
    canonical = select(has_second.astype(int), [cap, join(cap, " ", second)])
    # A few names carry accents (`Société` vs `Societe`).
    accent = rng.random(n) < 0.01
    canonical = select(accent.astype(int), [canonical, pc.replace_substring(
        canonical, "e", "é", max_replacements=1)])
    in_domain = has_second & (rng.random(n) < 0.35)
    base = select(in_domain.astype(int), [word, join(word, pc.utf8_lower(second))])
    hyphen = rng.random(n) < 0.05
    base = select(hyphen.astype(int), [base, join(word, "-", pc.utf8_lower(second))])
    tld_choice = rng.random(n)
    tld_flat, tld_start, tld_count = [], [], []
    legal_flat, legal_start, legal_count = [], [], []
    for _, _, tlds, legals in catalogs.COUNTRIES:
        tld_start.append(len(tld_flat))
        tld_count.append(len(tlds))
        tld_flat.extend(tlds)
        legal_start.append(len(legal_flat))
        legal_count.append(len(legals))
        legal_flat.extend(legals)
    ts, tcnt = np.array(tld_start), np.array(tld_count)
    tld = pick(tld_flat, ts[country_idx] + (tld_choice * tcnt[country_idx]).astype(int))
    domain = join(base, ".", tld)
    ls, lcnt = np.array(legal_start), np.array(legal_count)
    legal = pick(legal_flat, ls[country_idx] + (rng.random(n) * lcnt[country_idx]).astype(int))

    # Special companies take the first slots (all in the CRM).
    k = min(len(SPECIAL_COMPANIES), max(0, n_crm // 50))
    if k:
        names = [s[0] for s in SPECIAL_COMPANIES[:k]]
        doms = [s[1] for s in SPECIAL_COMPANIES[:k]]
        canonical = pa.concat_arrays([pa.array(names), canonical[k:]])
        domain = pa.concat_arrays([pa.array(doms), domain[k:]])
        industry_idx[:k] = [catalogs.INDUSTRIES.index(s[2]) for s in SPECIAL_COMPANIES[:k]]
        country_idx[:k] = [codes.index(s[3]) for s in SPECIAL_COMPANIES[:k]]
        legal = pa.concat_arrays([pick(legal_flat, ls[country_idx[:k]]), legal[k:]])

    regions = catalogs.country_regions()
    region = np.array([regions[c] for c in codes])[country_idx]
    employees = np.exp(rng.normal(np.log(150), 1.7, n)).clip(2, 350_000).round().astype(np.int64)
    band_idx = np.searchsorted([b[1] for b in catalogs.EMPLOYEE_BANDS], employees, "right") - 1
    revenue_spread = np.exp(rng.normal(np.log(180_000), 0.6, n))
    if profile == "correlated":
        # Revenue restates size: little spread around 180k per employee.
        revenue_spread = 180_000 * np.exp((np.log(revenue_spread) - np.log(180_000)) / 4)
    revenue = np.round(employees * revenue_spread, -3)
    founded = (2024 - np.exp(rng.normal(np.log(18), 0.8, n))).clip(1850, 2024).astype(np.int64)
    founded = np.where(band_idx >= 3, np.minimum(founded, 2016), founded)
    # Drawn independently of everything: the null-effect attribute.
    funding_idx = choose(rng, n, [20, 12, 14, 12, 8, 6, 14, 14])

    size_factor = (0.6 + 0.3 * band_idx)[:, None]
    prevalence = np.array([t.prevalence for t in catalogs.TECH_CATALOG])[None, :]
    tech = rng.random((n, len(catalogs.TECH_CATALOG))) < np.minimum(prevalence * size_factor, 0.95)

    # Planted net-new targets: excellent fit, and (below) in market.
    net_new_target = np.zeros(n, dtype=bool)
    n_targets = max(5, n_net_new // 33) if n_net_new else 0
    if n_targets:
        targets = n_crm + rng.choice(n_net_new, size=min(n_targets, n_net_new), replace=False)
        net_new_target[targets] = True
        industry_idx[targets] = rng.choice([0, 1], size=len(targets))
        band_idx[targets] = rng.choice([2, 3], size=len(targets))
        employees[targets] = rng.integers(300, 4500, len(targets))
        us = codes.index("US")
        country_idx[targets] = us
        region[targets] = "north_america"
        tech_t = tech[targets]
        tech_t[:, COMPETITOR] = False
        tech_t[:, COMPLEMENTARY] = rng.random((len(targets), COMPLEMENTARY.sum())) < 0.6
        tech[targets] = tech_t
        revenue[targets] = np.round(employees[targets] * 200_000.0, -3)

    logit = true_logit(industry_idx, band_idx, region, tech, founded)
    p = 1.0 / (1.0 + np.exp(-logit))
    fit = fit_index(p)

    is_in_crm = np.arange(n) < n_crm
    # Hierarchy: ~3% subsidiaries of a larger company, a few two levels deep.
    parent = np.full(n, -1, dtype=np.int64)
    big = np.flatnonzero(band_idx >= 3)
    if len(big) > 1:
        subs = rng.choice(n, size=max(2, n * 3 // 100), replace=False)
        subs = subs[~np.isin(subs, big)]
        parent[subs] = rng.choice(big, size=len(subs))
        # Prefer parents in the same CRM/not-CRM world so hierarchies show up in the CRM.
        second = rng.choice(subs, size=max(1, len(subs) // 10), replace=False)
        first_level = subs[~np.isin(subs, second)]
        if len(first_level):
            parent[second] = rng.choice(first_level, size=len(second))
    ultimate = np.where(parent >= 0, parent, -1)
    for _ in range(3):
        has_up = (ultimate >= 0) & (parent[np.maximum(ultimate, 0)] >= 0)
        ultimate = np.where(has_up, parent[np.maximum(ultimate, 0)], ultimate)

    in_enrichment = np.where(is_in_crm, rng.random(n) < 0.9, True)
    in_market = rng.random(n) < np.clip(0.02 + 0.22 * p, 0, 0.5)
    in_market |= net_new_target
    engaged = in_market | (rng.random(n) < 0.03)
    has_intent = in_market | (rng.random(n) < 0.22)

    key = join("C", pc.utf8_lpad(pa.array(np.arange(1, n + 1)).cast(pa.string()), 8, "0"))
    return Universe(
        n=n, n_crm=n_crm, key=key, domain=domain, canonical=canonical, legal=legal,
        industry_idx=industry_idx, country_idx=country_idx, region=region, employees=employees,
        band_idx=band_idx, revenue=revenue, founded=founded, funding_idx=funding_idx, tech=tech,
        logit=logit, p=p, fit_idx=fit, is_in_crm=is_in_crm, parent=parent, ultimate=ultimate,
        in_enrichment=in_enrichment, net_new_target=net_new_target, in_market=in_market,
        engaged=engaged, has_intent=has_intent,
    )
