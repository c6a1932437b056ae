"""`make bench`: generate S/M/L sample data, time each phase, record peak memory.

Sizes come from ABM_BENCH_SIZES (default "S,M,L"). Every phase runs in its own
process; its wall time and peak resident memory (os.wait4) are recorded. The
lower bound is one DuckDB scan of every landed file: ingestion and the dbt build
are reported as multiples of it.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
WORK_DIR = PROJECT_DIR / "benchmarks" / "work"
RESULTS_DIR = PROJECT_DIR / "benchmarks" / "results"
SIZES = {"S": 10_000, "M": 100_000, "L": 1_000_000}
BIN = Path(sys.executable).parent
# size -> [{name, seconds, runs}]: dashboard first paint per page, account page queries.
DASHBOARD_TIMINGS: dict[str, list[dict]] = {}


@dataclass
class PhaseResult:
    size: str
    phase: str
    seconds: float
    peak_mib: float


def run_phase(size: str, phase: str, command: list[str], env: dict[str, str]) -> PhaseResult:
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=PROJECT_DIR, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"benchmark phase {phase} at size {size} failed: {' '.join(command)}")
    # ru_maxrss is KiB on Linux
    return PhaseResult(size, phase, seconds, usage.ru_maxrss / 1024)


def bench_size(size: str) -> list[PhaseResult]:
    accounts = SIZES[size]
    root = WORK_DIR / size
    shutil.rmtree(root, ignore_errors=True)
    landing, truth, warehouse = root / "landing", root / "truth", root / "warehouse.duckdb"
    env = {
        **os.environ,
        "ABM_LANDING_DIR": str(landing),
        "ABM_WAREHOUSE_PATH": str(warehouse),
        "DBT_TARGET_PATH": str(root / "target"),
        "DBT_LOG_PATH": str(root / "logs"),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    py = sys.executable
    results = [
        run_phase(
            size,
            "generate",
            [
                py,
                "-m",
                "sample_data",
                "--accounts",
                str(accounts),
                "--landing",
                str(landing),
                "--truth",
                str(truth),
            ],
            env,
        ),
        run_phase(
            size,
            "lower_bound_scan",
            [py, "-m", "benchmarks.phases", "scan", str(landing), str(warehouse)],
            env,
        ),
        run_phase(
            size,
            "ingest",
            [py, "-m", "benchmarks.phases", "ingest", str(landing), str(warehouse)],
            env,
        ),
        run_phase(size, "dbt_build", [str(BIN / "dbt"), "build", "--quiet"], env),
    ]
    # The dashboard on this size's publication (benchmarks/dashboard.py).
    serving, timings = root / "serving.duckdb", root / "dashboard.json"
    dashboard = [py, "-m", "benchmarks.dashboard"]
    manifest = root / "target" / "manifest.json"
    publish = [*dashboard, "publish", str(warehouse), str(serving), str(manifest)]
    results.append(run_phase(size, "publish", publish, env))
    results.append(
        run_phase(size, "dashboard", [*dashboard, "measure", str(serving), str(timings)], env)
    )
    DASHBOARD_TIMINGS[size] = json.loads(timings.read_text())
    return results


def render(results: list[PhaseResult]) -> str:
    floor = {r.size: r.seconds for r in results if r.phase == "lower_bound_scan"}
    lines = [
        f"# Benchmark {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "",
        "| size | accounts | phase | seconds | peak MiB | x lower bound |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for r in results:
        ratio = r.seconds / floor[r.size] if floor.get(r.size) else float("nan")
        lines.append(
            f"| {r.size} | {SIZES[r.size]:,} | {r.phase} | {r.seconds:.1f} "
            f"| {r.peak_mib:,.0f} | {ratio:.1f} |"
        )
    if DASHBOARD_TIMINGS:
        lines += [
            "",
            "Dashboard (AppTest script run per page = first paint; account page queries):",
            "",
            "| size | what | median seconds |",
            "|---|---|---:|",
        ]
        for size, timings in DASHBOARD_TIMINGS.items():
            for timing in timings:
                lines.append(f"| {size} | {timing['name']} | {timing['seconds']:.3f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    sizes = [s.strip() for s in os.environ.get("ABM_BENCH_SIZES", "S,M,L").split(",") if s.strip()]
    results: list[PhaseResult] = []
    for size in sizes:
        results.extend(bench_size(size))
        print(render(results))
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"bench-{datetime.now(UTC):%Y%m%dT%H%M}-{'-'.join(sizes)}.md"
    out.write_text(render(results))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
