"""The analyst's loop on a real build (README "Change a rule"): a rule changed in dev
shows in the diff against the publication, production and the publication stay
byte-identical, and a running refresh (a process holding DuckDB's write lock on the
production warehouse) neither stops dev work nor is disturbed by it.

One module fixture runs the loop the way `make dev` and `make diff` do, as commands
(`python -m scripts.dev_build`, `python -m orchestration.lib.dev_diff --json`), on
a copy of the session's production build; the tests read what happened.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import duckdb
import pytest

from scripts.dev_build import write_locked_by
from tests.conftest import PROJECT_DIR, BuiltWarehouse

# Smaller than what the sample fills, so the change must show (the README's example).
CAPACITY = {"tier_1": 5, "tier_2": 10, "tier_3": 50}
TIERS = ("tier_1", "tier_2", "tier_3")
TIER_RANK = {"tier_1": 1, "tier_2": 2, "tier_3": 3, "not_target": 4}
HOLD_WRITE_LOCK = (
    "import duckdb, sys\n"
    "con = duckdb.connect(sys.argv[1])\n"
    "print('holding', flush=True)\n"
    "sys.stdin.read()\n"
)


@dataclass
class DevLoop:
    checksums_before: dict[str, str]
    checksums_after: dict[str, str]
    raised: subprocess.CompletedProcess
    raised_diff: dict[str, Any]
    raised_tiers: dict[str, str]
    locked: subprocess.CompletedProcess
    locked_diff: dict[str, Any]
    locked_text: str
    refused: subprocess.CompletedProcess
    writer_kept_its_lock: bool


def _checksums(built: BuiltWarehouse) -> dict[str, str]:
    files = [built.warehouse_path, built.serving_path, *sorted(built.exports_dir.rglob("*"))]
    return {
        str(path): hashlib.sha256(path.read_bytes()).hexdigest() for path in files if path.is_file()
    }


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )


def _diff(env: dict[str, str], manifest: Path, *extra: str) -> subprocess.CompletedProcess:
    return _run(env, "orchestration.lib.dev_diff", "--manifest", str(manifest), *extra)


@contextmanager
def refresh_running(warehouse: Path) -> Iterator[subprocess.Popen]:
    """Another process writing the production warehouse, as the scheduled refresh does."""
    writer = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITE_LOCK, str(warehouse)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "holding"
        yield writer
    finally:
        assert writer.stdin is not None
        writer.stdin.close()
        writer.wait(timeout=120)


@pytest.fixture(scope="module")
def dev_loop(built_warehouse: BuiltWarehouse, tmp_path_factory: pytest.TempPathFactory) -> DevLoop:
    assert built_warehouse.run_success, built_warehouse.failed_checks
    root = tmp_path_factory.mktemp("dev_loop")
    # Production is a copy of the session's build: the writer below locks it, and other
    # test processes read the session's build at the same time.
    production = root / "production"
    production.mkdir()
    shutil.copy2(built_warehouse.warehouse_path, production / "warehouse.duckdb")
    shutil.copy2(built_warehouse.serving_path, production / "serving.duckdb")
    shutil.copytree(built_warehouse.exports_dir, production / "exports")
    built_warehouse = replace(
        built_warehouse,
        warehouse_path=production / "warehouse.duckdb",
        serving_path=production / "serving.duckdb",
        exports_dir=production / "exports",
    )
    target, manifest = root / "target", root / "target" / "manifest.json"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("ABM_DBT_VARS", "ABM_AS_OF", "ABM_DBT_TARGET")
    }
    env.update(
        ABM_WAREHOUSE_PATH=str(built_warehouse.warehouse_path),
        ABM_SERVING_PATH=str(built_warehouse.serving_path),
        ABM_EXPORTS_DIR=str(built_warehouse.exports_dir),
        ABM_DEV_WAREHOUSE_PATH=str(root / "dev.duckdb"),
    )
    # Capacity is applied in the tier steps; the mart account_tiers only publishes them.
    tier_steps = "int_tier_inputs_joined+"
    build = ("scripts.dev_build", "--target-path", str(target), "--select", tier_steps)
    before = _checksums(built_warehouse)

    # (a) A rule changed in dev: the first dev build copies production, then builds.
    raised = _run({**env, "ABM_DBT_VARS": json.dumps({"tiers_capacity": CAPACITY})}, *build)
    raised_diff = _diff(env, manifest, "--json", "--limit", "0")
    raised_tiers = _latest_tiers(root / "dev.duckdb")

    # (c) While a refresh writes production: the copy is reused, the build and diff work.
    with refresh_running(built_warehouse.warehouse_path) as writer:
        locked = _run(env, *build, "--sync")
        locked_diff = _diff(env, manifest, "--json", "--limit", "0")
        locked_text = _diff(env, manifest)
        refused = _run(
            {**env, "ABM_DEV_WAREHOUSE_PATH": str(root / "fresh.duckdb")},
            "scripts.dev_build",
            "--target-path",
            str(target),
        )
        writer_kept_its_lock = write_locked_by(built_warehouse.warehouse_path) == writer.pid
    return DevLoop(
        checksums_before=before,
        checksums_after=_checksums(built_warehouse),
        raised=raised,
        raised_diff=json.loads(raised_diff.stdout) if raised_diff.returncode == 0 else {},
        raised_tiers=raised_tiers,
        locked=locked,
        locked_diff=json.loads(locked_diff.stdout) if locked_diff.returncode == 0 else {},
        locked_text=locked_text.stdout,
        refused=refused,
        writer_kept_its_lock=writer_kept_its_lock,
    )


def _latest_tiers(path: Path) -> dict[str, str]:
    """account_id -> tier on the latest as-of date of a warehouse or serving file."""
    with duckdb.connect(str(path), read_only=True) as con:
        return dict(
            con.execute(
                "select account_id, tier from marts.account_tiers "
                "where as_of_date = (select max(as_of_date) from marts.account_tiers)"
            ).fetchall()
        )


def test_a_capacity_changed_in_dev_shows_in_the_diff(
    dev_loop: DevLoop, built_warehouse: BuiltWarehouse
) -> None:
    assert dev_loop.raised.returncode == 0, dev_loop.raised.stdout[-3000:]
    assert "dev: copied production" in dev_loop.raised.stdout
    tiers = dev_loop.raised_diff["tiers"]
    published = _latest_tiers(built_warehouse.serving_path)
    published_counts = {t: list(published.values()).count(t) for t in set(published.values())}
    assert tiers["counts_published"] == published_counts
    assert published_counts.get("tier_3", 0) > CAPACITY["tier_3"]  # precondition
    for tier in ("tier_1", "tier_3"):
        assert tiers["counts_dev"].get(tier, 0) <= CAPACITY[tier]
    assert sum(tiers["counts_dev"].get(t, 0) for t in TIERS) < sum(
        published_counts.get(t, 0) for t in TIERS
    )

    # The accounts listed are exactly those whose tier differs, read from both files.
    assert tiers["dev_as_of"] == tiers["published_as_of"]
    dev = dev_loop.raised_tiers
    moved = {a: (published.get(a), dev.get(a)) for a in published.keys() | dev.keys()}
    moved = {a: pair for a, pair in moved.items() if pair[0] != pair[1]}
    listed = {a["account_id"]: (a["from"], a["to"]) for a in tiers["accounts"]}
    assert listed == moved and tiers["accounts_changing"] == len(moved) > 0
    assert sum(m["accounts"] for m in tiers["moves"]) == len(moved)
    # Smaller capacities only push accounts down, each saying so in its new reason.
    for account in tiers["accounts"]:
        assert TIER_RANK[account["to"]] > TIER_RANK[account["from"]]
        assert account["tier_reason"].startswith("Capacity: ")

    marts = {m["mart"]: m for m in dev_loop.raised_diff["marts"]}
    assert marts["account_tiers"]["changed_columns"]["tier"] == len(moved)
    assert marts["account_tiers"]["added"] == marts["account_tiers"]["removed"] == 0
    # What the change does not reach is reproduced exactly from the copy of production.
    for mart in ("account_fit_scores", "account_intent_scores", "account_engagement_scores"):
        assert marts[mart]["unchanged"], marts[mart]


def test_dev_work_leaves_production_and_the_publication_untouched(dev_loop: DevLoop) -> None:
    assert len(dev_loop.checksums_before) > 3  # warehouse, serving file, exports
    assert dev_loop.checksums_after == dev_loop.checksums_before


def test_with_a_refresh_running_dev_builds_and_the_diff_reports(dev_loop: DevLoop) -> None:
    locked = dev_loop.locked
    assert locked.returncode == 0, locked.stdout[-3000:] + locked.stderr[-2000:]
    assert "is writing it): reusing the dev copy (copied from" in locked.stdout
    assert "dev: built" in locked.stdout
    # Back to the production rules in dev: the diff finds nothing to ship.
    diff = dev_loop.locked_diff
    assert diff["tiers"]["accounts_changing"] == 0
    assert all(m["unchanged"] for m in diff["marts"]), [
        m["mart"] for m in diff["marts"] if not m["unchanged"]
    ]
    assert "every published mart is identical in dev" in dev_loop.locked_text
    # A dev file without a copy cannot be started while production is written.
    assert dev_loop.refused.returncode == 3
    assert "no copy of production yet" in dev_loop.refused.stderr
    # The refresh kept its lock the whole time: dev never took one on production.
    assert dev_loop.writer_kept_its_lock
