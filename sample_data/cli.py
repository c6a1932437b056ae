"""`python -m sample_data --accounts N --seed S --landing DIR --truth DIR`."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

from sample_data.generate import DEFAULT_ANCHOR, PROFILES, generate


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m sample_data",
        description="Write messy sample landing files and the planted truth.")
    parser.add_argument("--accounts", type=int, default=5000, help="CRM accounts (default 5000)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--landing", type=Path, default=Path("data/landing"),
                        help="landing folder to (re)write (default data/landing)")
    parser.add_argument("--truth", type=Path, default=Path("data/truth"),
                        help="truth folder to (re)write (default data/truth)")
    parser.add_argument("--anchor-date", type=date.fromisoformat, default=DEFAULT_ANCHOR,
                        help=f"the 'today' of the sample world (default {DEFAULT_ANCHOR})")
    parser.add_argument("--profile", choices=PROFILES, default="default",
                        help="correlated: revenue restates size, segment restates industry; "
                             "repeat_business: every account with a closed deal has won one")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    started = time.perf_counter()
    try:
        summary = generate(
            args.accounts, args.seed, args.landing, args.truth, args.anchor_date, args.profile
        )
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started
    for table in sorted(summary.rows):
        print(f"{table:32s} {summary.files[table]:2d} files {summary.rows[table]:>12,d} rows")
    print(f"bad rows planted: {summary.bad_rows:,d}; truth: {summary.truth_rows}")
    print(f"done in {elapsed:.1f}s -> {args.landing} (truth in {args.truth})")
    return 0
