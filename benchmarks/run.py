"""`make bench`: generate S/M/L sample data, time each phase, record peak memory.

Sizes come from ABM_BENCH_SIZES (default "S,M,L"). Every phase runs in its own
process; its wall time and peak resident memory (os.wait4) are recorded. The
lower bound is one DuckDB scan of every landed file (both days): every phase is
reported as a multiple of it.

Per size, what a deployment pays:
- day 1, the first build: the last day's files (`<anchor>_*`) are held back, the rest
  is ingested and built (`ingest`, `dbt_build`), published and its dashboard timed;
- day 2, `daily_refresh`: the held-back files land and `make run`'s runner refreshes
  day 1's warehouse through the Dagster job `daily_refresh` (ingest the new files,
  incremental dbt build, checks, publication), as the schedule does every morning;
- `no_change_refresh`: the same job again with nothing new landed (it skips the dbt build
  and the publication when nothing changed since the last one: no dbt nodes to list);
- the 10 slowest dbt nodes of each of the three builds, from their run_results.json.
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


# size -> [{build, node, seconds}]: the slowest dbt nodes of each build of that size.
TOP_NODES: dict[str, list[dict]] = {}
# size -> [{build, executed, skipped, node_seconds, elapsed}]: what each dbt build ran.
DBT_WORK: dict[str, list[dict]] = {}
TOP_N = 10
# The runner's exit codes a refresh phase accepts: 0 published, 1 a blocking check failed
# (the run still did its whole day's work; the table says so).
REFRESH_EXIT = {0: "published", 1: "FAILED"}


@dataclass
class PhaseResult:
    size: str
    phase: str
    seconds: float
    peak_mib: float
    outcome: str = ""
    # CPU seconds (user + system) of the phase's process and every process it waited for.
    cpu_seconds: float = 0.0


def run_phase(
    size: str,
    phase: str,
    command: list[str],
    env: dict[str, str],
    accepted: dict[int, str] | None = None,
) -> PhaseResult:
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=PROJECT_DIR, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    accepted = accepted or {0: ""}
    if code not in accepted:
        raise SystemExit(f"benchmark phase {phase} at size {size} failed: {' '.join(command)}")
    # ru_maxrss is KiB on Linux (the largest of the process and the children it waited for)
    cpu = usage.ru_utime + usage.ru_stime
    return PhaseResult(size, phase, seconds, usage.ru_maxrss / 1024, accepted[code], cpu)


def withhold_last_day(landing: Path, withheld: Path, anchor: str) -> list[Path]:
    """Move the anchor day's files (`<anchor>_*`) out of the landing folder, as
    tests/integration/test_refresh_incremental.py does: day 1 is everything else."""
    moved = []
    for path in sorted(landing.rglob(f"{anchor}_*")):
        target = withheld / path.relative_to(landing)
        target.parent.mkdir(parents=True, exist_ok=True)
        path.rename(target)
        moved.append(target)
    return moved


def deliver(withheld: Path, landing: Path) -> list[Path]:
    """Day 2: the held-back files land where they were."""
    delivered = []
    for path in sorted(p for p in withheld.rglob("*") if p.is_file()):
        target = landing / path.relative_to(withheld)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        delivered.append(target)
    return delivered


def top_nodes(run_results: dict, n: int = TOP_N) -> list[tuple[str, float]]:
    """The n dbt nodes (models, tests, seeds, snapshots) that took longest, slowest first."""
    timed = [
        (result["unique_id"].split(".", 2)[-1], float(result.get("execution_time") or 0.0))
        for result in run_results.get("results", [])
    ]
    return sorted(timed, key=lambda item: (-item[1], item[0]))[:n]


def latest_run_results(target: Path) -> Path:
    """The run_results.json the Dagster dbt asset wrote last under a target folder
    (dagster-dbt gives every invocation its own `<asset>-<run>-<id>/` folder)."""
    found = sorted(target.glob("*/run_results.json"), key=lambda p: p.stat().st_mtime)
    if not found:
        raise SystemExit(f"no run_results.json under {target}")
    return found[-1]


def dbt_work(run_results: dict) -> dict[str, float]:
    """How much a dbt invocation did: nodes executed (not skipped), the sum of their
    execution times and dbt's own elapsed time."""
    results = run_results.get("results", [])
    executed = [r for r in results if r.get("status") not in ("skipped", "no-op")]
    return {
        "executed": len(executed),
        "skipped": len(results) - len(executed),
        "node_seconds": sum(float(r.get("execution_time") or 0.0) for r in executed),
        "elapsed": float(run_results.get("elapsed_time") or 0.0),
    }


