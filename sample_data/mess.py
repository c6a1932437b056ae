"""Vectorized writers of messy values: name and website variants, raw codes, dates, numbers."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sample_data import catalogs

STR = pa.string()


def rng_for(seed: int, name: str) -> np.random.Generator:
    """An independent stream per purpose, so one change does not reshuffle everything."""
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def choose(rng: np.random.Generator, n: int, probs: Sequence[float]) -> np.ndarray:
    p = np.asarray(probs, dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())


def pick(options: Sequence[str] | pa.Array, idx: np.ndarray) -> pa.Array:
    arr = options if isinstance(options, pa.Array) else pa.array(list(options), STR)
    return pc.take(arr, pa.array(idx, pa.int64()))


def where(mask: np.ndarray, a: pa.Array | str | None, b: pa.Array | str | None) -> pa.Array:
    def scalar(v: pa.Array | str | None) -> pa.Array | pa.Scalar:
        return v if isinstance(v, pa.Array | pa.ChunkedArray) else pa.scalar(v, STR)

    return pc.if_else(pa.array(mask, pa.bool_()), scalar(a), scalar(b))


def select(choice: np.ndarray, variants: Sequence[pa.Array]) -> pa.Array:
    """Row i takes variants[choice[i]][i]."""
    out = variants[0]
    for k in range(1, len(variants)):
        out = where(choice == k, variants[k], out)
    return out


def join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def null_out(arr: pa.Array, mask: np.ndarray) -> pa.Array:
    return where(mask, pa.nulls(len(arr), STR), arr) if mask.any() else arr


def grouped_pick(
    rng: np.random.Generator, groups: dict[str, tuple[str, ...]], keys: Sequence[str],
    key_idx: np.ndarray,
) -> pa.Array:
    """For each row pick one value uniformly among those listed under its key."""
    flat: list[str] = []
    starts = np.zeros(len(keys), dtype=np.int64)
    counts = np.zeros(len(keys), dtype=np.int64)
    for i, key in enumerate(keys):
        starts[i] = len(flat)
        counts[i] = len(groups[key])
        flat.extend(groups[key])
    idx = starts[key_idx] + (rng.random(len(key_idx)) * counts[key_idx]).astype(np.int64)
    return pick(flat, idx)


def case_mix(rng: np.random.Generator, arr: pa.Array) -> pa.Array:
    """Hand-typed values: mostly as is, some upper, title, padded with spaces."""
    choice = choose(rng, len(arr), [0.6, 0.15, 0.15, 0.1])
    return select(choice, [arr, pc.utf8_upper(arr), pc.utf8_title(arr), join(" ", arr, "  ")])


def raw_industry(
    rng: np.random.Generator, industry_idx: np.ndarray, unknown_rate: float
) -> pa.Array:
    groups = catalogs.seed_raw_values("industry_map.csv", "industry")
    raw = case_mix(rng, grouped_pick(rng, groups, catalogs.INDUSTRIES, industry_idx))
    unknown = rng.random(len(raw)) < unknown_rate
    junk = pick(catalogs.UNKNOWN_INDUSTRIES, rng.integers(0, len(catalogs.UNKNOWN_INDUSTRIES),
                                                            len(raw)))
    return where(unknown, junk, raw)


def raw_country(
    rng: np.random.Generator, country_idx: np.ndarray, unknown_rate: float
) -> pa.Array:
    groups = catalogs.seed_raw_values("country_map.csv", "country_code")
    codes = [c[0] for c in catalogs.COUNTRIES]
    raw = case_mix(rng, grouped_pick(rng, groups, codes, country_idx))
    unknown = rng.random(len(raw)) < unknown_rate
    junk = pick(catalogs.UNKNOWN_COUNTRIES, rng.integers(0, len(catalogs.UNKNOWN_COUNTRIES),
                                                           len(raw)))
    return where(unknown, junk, raw)


def strip_accents(arr: pa.Array) -> pa.Array:
    return pc.replace_substring_regex(pc.utf8_normalize(arr, "NFD"), r"\p{Mn}", "")


def name_variants(
    rng: np.random.Generator, canonical: pa.Array, legal: pa.Array, probs: Sequence[float]
) -> pa.Array:
    """`ACME, INC.` / `Acme Inc` / `Acme Incorporated` / `The Acme Company` / ..."""
    plain = strip_accents(pc.replace_substring(canonical, ".", ""))
    legal_plain = pc.replace_substring(legal, ".", "")
    long_form = select(
        rng.integers(0, 3, len(canonical)),
        [pa.array(["Incorporated"] * len(canonical)), pa.array(["Corporation"] * len(canonical)),
         pa.array(["Limited"] * len(canonical))],
    )
    variants = [
        canonical,                                        # 0 Acme
        join(canonical, " ", legal),                      # 1 Acme GmbH / Acme Inc.
        pc.utf8_upper(join(canonical, ", ", legal)),      # 2 ACME, INC.
        join(plain, " ", legal_plain),                    # 3 Acme Inc
        join(canonical, " ", long_form),                  # 4 Acme Incorporated
        join("The ", canonical, " Company"),              # 5 The Acme Company
        plain,                                            # 6 US Bank, Societe Generale
        pc.utf8_lower(canonical),                         # 7 acme
    ]
    return select(choose(rng, len(canonical), probs), variants)


NAME_PROBS_CRM = (0.35, 0.25, 0.08, 0.1, 0.05, 0.04, 0.08, 0.05)
NAME_PROBS_OTHER = (0.45, 0.2, 0.05, 0.1, 0.05, 0.03, 0.07, 0.05)


def website_variants(
    rng: np.random.Generator, domain: pa.Array, probs: Sequence[float]
) -> pa.Array:
    """`https://www.Acme.co.uk/about`, `acme.co.uk`, `ACME.CO.UK.`, `http://shop.acme.co.uk:8080`."""
    variants = [
        domain,
        join("www.", domain),
        join("https://", domain),
        join("https://www.", pc.utf8_capitalize(domain), "/about"),
        join("http://", domain, "/"),
        join(pc.utf8_upper(domain), "."),
        join("http://shop.", domain, ":8080"),
        join("https://www.", domain, "/en-us/contact?utm_source=crm"),
    ]
    return select(choose(rng, len(domain), probs), variants)


WEBSITE_PROBS = (0.28, 0.2, 0.14, 0.1, 0.1, 0.07, 0.06, 0.05)
# Duplicate accounts never write the domain the same way as the master.
WEBSITE_PROBS_DUPLICATE = (0.0, 0.25, 0.15, 0.2, 0.1, 0.15, 0.1, 0.05)


def select_lazy(
    choice: np.ndarray, base: pa.Array, makers: Sequence[Callable[[pa.Array], pa.Array]]
) -> pa.Array:
    """Like `select`, but each variant is computed only for the rows that take it."""
    order = np.argsort(choice, kind="stable")
    counts = np.bincount(choice, minlength=len(makers))
    sorted_base = base.take(pa.array(order))
    parts, start = [], 0
    for k, make in enumerate(makers):
        parts.append(make(sorted_base.slice(start, int(counts[k]))))
        start += int(counts[k])
    chunks = [c for p in parts for c in (p.chunks if isinstance(p, pa.ChunkedArray) else [p])]
    combined = pa.chunked_array(chunks, STR).combine_chunks()
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    return combined.take(pa.array(inverse))


def _iso_seconds(ts: np.ndarray) -> pa.Array:
    """`2025-03-05T10:11:12` (null for NaT), via NumPy's C formatter."""
    ts = ts.astype("datetime64[s]")
    nat = np.isnat(ts)
    text = np.datetime_as_string(np.where(nat, np.datetime64(0, "s"), ts), unit="s")
    arr = pa.array(text, STR)
    return null_out(arr, nat) if nat.any() else arr


