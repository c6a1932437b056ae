"""`make dev`: an analyst's own warehouse, built from a copy of production's.

    python -m scripts.dev_build                          # copy production, build everything
    python -m scripts.dev_build --select int_tiers_allocated+  # one model and what depends on it
    python -m scripts.dev_build --as-of 2026-11-23       # score another day, in dev only

The dev warehouse (`ABM_DEV_WAREHOUSE_PATH`, default `data/dev.duckdb`) starts as a
byte-for-byte copy of the production warehouse (`ABM_WAREHOUSE_PATH`): its raw layer,
and also the history that incremental models and the tier snapshot carry (tier
stability reads the previous run), so a dev build with no change reproduces the
published marts and a diff shows only what the analyst changed. Then `dbt build
--target dev` rebuilds it with the checkout's seeds, models and vars.

Why a file copy: DuckDB has one writer, and while the scheduled refresh writes the
production file nobody can open it, not even read-only; and a reader that opens it
just as a refresh starts makes that refresh fail. So this never opens production with
DuckDB. It copies the file only when no process holds DuckDB's write lock on it and
no `make run` holds its refresh lock, checks that the file did not change during the
copy, and swaps the copy in whole. While production is being written it reuses the
previous copy and says so. Nothing here writes the production warehouse, the serving
file or the exports: dev builds are never published.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Written into the dev file only: where its copy came from and what was built on it.
META_SCHEMA = "_dev"
DEFAULT_TARGET_PATH = "target/dev"


class DevError(RuntimeError):
    """Something the analyst must do first; the message says what."""


def _path_from_env(name: str, default: str) -> Path:
    path = Path(os.environ.get(name) or default)
    return (path if path.is_absolute() else PROJECT_DIR / path).resolve()


@dataclass(frozen=True)
class DevPaths:
    production: Path
    dev: Path
    serving: Path
    exports: Path

    @classmethod
    def from_env(cls) -> DevPaths:
        return cls(
            production=_path_from_env("ABM_WAREHOUSE_PATH", "data/warehouse.duckdb"),
            dev=_path_from_env("ABM_DEV_WAREHOUSE_PATH", "data/dev.duckdb"),
            serving=_path_from_env("ABM_SERVING_PATH", "data/serving.duckdb"),
            exports=_path_from_env("ABM_EXPORTS_DIR", "data/exports"),
        )

    def check_separate(self) -> None:
        """The dev file may be none of the files production writes or BI reads."""
        for name, path in (
            ("ABM_WAREHOUSE_PATH", self.production),
            ("ABM_SERVING_PATH", self.serving),
        ):
            if self.dev == path:
                raise DevError(f"ABM_DEV_WAREHOUSE_PATH is {name} ({path}): choose another file")
        if self.dev.is_relative_to(self.exports):
            raise DevError(f"ABM_DEV_WAREHOUSE_PATH is inside ABM_EXPORTS_DIR ({self.exports})")


# --- is production being written? ---------------------------------------------------

# struct flock as the kernel lays it out: (l_type, l_whence, l_start, l_len, l_pid).
_FLOCK_LAYOUT = "qqihh" if sys.platform == "darwin" else "hhqqi4x"


def _pack_flock(l_type: int) -> bytes:
    if sys.platform == "darwin":
        return struct.pack(_FLOCK_LAYOUT, 0, 0, 0, l_type, os.SEEK_SET)
    return struct.pack(_FLOCK_LAYOUT, l_type, os.SEEK_SET, 0, 0, 0)


def write_locked_by(path: Path) -> int | None:
    """The pid holding DuckDB's write lock on `path`, None if nobody writes it.

    Asks the kernel (F_GETLK) which lock would block a reader; takes no lock itself,
    so a refresh that opens the file at this moment is never disturbed.
    """
    fd = os.open(path, os.O_RDONLY)
    try:
        answer = fcntl.fcntl(fd, fcntl.F_GETLK, _pack_flock(fcntl.F_RDLCK))
    finally:
        os.close(fd)
    fields = struct.unpack(_FLOCK_LAYOUT, answer)
    l_type, pid = (fields[3], fields[2]) if sys.platform == "darwin" else (fields[0], fields[4])
    return None if l_type == fcntl.F_UNLCK else pid


def flock_holders(path: Path, proc_locks: str | None = None) -> list[int]:
    """Pids holding a flock() on `path`, read from /proc/locks (empty where there is none).

    `make run` holds `<warehouse>.refresh.lock` for the whole refresh, also between
    steps when the DuckDB file itself is closed.
    """
    if proc_locks is None:
        try:
            proc_locks = Path("/proc/locks").read_text()
        except OSError:
            return []
    try:
        stat = path.stat()
    except FileNotFoundError:
        return []
    device = f"{os.major(stat.st_dev):02x}:{os.minor(stat.st_dev):02x}:{stat.st_ino}"
    holders = []
    for line in proc_locks.splitlines():
        fields = line.split()
        if "->" in fields:  # a waiter, not a holder
            continue
        if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5] == device:
            holders.append(int(fields[4]))
    return holders


def production_busy(production: Path) -> str | None:
    """Why production cannot be copied now (a refresh is writing it), or None."""
    writer = write_locked_by(production)
    if writer is not None:
        return f"process {writer} is writing it"
    refresh = flock_holders(production.with_name(production.name + ".refresh.lock"))
    if refresh:
        return f"a refresh (process {refresh[0]}) is running"
    return None


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def fingerprint(path: Path) -> tuple[tuple[int, int] | None, ...]:
    """Size and modification time of the file and its write-ahead log."""
    marks = []
    for each in (path, _wal(path)):
        try:
            stat = each.stat()
            marks.append((stat.st_size, stat.st_mtime_ns))
        except FileNotFoundError:
            marks.append(None)
    return tuple(marks)


# --- the copy ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SyncOutcome:
    copied: bool
    message: str


def _copy_info(dev: Path) -> str | None:
    """When the dev file's copy of production was made, None when it has none."""
    if not dev.exists():
        return None
    try:
        with duckdb.connect(str(dev), read_only=True) as con:
            row = con.execute(f"select source, copied_at from {META_SCHEMA}.copied_from").fetchone()
    except duckdb.Error:
        return None
    return f"copied from {row[0]} at {row[1]:%Y-%m-%d %H:%M:%S} UTC" if row else None


