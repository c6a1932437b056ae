"""Dashboard first paint and account page query time on a serving file.

    python -m benchmarks.dashboard publish WAREHOUSE SERVING MANIFEST
        publish the BI marts of a built warehouse into SERVING (as a refresh does)
    python -m benchmarks.dashboard scale SERVING OUT --times N
        a synthetic larger serving file: every account-level mart repeated N times with
        new ids, names and domains (e.g. the 5,000-account sample x 200 ~ 1M accounts), to
        time the queries at L size without a 30-minute L build
    python -m benchmarks.dashboard measure SERVING [RESULT.json] [--repeat N]
        time each page's first run in Streamlit's AppTest (the script run that produces
        the first paint, connection and queries included) and the account page's queries
        (search + profile of the best tier 1 account), median of N runs

`make bench` runs both after each size's dbt build (benchmarks/run.py); run `measure`
alone on any serving file, e.g. `python -m benchmarks.dashboard measure data/serving.duckdb`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
APP = PROJECT_DIR / "dashboard" / "app.py"
PAGES = ("targets", "account", "icp", "market", "results", "data_health")


@dataclass
class DashboardTiming:
    name: str  # page:<page> or query:<what>
    seconds: float  # median
    runs: int


def _page_seconds(page: str, account_id: str) -> float:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=600)
    at.run()  # the app shell and its default page, not counted
    at.switch_page(f"views/{page}.py")
    if page == "account":
        at.query_params["account"] = account_id
    started = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - started
    if at.exception:
        raise SystemExit(f"page {page} raised: {at.exception[0].value}")
    return seconds


def measure(serving: Path, repeat: int = 3) -> list[DashboardTiming]:
    from orchestration.lib import serving_reader as reader

    os.environ["ABM_SERVING_PATH"] = str(serving)
    with reader.open_serving(serving) as con:
        best = reader.top_tier_1(con, 1)
        account = con.execute(
            "select account_id from marts.account_targets_current "
            "order by tier = 'not_target', tier, fit_score desc limit 1"
        ).fetchone()[0]
    domain = best[0]["domain"] if best else account
    timings = []
    for page in PAGES:
        runs = [_page_seconds(page, account) for _ in range(repeat)]
        timings.append(DashboardTiming(f"page:{page}", statistics.median(runs), repeat))

    def account_page_queries() -> float:
        started = time.perf_counter()
        with reader.open_serving(serving) as con:
            found = reader.find_accounts(con, domain)
            reader.account_profile(con, found.matches[0].account_id)
        return time.perf_counter() - started

    runs = [account_page_queries() for _ in range(max(repeat, 5))]
    timings.append(DashboardTiming("query:account_page", statistics.median(runs), len(runs)))
    return timings


def publish_for_bench(warehouse: Path, serving: Path, manifest: Path) -> None:
    from orchestration.lib.publish import bi_marts, publish

    publish(warehouse, bi_marts(manifest), serving, serving.with_name("exports"), "bench")


def scale(serving: Path, out: Path, times: int) -> None:
    """Copy `serving` to `out` with every account-level mart repeated `times` times."""
    import duckdb

    out.unlink(missing_ok=True)
    with duckdb.connect(str(out)) as con:
        con.execute(f"attach '{serving}' as source (read_only)")
        con.execute("create schema marts")
        tables = con.execute(
            "select table_name, list(column_name order by column_index) from duckdb_columns() "
            "where database_name = 'source' and schema_name = 'marts' group by 1 order by 1"
        ).fetchall()
        renamed = {
            "account_id": "account_id || '~' || copy",
            "account_name": "account_name || ' ' || copy",
            "domain": "'c' || copy || '.' || domain",
            "plan_item_id": "plan_item_id || '~' || copy",
        }
        for table, columns in tables:
            if "account_id" not in columns:
                con.execute(f'create table marts."{table}" as select * from source.marts."{table}"')
                continue
            select = ", ".join(
                f"case when copy = 0 then {c} else {renamed[c]} end as {c}" if c in renamed else c
                for c in columns
            )
            con.execute(
                f'create table marts."{table}" as select {select} from source.marts."{table}" '
                f"cross join range({int(times)}) as copies(copy) "
                # As the publication stores them (orchestration/lib/publish.py).
                "order by account_id"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.dashboard")
    commands = parser.add_subparsers(dest="command", required=True)
    pub = commands.add_parser("publish")
    pub.add_argument("warehouse", type=Path)
    pub.add_argument("serving", type=Path)
    pub.add_argument("manifest", type=Path)
    scaled = commands.add_parser("scale")
    scaled.add_argument("serving", type=Path)
    scaled.add_argument("out", type=Path)
    scaled.add_argument("--times", type=int, default=200)
    meas = commands.add_parser("measure")
    meas.add_argument("serving", type=Path)
    meas.add_argument("result", type=Path, nargs="?")
    meas.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if args.command == "publish":
        publish_for_bench(args.warehouse, args.serving, args.manifest)
        return 0
    if args.command == "scale":
        scale(args.serving, args.out, args.times)
        return 0
    timings = measure(args.serving, args.repeat)
    for timing in timings:
        print(f"{timing.name:<24} {timing.seconds:8.3f} s (median of {timing.runs})")
    if args.result:
        args.result.write_text(json.dumps([asdict(t) for t in timings], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