def _us_date(iso: pa.Array) -> pa.Array:
    return join(pc.utf8_slice_codeunits(iso, 5, 7), "/", pc.utf8_slice_codeunits(iso, 8, 10),
                "/", pc.utf8_slice_codeunits(iso, 0, 4))


def fmt_timestamps(
    rng: np.random.Generator, ts: np.ndarray, probs: Sequence[float] = (0.5, 0.35, 0.15)
) -> pa.Array:
    """Timestamps: `2025-03-05 10:11:12`, `2025-03-05T10:11:12.000+0000`, `...T10:11:12Z`."""
    return select_lazy(choose(rng, len(ts), probs), _iso_seconds(ts), [
        lambda a: pc.replace_substring(a, "T", " "),
        lambda a: join(a, ".000+0000"),
        lambda a: join(a, "Z"),
    ])


def fmt_dates(
    rng: np.random.Generator, ts: np.ndarray, bad_rate: float = 0.0,
    probs: Sequence[float] = (0.55, 0.3, 0.15),
) -> pa.Array:
    """Dates as `2025-03-05`, `2025-03-05T10:11:12.000+0000` or US `03/05/2025`; some garbage."""
    out = select_lazy(choose(rng, len(ts), probs), _iso_seconds(ts), [
        lambda a: pc.utf8_slice_codeunits(a, 0, 10),
        lambda a: join(a, ".000+0000"),
        _us_date,
    ])
    return _garbage(rng, out, bad_rate, catalogs.BAD_DATES)


def fmt_bools(rng: np.random.Generator, values: np.ndarray) -> pa.Array:
    spellings_true = ["true", "True", "TRUE", "1", "true"]
    spellings_false = ["false", "False", "FALSE", "0", "false"]
    idx = rng.integers(0, len(spellings_true), len(values))
    return where(values, pick(spellings_true, idx), pick(spellings_false, idx))


def fmt_numbers(rng: np.random.Generator, values: np.ndarray, bad_rate: float) -> pa.Array:
    """Integers as text, NaN as empty, and a few unparseable spellings."""
    arr = pa.array(np.round(values), pa.float64(), from_pandas=True).cast(pa.int64()).cast(STR)
    return _garbage(rng, arr, bad_rate, catalogs.BAD_NUMBERS)


def _garbage(
    rng: np.random.Generator, arr: pa.Array, rate: float, junk: Sequence[str]
) -> pa.Array:
    if rate <= 0:
        return arr
    bad = (rng.random(len(arr)) < rate) & pc.is_valid(arr).to_numpy(zero_copy_only=False)
    return where(bad, pick(junk, rng.integers(0, len(junk), len(arr))), arr)


def ids(prefix: str, numbers: np.ndarray, width: int = 12, suffix: str = "") -> pa.Array:
    """Salesforce-looking ids: prefix + zero-padded number (+ suffix)."""
    digits = pa.array(numbers.astype(np.int64)).cast(STR)
    return join(prefix, pc.utf8_lpad(digits, width, "0"), suffix)