def _reuse(paths: DevPaths, why: str) -> SyncOutcome:
    copy = _copy_info(paths.dev)
    if copy is None:
        raise DevError(
            f"{why}, and {paths.dev} holds no copy of production yet: run `make dev` again "
            "when the refresh has finished"
        )
    return SyncOutcome(False, f"{why}: reusing the dev copy ({copy})")


def sync(paths: DevPaths) -> SyncOutcome:
    """Replace the dev file by a fresh copy of production, or keep the last copy."""
    production = paths.production
    if not production.exists():
        return _reuse(paths, f"no production warehouse at {production} (run `make run`)")
    busy = production_busy(production)
    if busy:
        return _reuse(paths, f"production {production} is in use ({busy})")
    paths.dev.parent.mkdir(parents=True, exist_ok=True)
    staged = paths.dev.with_name(f".{paths.dev.name}.copy-{uuid.uuid4().hex[:8]}")
    try:
        before = fingerprint(production)
        shutil.copyfile(production, staged)
        if _wal(production).exists():
            shutil.copyfile(_wal(production), _wal(staged))
        busy = production_busy(production)
        if busy or fingerprint(production) != before:
            return _reuse(paths, f"production {production} changed while it was copied")
        modified_at = datetime.fromtimestamp(production.stat().st_mtime, UTC)
        with duckdb.connect(str(staged)) as con:
            raw_tables = con.execute(
                "select count(*) from duckdb_tables() where schema_name = 'raw'"
            ).fetchone()[0]
            if not raw_tables:
                raise DevError(f"{production} has no raw layer yet: run `make run` first")
            con.execute(f"create schema if not exists {META_SCHEMA}")
            con.execute(
                f"create or replace table {META_SCHEMA}.copied_from as select "
                "? as source, ? as copied_at, ? as source_modified_at",
                [
                    str(production),
                    datetime.now(UTC).replace(tzinfo=None),
                    modified_at.replace(tzinfo=None),
                ],
            )
        # A write-ahead log left by a crashed dev build must not replay onto the copy.
        _wal(paths.dev).unlink(missing_ok=True)
        os.replace(staged, paths.dev)
    finally:
        staged.unlink(missing_ok=True)
        _wal(staged).unlink(missing_ok=True)
    return SyncOutcome(True, f"copied production {production} to {paths.dev}")