def record_top_nodes(size: str, build: str, run_results: Path) -> None:
    loaded = json.loads(run_results.read_text())
    DBT_WORK.setdefault(size, []).append({"build": build, **dbt_work(loaded)})
    nodes = top_nodes(loaded)
    TOP_NODES.setdefault(size, []).extend(
        {"build": build, "node": node, "seconds": seconds} for node, seconds in nodes
    )


def bench_size(size: str) -> list[PhaseResult]:
    accounts = SIZES[size]
    root = WORK_DIR / size
    shutil.rmtree(root, ignore_errors=True)
    landing, truth, warehouse = root / "landing", root / "truth", root / "warehouse.duckdb"
    withheld = root / "withheld"
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
    ]
    anchor = json.loads((truth / "meta.json").read_text())["anchor_date"]
    if not withhold_last_day(landing, withheld, anchor):
        raise SystemExit(f"no files of the last day {anchor} under {landing}")
    scan = [py, "-m", "benchmarks.phases", "scan", str(landing), str(warehouse), str(withheld)]
    results += [
        run_phase(size, "lower_bound_scan", scan, env),
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
    record_top_nodes(size, "first build", root / "target" / "run_results.json")
    results += daily_runs(size, root, env)
    return results


def daily_runs(size: str, root: Path, env: dict[str, str]) -> list[PhaseResult]:
    """Day 2's files on day 1's warehouse through the Dagster job, then no change at all:
    `python -m orchestration.lib.runner` is what `make run` and the schedule's job run."""
    dagster_home = root / "dagster_home"
    dagster_home.mkdir(exist_ok=True)
    shutil.copy2(PROJECT_DIR / "orchestration" / "dagster.yaml", dagster_home / "dagster.yaml")
    refresh_env = {
        **env,
        "DAGSTER_HOME": str(dagster_home),
        "ABM_SERVING_PATH": str(root / "serving.duckdb"),
        "ABM_EXPORTS_DIR": str(root / "exports"),
    }
    # The Dagster definitions read the manifest from the project's own target/.
    parse_env = {k: v for k, v in env.items() if k != "DBT_TARGET_PATH"}
    subprocess.run(
        [str(BIN / "dbt"), "parse", "--quiet"], cwd=PROJECT_DIR, env=parse_env, check=True
    )
    deliver(root / "withheld", root / "landing")
    runner = [sys.executable, "-m", "orchestration.lib.runner"]
    results = []
    for phase, build in (("daily_refresh", "daily run"), ("no_change_refresh", "no-change run")):
        target = root / f"target-{phase}"
        phase_env = {**refresh_env, "DBT_TARGET_PATH": str(target)}
        result = run_phase(size, phase, runner, phase_env, REFRESH_EXIT)
        results.append(result)
        if result.outcome == "published" and not list(target.glob("*/run_results.json")):
            # Nothing new since the last publication: the run skipped dbt and publication.
            result.outcome = "up to date (dbt build skipped)"
            DBT_WORK.setdefault(size, []).append(
                {"build": build, "executed": 0, "skipped": 0, "node_seconds": 0.0, "elapsed": 0.0}
            )
            continue
        record_top_nodes(size, build, latest_run_results(target))
    return results


def machine() -> str:
    """The machine a result was measured on: CPU model, cores, memory, Python."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem_kib = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        )
        memory = f", {mem_kib / 1024**2:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        memory = ""
    return (
        f"{model} ({platform.machine()}), {os.cpu_count()} cores{memory}, "
        f"Python {platform.python_version()}"
    )


def render(results: list[PhaseResult]) -> str:
    floor = {r.size: r.seconds for r in results if r.phase == "lower_bound_scan"}
    lines = [
        f"# Benchmark {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"machine: {machine()}",
        "",
        "Day 1 (`ingest`, `dbt_build`) is every file but the last day's; the lower bound",
        "scans all files of both days once. `daily_refresh` lands the last day's files on",
        "day 1's warehouse and runs the Dagster job as `make run` does; `no_change_refresh`",
        "runs it again with nothing new.",
        "",
        "| size | accounts | phase | seconds | peak MiB | x lower bound | outcome |",
        "|---|---:|---|---:|---:|---:|---|",
    ]
    for r in results:
        ratio = r.seconds / floor[r.size] if floor.get(r.size) else float("nan")
        lines.append(
            f"| {r.size} | {SIZES[r.size]:,} | {r.phase} | {r.seconds:.1f} "
            f"| {r.peak_mib:,.0f} | {ratio:.1f} | {r.outcome} |"
        )
    lines += _daily_summary(results, floor)
    lines += [
        "",
        "CPU seconds per phase (user + system of the phase and every process it ran):",
        "",
        "| size | phase | wall seconds | CPU seconds |",
        "|---|---|---:|---:|",
        *(f"| {r.size} | {r.phase} | {r.seconds:.1f} | {r.cpu_seconds:.1f} |" for r in results),
    ]
    if DBT_WORK:
        lines += [
            "",
            "dbt per build (run_results.json): nodes executed, the sum of their times, dbt's",
            "elapsed time:",
            "",
            "| size | build | nodes executed | nodes skipped | node seconds | dbt elapsed |",
            "|---|---|---:|---:|---:|---:|",
        ]
        for size, builds in DBT_WORK.items():
            for b in builds:
                lines.append(
                    f"| {size} | {b['build']} | {b['executed']:,} | {b['skipped']:,} "
                    f"| {b['node_seconds']:.1f} | {b['elapsed']:.1f} |"
                )
    if TOP_NODES:
        lines += [
            "",
            f"The {TOP_N} slowest dbt nodes of each build (run_results.json execution_time):",
            "",
            "| size | build | node | seconds | x lower bound |",
            "|---|---|---|---:|---:|",
        ]
        for size, nodes in TOP_NODES.items():
            for node in nodes:
                ratio = node["seconds"] / floor[size] if floor.get(size) else float("nan")
                lines.append(
                    f"| {size} | {node['build']} | `{node['node']}` | {node['seconds']:.1f} "
                    f"| {ratio:.1f} |"
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


def _daily_summary(results: list[PhaseResult], floor: dict[str, float]) -> list[str]:
    """Per size: the first build (ingest + dbt build), the daily and the no-change run."""
    by_size: dict[str, dict[str, float]] = {}
    for r in results:
        by_size.setdefault(r.size, {})[r.phase] = r.seconds
    rows = []
    for size, phases in by_size.items():
        if "daily_refresh" not in phases or not floor.get(size):
            continue
        first = phases.get("ingest", 0.0) + phases.get("dbt_build", 0.0)
        daily, unchanged = phases["daily_refresh"], phases.get("no_change_refresh", float("nan"))
        rows.append(
            f"| {size} | {first:.1f} ({first / floor[size]:.0f}x) "
            f"| {daily:.1f} ({daily / floor[size]:.0f}x) | {daily / first:.0%} "
            f"| {unchanged:.1f} ({unchanged / floor[size]:.0f}x) |"
        )
    if not rows:
        return []
    return [
        "",
        "What a deployment pays (seconds, x lower bound):",
        "",
        "| size | first build (ingest + dbt) | daily run | daily / first build | no-change run |",
        "|---|---:|---:|---:|---:|",
        *rows,
    ]


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
