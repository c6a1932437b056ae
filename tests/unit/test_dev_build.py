"""`make dev`: the copy of production (only when nobody writes it) and the dbt command."""

from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from scripts import dev_build
from scripts.dev_build import (
    DevError,
    DevPaths,
    dbt_command,
    dbt_vars,
    flock_holders,
    parse_args,
    sync,
    write_locked_by,
)

HOLD_DUCKDB = (
    "import duckdb, sys\n"
    "con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == 'ro')\n"
    "print('holding', flush=True)\n"
    "sys.stdin.read()\n"
)
HOLD_FLOCK = (
    "import fcntl, sys\n"
    "handle = open(sys.argv[1], 'a+')\n"
    "fcntl.flock(handle, fcntl.LOCK_EX)\n"
    "print('holding', flush=True)\n"
    "sys.stdin.read()\n"
)


@contextmanager
def held(script: str, *args: str) -> Iterator[subprocess.Popen]:
    """Another process holding a lock until the block ends."""
    process = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "holding"
        yield process
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=60)


def _production(path: Path) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw")
        con.execute("create table raw.crm__account as select 'a1' as id")
        con.execute("create schema marts")
        con.execute("create table marts.account_tiers as select 'a1' as account_id")
    return path


def _paths(tmp_path: Path) -> DevPaths:
    return DevPaths(
        production=tmp_path / "warehouse.duckdb",
        dev=tmp_path / "dev" / "dev.duckdb",
        serving=tmp_path / "serving.duckdb",
        exports=tmp_path / "exports",
    )


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_dbt_command_builds_the_dev_target_only() -> None:
    command = dbt_command("dbt", "account_tiers+", {"b": 1, "a": 2}, "target/dev", ["--x"])
    assert command == [
        "dbt", "build", "--target", "dev", "--target-path", "target/dev",
        "--select", "account_tiers+", "--vars", '{"a": 2, "b": 1}', "--x",
    ]  # fmt: skip
    assert dbt_command("dbt", None, None, "t", []) == [
        "dbt", "build", "--target", "dev", "--target-path", "t",
    ]  # fmt: skip


def test_vars_and_arguments_are_checked() -> None:
    assert dbt_vars(None) is None and dbt_vars("") is None
    assert dbt_vars('{"tiers_capacity": {"tier_1": 40}}') == {"tiers_capacity": {"tier_1": 40}}
    with pytest.raises(DevError, match="not valid JSON"):
        dbt_vars("{tiers")
    with pytest.raises(DevError, match="JSON object"):
        dbt_vars("[1]")
    args = parse_args(
        ["--select", "icp_criteria+", "--as-of", "2026-11-23", "--", "--full-refresh"]
    )
    assert (args.select, args.as_of, args.dbt_args, args.sync) == (
        "icp_criteria+", "2026-11-23", ["--full-refresh"], None,
    )  # fmt: skip
    with pytest.raises(SystemExit):
        parse_args(["--as-of", "23/11/2026"])


def test_the_dev_file_is_never_a_production_file(tmp_path: Path) -> None:
    paths = _paths(tmp_path)
    paths.check_separate()
    for clash in (paths.production, paths.serving, paths.exports / "dev.duckdb"):
        with pytest.raises(DevError):
            DevPaths(paths.production, clash, paths.serving, paths.exports).check_separate()


def test_write_lock_of_another_process_is_seen_without_taking_a_lock(tmp_path: Path) -> None:
    production = _production(tmp_path / "warehouse.duckdb")
    assert write_locked_by(production) is None
    with held(HOLD_DUCKDB, str(production), "ro"):
        assert write_locked_by(production) is None  # readers do not stop a copy
    with held(HOLD_DUCKDB, str(production), "rw") as writer:
        assert write_locked_by(production) == writer.pid
        # Still the writer's: probing took nothing from it.
        assert write_locked_by(production) == writer.pid


def test_flock_holders_reads_proc_locks(tmp_path: Path) -> None:
    lock = tmp_path / "warehouse.duckdb.refresh.lock"
    lock.touch()
    stat = lock.stat()
    device = f"{os.major(stat.st_dev):02x}:{os.minor(stat.st_dev):02x}:{stat.st_ino}"
    text = (
        f"1: FLOCK  ADVISORY  WRITE 4242 {device} 0 EOF\n"
        f"1: -> FLOCK  ADVISORY  WRITE 4343 {device} 0 EOF\n"
        f"2: POSIX  ADVISORY  WRITE 4444 {device} 0 EOF\n"
        "3: FLOCK  ADVISORY  WRITE 4545 00:00:1 0 EOF\n"
    )
    assert flock_holders(lock, text) == [4242]
    assert flock_holders(tmp_path / "missing.lock", text) == []
    if Path("/proc/locks").exists():
        with held(HOLD_FLOCK, str(lock)) as refresh:
            assert flock_holders(lock) == [refresh.pid]
        assert flock_holders(lock) == []
    with lock.open() as handle:  # the probe left the lock free for `make run`
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)


def test_sync_copies_a_free_production_and_reuses_the_copy_while_it_is_written(
    tmp_path: Path,
) -> None:
    paths = _paths(tmp_path)
    production = _production(paths.production)
    checksum = _sha(production)
    with (
        held(HOLD_DUCKDB, str(production), "rw"),
        pytest.raises(DevError, match="no copy of production yet"),
    ):
        sync(paths)
    assert not paths.dev.exists()

    outcome = sync(paths)
    assert outcome.copied and "copied production" in outcome.message
    with duckdb.connect(str(paths.dev), read_only=True) as con:
        assert con.execute("select id from raw.crm__account").fetchall() == [("a1",)]
        assert con.execute("select source from _dev.copied_from").fetchone()[0] == str(production)
    assert _sha(production) == checksum

    with held(HOLD_DUCKDB, str(production), "rw") as writer:
        outcome = sync(paths)
    assert not outcome.copied
    assert f"process {writer.pid} is writing it" in outcome.message
    assert "reusing the dev copy (copied from" in outcome.message
    lock = production.with_name(production.name + ".refresh.lock")
    lock.touch()
    if Path("/proc/locks").exists():
        with held(HOLD_FLOCK, str(lock)):
            assert "a refresh (process" in sync(paths).message
    assert _sha(production) == checksum
    assert sorted(p.name for p in paths.dev.parent.iterdir()) == ["dev.duckdb"]


def test_a_production_file_that_changes_during_the_copy_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _paths(tmp_path)
    _production(paths.production)
    sync(paths)
    first = paths.dev.read_bytes()
    marks = iter([(1, 1), (2, 2)])
    monkeypatch.setattr(dev_build, "fingerprint", lambda _path: next(marks))
    outcome = sync(paths)
    assert not outcome.copied and "changed while it was copied" in outcome.message
    assert paths.dev.read_bytes() == first
    assert sorted(p.name for p in paths.dev.parent.iterdir()) == ["dev.duckdb"]


def test_a_production_without_raw_data_is_refused(tmp_path: Path) -> None:
    paths = _paths(tmp_path)
    duckdb.connect(str(paths.production)).close()
    with pytest.raises(DevError, match="no raw layer"):
        sync(paths)
    assert not paths.dev.exists()
    with pytest.raises(DevError, match="no production warehouse"):
        sync(_paths(tmp_path / "elsewhere"))