# --- the build ----------------------------------------------------------------------------

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def dbt_vars(vars_json: str | None) -> dict | None:
    """ABM_DBT_VARS, as production reads it: a JSON object of var overrides."""
    if not vars_json:
        return None
    try:
        overrides = json.loads(vars_json)
    except json.JSONDecodeError as exc:
        raise DevError(f"ABM_DBT_VARS is not valid JSON: {exc}") from exc
    if not isinstance(overrides, dict):
        raise DevError("ABM_DBT_VARS must be a JSON object of dbt var names to values")
    return overrides


def dbt_command(
    dbt: str,
    select: str | None,
    overrides: dict | None,
    target_path: str,
    extra: list[str],
) -> list[str]:
    """`dbt build` on the dev target, into its own target path (production's stays put)."""
    command = [dbt, "build", "--target", "dev", "--target-path", target_path]
    if select:
        command += ["--select", select]
    if overrides:
        command += ["--vars", json.dumps(overrides, sort_keys=True)]
    return command + extra


def record_build(dev: Path, as_of: str | None, select: str | None, overrides: dict | None) -> None:
    """What the last dev build scored, so `make diff` compares the right date."""
    with duckdb.connect(str(dev)) as con:
        con.execute(f"create schema if not exists {META_SCHEMA}")
        con.execute(
            f"create or replace table {META_SCHEMA}.last_build as select ? as built_at, "
            "cast(? as date) as as_of_date, ? as selection, ? as vars",
            [
                datetime.now(UTC).replace(tzinfo=None),
                as_of,
                select or "everything",
                json.dumps(overrides or {}, sort_keys=True),
            ],
        )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="make dev", description="Build the analyst's dev warehouse (never published)."
    )
    parser.add_argument("--select", "-s", help="dbt selection, e.g. int_tiers_allocated+")
    parser.add_argument("--as-of", help="scoring date YYYY-MM-DD (default: latest event)")
    sync_group = parser.add_mutually_exclusive_group()
    sync_group.add_argument(
        "--sync",
        dest="sync",
        action="store_true",
        default=None,
        help="copy production first (default for a full build, or when dev is missing)",
    )
    sync_group.add_argument(
        "--no-sync", dest="sync", action="store_false", help="build on the current dev copy"
    )
    parser.add_argument("--target-path", default=DEFAULT_TARGET_PATH)
    parser.add_argument("dbt_args", nargs="*", help="passed to dbt build (after --)")
    args = parser.parse_args(argv)
    if args.as_of and not _DATE.match(args.as_of):
        parser.error(f"--as-of {args.as_of!r}: expected YYYY-MM-DD")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    paths = DevPaths.from_env()
    try:
        paths.check_separate()
        overrides = dbt_vars(os.environ.get("ABM_DBT_VARS"))
        has_copy = _copy_info(paths.dev) is not None
        do_sync = args.sync if args.sync is not None else (not args.select or not has_copy)
        if do_sync:
            print(f"dev: {sync(paths).message}", flush=True)
        elif not has_copy:
            raise DevError(f"{paths.dev} holds no copy of production: run `make dev` first")
        else:
            print(f"dev: building on the current dev copy {paths.dev}", flush=True)
    except DevError as exc:
        print(f"dev: refused: {exc}", file=sys.stderr)
        return 3
    env = {
        **os.environ,
        "ABM_DEV_WAREHOUSE_PATH": str(paths.dev),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
        "DBT_PROFILES_DIR": os.environ.get("DBT_PROFILES_DIR", str(PROJECT_DIR)),
    }
    if args.as_of:
        env["ABM_AS_OF"] = args.as_of
    dbt = str(Path(sys.executable).parent / "dbt")
    command = dbt_command(dbt, args.select, overrides, args.target_path, args.dbt_args)
    print("dev: " + " ".join(command[1:]), flush=True)
    code = subprocess.run(command, cwd=PROJECT_DIR, env=env, check=False).returncode
    if code == 0:
        record_build(paths.dev, env.get("ABM_AS_OF") or None, args.select, overrides)
        print(f"dev: built {paths.dev} (not published); compare with the publication: make diff")
    else:
        print(f"dev: dbt build failed (exit {code}); {paths.dev} holds what was built")
    return code


if __name__ == "__main__":
    sys.exit(main())
