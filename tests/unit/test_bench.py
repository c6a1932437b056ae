"""`make bench`'s day-1 / day-2 split, the slowest dbt nodes and the table it writes.

The benchmark itself is not run here (minutes per size, `make bench`); CI's volume test is
tests/integration/test_scale.py (marker `scale`, ABM_SCALE_ACCOUNTS, ingestion only)."""

from __future__ import annotations

from pathlib import Path

from benchmarks import run as bench


def _landing(root: Path) -> dict[str, bytes]:
    files = {
        "crm/account/2026-11-13_account_full.csv": b"id\n1\n",
        "crm/account/2026-11-16_account_incremental.parquet": b"PAR1",
        "intent/bombora_surge/2026-11-16_bombora_surge.csv.gz": b"\x1f\x8b",
        "intent/bombora_surge/2026-11-15_bombora_surge.csv.gz": b"\x1f\x8b0",
    }
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    return files


def test_the_last_day_is_held_back_and_delivered_where_it_was(tmp_path: Path) -> None:
    landing, withheld = tmp_path / "landing", tmp_path / "withheld"
    files = _landing(landing)
    moved = bench.withhold_last_day(landing, withheld, "2026-11-16")
    assert sorted(p.relative_to(withheld).as_posix() for p in moved) == [
        "crm/account/2026-11-16_account_incremental.parquet",
        "intent/bombora_surge/2026-11-16_bombora_surge.csv.gz",
    ]
    day1 = sorted(p.relative_to(landing).as_posix() for p in landing.rglob("*") if p.is_file())
    assert day1 == [
        "crm/account/2026-11-13_account_full.csv",
        "intent/bombora_surge/2026-11-15_bombora_surge.csv.gz",
    ]
    bench.deliver(withheld, landing)
    day2 = {
        p.relative_to(landing).as_posix(): p.read_bytes() for p in landing.rglob("*") if p.is_file()
    }
    assert day2 == files


def test_the_slowest_nodes_come_from_run_results() -> None:
    run_results = {
        "results": [
            {"unique_id": f"model.abm_warehouse.m{i}", "execution_time": float(i)}
            for i in range(15)
        ]
        + [{"unique_id": "test.abm_warehouse.assert_x.abc", "execution_time": 99.5}]
    }
    top = bench.top_nodes(run_results)
    assert len(top) == 10
    assert top[0] == ("assert_x.abc", 99.5)
    assert [name for name, _ in top[1:4]] == ["m14", "m13", "m12"]


def test_the_table_shows_daily_and_no_change_runs_against_the_lower_bound(
    monkeypatch,
) -> None:
    monkeypatch.setattr(
        bench, "TOP_NODES", {"S": [{"build": "daily run", "node": "m1", "seconds": 4.0}]}
    )
    monkeypatch.setattr(bench, "DASHBOARD_TIMINGS", {})
    monkeypatch.setattr(
        bench,
        "DBT_WORK",
        {
            "S": [
                {
                    "build": "no-change run",
                    "executed": 3,
                    "skipped": 1,
                    "node_seconds": 1.5,
                    "elapsed": 2.25,
                }
            ]
        },
    )
    results = [
        bench.PhaseResult("S", "lower_bound_scan", 2.0, 100.0),
        bench.PhaseResult("S", "ingest", 10.0, 500.0),
        bench.PhaseResult("S", "dbt_build", 30.0, 800.0),
        bench.PhaseResult("S", "daily_refresh", 8.0, 900.0, "published"),
        bench.PhaseResult("S", "no_change_refresh", 6.0, 900.0, "published", 7.5),
    ]
    text = bench.render(results)
    assert "cores" in text.splitlines()[2]  # the machine it ran on
    assert "| S | 10,000 | daily_refresh | 8.0 | 900 | 4.0 | published |" in text
    assert "| S | 40.0 (20x) | 8.0 (4x) | 20% | 6.0 (3x) |" in text
    assert "| S | daily run | `m1` | 4.0 | 2.0 |" in text
    assert "| S | no_change_refresh | 6.0 | 7.5 |" in text
    assert "| S | no-change run | 3 | 1 | 1.5 | 2.2 |" in text


def test_dbt_work_counts_executed_nodes_and_their_time() -> None:
    run_results = {
        "elapsed_time": 9.0,
        "results": [
            {"unique_id": "model.p.a", "status": "success", "execution_time": 2.0},
            {"unique_id": "test.p.b", "status": "pass", "execution_time": 0.5},
            {"unique_id": "model.p.c", "status": "skipped", "execution_time": 0.0},
        ],
    }
    assert bench.dbt_work(run_results) == {
        "executed": 2,
        "skipped": 1,
        "node_seconds": 2.5,
        "elapsed": 9.0,
    }
