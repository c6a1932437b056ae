"""The Spark sameness test's comparison catches what it must and forgives row order."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.integration.mart_sameness import compare_marts, numbers_close

ROWS = [
    ("a1", "tier_1", "A", "surging intent", 0.123456789012, 3),
    ("a2", "tier_2", "B", "strong fit", 1e-12, 5),
    ("a3", "not_target", None, None, None, 0),
]


def write(path: Path, rows: list[tuple], extra_table: bool = False) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.account_tiers (account_id varchar, tier varchar, grade varchar, "
            "reason varchar, score double, contacts bigint)"
        )
        con.executemany("insert into marts.account_tiers values (?, ?, ?, ?, ?, ?)", rows)
        con.execute("create table marts._publication as select 'now' as published_at")
        if extra_table:
            con.execute("create table marts.extra as select 1 as x")
    return path


def test_same_rows_in_another_order_and_within_tolerance_are_the_same(tmp_path: Path) -> None:
    left = write(tmp_path / "l.duckdb", ROWS)
    nudged = [(*r[:4], None if r[4] is None else r[4] * (1 + 1e-12), r[5]) for r in ROWS]
    right = write(tmp_path / "r.duckdb", list(reversed(nudged)))
    assert compare_marts(left, right) == []


def test_a_different_tier_is_caught(tmp_path: Path) -> None:
    left = write(tmp_path / "l.duckdb", ROWS)
    right = write(tmp_path / "r.duckdb", [ROWS[0], ("a2", "tier_3", *ROWS[1][2:]), ROWS[2]])
    problems = compare_marts(left, right)
    assert len(problems) == 1
    assert "account_tiers" in problems[0] and "'tier_2' vs 'tier_3'" in problems[0]


def test_a_number_off_by_more_than_the_tolerance_is_caught(tmp_path: Path) -> None:
    left = write(tmp_path / "l.duckdb", ROWS)
    right = write(tmp_path / "r.duckdb", [(*ROWS[0][:4], ROWS[0][4] * (1 + 1e-8), 3), *ROWS[1:]])
    problems = compare_marts(left, right)
    assert len(problems) == 1 and "score" in problems[0]


def test_missing_rows_tables_and_a_null_are_caught(tmp_path: Path) -> None:
    left = write(tmp_path / "l.duckdb", ROWS, extra_table=True)
    assert compare_marts(left, write(tmp_path / "fewer.duckdb", ROWS[:2])) == [
        "extra: missing on the right",
        "account_tiers: 3 rows vs 2",
    ]
    nulled = write(tmp_path / "null.duckdb", [(*ROWS[0][:2], None, *ROWS[0][3:]), *ROWS[1:]])
    problems = compare_marts(write(tmp_path / "l2.duckdb", ROWS), nulled)
    assert len(problems) == 1 and "grade" in problems[0]


def test_numbers_close() -> None:
    assert numbers_close(None, None, 1e-9)
    assert not numbers_close(None, 0.0, 1e-9)
    assert numbers_close(0.0, 0.0, 1e-9)
    assert numbers_close(1.0, 1.0 + 1e-10, 1e-9)
    assert not numbers_close(1.0, 1.0 + 1e-8, 1e-9)
