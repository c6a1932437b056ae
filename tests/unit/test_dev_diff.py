"""The dev diff (`make diff`): keys from the manifest, row and tier comparisons, output."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from orchestration.lib import dev_diff
from orchestration.lib.dev_diff import (
    KeyCandidate,
    MartDiff,
    build_report,
    choose_key,
    diff_mart,
    freshness_notes,
    key_candidates,
    key_label,
    key_sql,
    mart_keys,
    pick_examples,
    render,
    summarize_moves,
)

MODEL = "model.abm_warehouse.net_new_accounts"


def _test(name: str, column: str | None = None, enabled: bool = True, **kwargs) -> dict:
    arguments = {"column_name": column, **kwargs} if column else kwargs
    return {
        "resource_type": "test",
        "attached_node": MODEL,
        "config": {"enabled": enabled},
        "test_metadata": {"name": name, "kwargs": arguments},
    }


def _manifest(*tests: dict, constraints: list | None = None, columns: dict | None = None) -> dict:
    nodes = {
        MODEL: {
            "resource_type": "model",
            "name": "net_new_accounts",
            "alias": "net_new_accounts",
            "constraints": constraints or [],
            "columns": columns or {},
        }
    }
    nodes.update({f"test.abm_warehouse.t{i}": test for i, test in enumerate(tests)})
    return {"nodes": nodes}


def test_key_prefers_unique_and_not_null_then_an_id_column() -> None:
    manifest = _manifest(
        _test("unique", "net_new_rank"),
        _test("not_null", "net_new_rank"),
        _test("unique", "domain"),
        _test("not_null", "domain"),
        _test("unique", "account_id"),
        _test("not_null", "account_id"),
        _test("unique", "disabled_id", enabled=False),
    )
    candidates = key_candidates(manifest, MODEL)
    assert [c.columns for c in candidates] == [("net_new_rank",), ("domain",), ("account_id",)]
    assert choose_key(candidates) == ("account_id",)
    assert mart_keys(manifest) == {"net_new_accounts": ("account_id",)}


def test_a_not_null_constraint_counts_like_a_not_null_test() -> None:
    manifest = _manifest(
        _test("unique", "domain"),
        _test("not_null", "domain"),
        _test("unique", "account_id"),
        columns={"account_id": {"constraints": [{"type": "not_null"}]}},
    )
    assert key_candidates(manifest, MODEL) == [
        KeyCandidate(("domain",), True),
        KeyCandidate(("account_id",), True),
    ]
    assert choose_key(key_candidates(manifest, MODEL)) == ("account_id",)


def test_a_model_level_not_null_columns_test_counts_for_each_of_its_columns() -> None:
    manifest = _manifest(
        _test("unique", "domain"),
        _test("unique", "account_id"),
        _test("unique", "row_id"),
        _test("not_null_columns", column_names=["row_id", "domain"]),
    )
    assert key_candidates(manifest, MODEL) == [
        KeyCandidate(("domain",), True),
        KeyCandidate(("account_id",), False),
        KeyCandidate(("row_id",), True),
    ]
    assert choose_key(key_candidates(manifest, MODEL)) == ("row_id",)


def test_key_without_not_null_loses_to_one_with_it() -> None:
    candidates = [KeyCandidate(("row_id",)), KeyCandidate(("bucket",), not_null=True)]
    assert choose_key(candidates) == ("bucket",)
    assert choose_key([]) is None


def test_key_from_constraint_combination_and_expression() -> None:
    constraint = [{"type": "primary_key", "columns": ["account_id", "as_of_date"]}]
    assert key_candidates(_manifest(constraints=constraint), MODEL) == [
        KeyCandidate(("account_id", "as_of_date"), True)
    ]
    column_constraint = {"account_id": {"constraints": [{"type": "primary_key"}]}}
    assert choose_key(key_candidates(_manifest(columns=column_constraint), MODEL)) == (
        "account_id",
    )
    combination = _manifest(
        _test("unique_combination_of_columns", combination_of_columns=["month", "tier"])
    )
    assert choose_key(key_candidates(combination, MODEL)) == ("month", "tier")
    expression = "account_id || '|' || cast(as_of_date as varchar)"
    assert key_label((expression,)) == "account_id+as_of_date"
    assert key_label(("month", "tier")) == "month+tier"
    assert key_label(None) == "(whole row)"
    assert key_sql(("a", "b")) == "concat_ws('|', cast((a) as varchar), cast((b) as varchar))"


def test_moves_are_counted_and_examples_cover_every_move() -> None:
    changes = [
        ("a1", "not_target", "tier_3"),
        ("a2", "not_target", "tier_3"),
        ("a3", "not_target", "tier_3"),
        ("b1", "tier_3", "tier_2"),
        ("c1", "tier_2", None),
    ]
    moves = summarize_moves(changes)
    assert moves[0] == {"from": "not_target", "to": "tier_3", "accounts": 3}
    assert {(m["from"], m["to"]): m["accounts"] for m in moves} == {
        ("not_target", "tier_3"): 3,
        ("tier_3", "tier_2"): 1,
        ("tier_2", None): 1,
    }
    rows = [(a, f, t, "why") for a, f, t in changes]
    picked = pick_examples(rows, moves, 3)
    assert sorted(r[0] for r in picked) == ["a1", "b1", "c1"]
    assert len(pick_examples(rows, moves, 0)) == 5


def _mart_files(tmp_path: Path) -> tuple[Path, Path]:
    published, dev = tmp_path / "serving.duckdb", tmp_path / "dev.duckdb"
    with duckdb.connect(str(published)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.account_tiers as select * from (values "
            "('a', date '2026-11-16', 'tier_1', 'r1', 1.0), "
            "('b', date '2026-11-16', 'tier_3', 'r2', 2.0), "
            "('c', date '2026-11-16', 'not_target', 'r3', 3.0), "
            "('d', date '2026-11-16', 'tier_2', 'r4', 4.0)) "
            "as t(account_id, as_of_date, tier, tier_reason, score)"
        )
        con.execute("create table marts.budget as select * from (values (1, 10), (2, 20)) t(k, v)")
        con.execute("create table marts.gone as select 1 as k")
        con.execute(
            "create table marts._publication as select '2026-12-06T09:46:00+00:00' as "
            "published_at, 'run-1234567890' as run_id, '{}' as row_counts"
        )
    with duckdb.connect(str(dev)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.account_tiers as select * from (values "
            "('a', date '2026-11-16', 'tier_1', 'r1', 1.0), "
            "('b', date '2026-11-16', 'tier_2', 'now tier 2', 2.0), "
            "('c', date '2026-11-16', 'not_target', 'r3', 3.5), "
            "('e', date '2026-11-16', 'tier_3', 'new one', 5.0)) "
            "as t(account_id, as_of_date, tier, tier_reason, score)"
        )
        con.execute(
            "create table marts.budget as select * from (values (1, 10), (2, 20), (2, 20)) t(k, v)"
        )
        con.execute("create schema _dev")
        con.execute(
            "create table _dev.copied_from as select 'prod' as source, "
            "timestamp '2026-12-06 09:50:00' as copied_at"
        )
        con.execute(
            "create table _dev.last_build as select timestamp '2026-12-06 09:55:00' as built_at, "
            "cast(null as date) as as_of_date, 'account_tiers+' as selection, '{}' as vars"
        )
    return published, dev


TIER_KEY = ("account_id || '|' || cast(as_of_date as varchar)",)


def test_diff_mart_counts_added_removed_and_changed_columns(tmp_path: Path) -> None:
    published, dev = _mart_files(tmp_path)
    with duckdb.connect() as con:
        con.execute(f"attach '{published}' as published (read_only)")
        con.execute(f"attach '{dev}' as dev (read_only)")
        tiers = diff_mart(con, "account_tiers", TIER_KEY)
        duplicated = diff_mart(con, "budget", ("k",))
        missing = diff_mart(con, "gone", ("k",))
    assert (tiers.rows_published, tiers.rows_dev) == (4, 4)
    assert (tiers.added, tiers.removed, tiers.changed) == (1, 1, 2)
    assert tiers.changed_columns == {"score": 1, "tier": 1, "tier_reason": 1}
    assert not tiers.unchanged
    # A key that is not unique in dev: whole rows compared, the extra copy is "added".
    assert duplicated.key is None and duplicated.changed is None
    assert (duplicated.added, duplicated.removed) == (1, 0)
    assert "not unique" in duplicated.note
    assert missing.rows_dev is None and missing.note == "not built in dev"


def test_report_lists_tier_moves_with_the_new_reason(tmp_path: Path) -> None:
    published, dev = _mart_files(tmp_path)
    keys = {"account_tiers": TIER_KEY, "budget": ("k",)}
    report = build_report(dev, published, keys, limit=0)
    tiers = report.tiers
    assert tiers is not None
    assert tiers.published_as_of == tiers.dev_as_of == "2026-11-16"
    assert tiers.counts_published == {"tier_1": 1, "tier_2": 1, "tier_3": 1, "not_target": 1}
    assert tiers.counts_dev == {"tier_1": 1, "tier_2": 1, "tier_3": 1, "not_target": 1}
    assert tiers.accounts_changing == 3
    by_account = {a["account_id"]: a for a in tiers.accounts}
    assert by_account["b"] == {
        "account_id": "b",
        "from": "tier_3",
        "to": "tier_2",
        "tier_reason": "now tier 2",
    }
    assert by_account["d"]["to"] is None and by_account["e"]["from"] is None
    assert report.published["run_id"] == "run-1234567890"
    assert report.dev_build["selection"] == "account_tiers+"
    text = render(report)
    assert "account_tiers" in text and "account_id+as_of_date" in text
    assert "tier_3 -> tier_2" in text and "now tier 2" in text
    assert "tier (1)" in text and "not built in dev" in text
    assert "run run-1234" in text and "account_tiers+, as of latest" in text


def test_identical_builds_say_so(tmp_path: Path) -> None:
    published, _ = _mart_files(tmp_path)
    report = build_report(published, published, {"account_tiers": TIER_KEY, "budget": ("k",)})
    assert all(m.unchanged for m in report.marts)
    assert report.tiers is not None and report.tiers.accounts_changing == 0
    assert "every published mart is identical in dev" in render(report)


def test_command_line_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    published, dev = _mart_files(tmp_path)
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"nodes": {}}))
    code = dev_diff.main(
        ["--dev", str(dev), "--serving", str(published), "--manifest", str(manifest), "--json"]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    marts = {m["mart"]: m for m in data["marts"]}
    # No key in this manifest: whole rows, so b and c count as removed and added.
    assert marts["account_tiers"]["key"] is None
    assert (marts["account_tiers"]["added"], marts["account_tiers"]["removed"]) == (3, 3)
    assert data["tiers"]["accounts_changing"] == 3
    assert dev_diff.main(["--dev", str(tmp_path / "none.duckdb"), "--serving", str(published)]) == 2
    assert "make dev" in capsys.readouterr().err


def test_notes_when_the_copy_and_the_publication_saw_different_data() -> None:
    published = {"published_at": "2026-12-06T09:46:00+00:00"}
    older_copy = {"copied_at": datetime(2026, 12, 6, 9, 0)}
    newer_copy = {"copied_at": datetime(2026, 12, 6, 10, 0)}
    assert freshness_notes(published, newer_copy, datetime(2026, 12, 6, 9, 40)) == []
    assert "older than the publication" in freshness_notes(published, older_copy, None)[0]
    late = freshness_notes(published, newer_copy, datetime(2026, 12, 6, 9, 50))
    assert len(late) == 1 and "after the publication" in late[0]


def test_unchanged_needs_the_table_in_dev() -> None:
    assert MartDiff("m", ["k"], 3, rows_dev=3).unchanged
    assert not MartDiff("m", ["k"], 3).unchanged
    assert not MartDiff("m", ["k"], 3, rows_dev=3, columns_only_dev=["x"]).unchanged


def test_an_as_of_date_dev_did_not_build_is_named(tmp_path: Path) -> None:
    published, dev = _mart_files(tmp_path)
    report = build_report(dev, published, {"account_tiers": TIER_KEY}, as_of=date(2026, 1, 5))
    assert report.tiers is not None and report.tiers.dev_as_of == "2026-11-16"
    assert "dev has no tiers as of 2026-01-05" in render(report)
