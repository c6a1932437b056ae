"""dbt's saved parse, reused across the tests' warehouses.

dbt re-parses the whole project (~18 CPU-s) instead of only what changed (~7) when the
profile it runs with differs from the one its saved parse (`partial_parse.msgpack`)
was made with, and the DuckDB profile includes the warehouse file's path: every test
warehouse meant a full parse, ~40 of them per `make test`. A production deployment has
one path, so its daily runs already reuse their parse.

`reuse_session_parse(target, env)` puts the session's saved parse (pytest_sessionstart
parses once, for a warehouse named `warehouse.duckdb`) into a test's dbt target folder,
re-keyed to the profile that `env` selects, but only when the two profiles differ in
the file path alone (the same target, schema, settings, and the same database name, which
dbt writes into every node). Anything else keeps dbt's full parse. dbt still checks the
files, vars and env vars as usual and re-parses what changed.
"""

from __future__ import annotations

import argparse
import functools
import os
import pprint
from collections.abc import Mapping
from pathlib import Path

import msgpack

PROJECT_DIR = Path(__file__).resolve().parent.parent
SESSION_TARGET = PROJECT_DIR / "target"
SAVED_PARSE = "partial_parse.msgpack"
# The warehouse path the session's parse is made for: only its name reaches the parse
# (dbt-duckdb names the database after the file), and no file is created.
SESSION_WAREHOUSE = "/nonexistent/session/warehouse.duckdb"


def reuse_session_parse(target: Path, env: Mapping[str, str] | None = None) -> Path:
    """Copy the session's saved parse into `target`, re-keyed for the profile `env` (on
    top of os.environ) selects, when that profile differs from the session's in the
    file path only. Returns `target`."""
    source = SESSION_TARGET / SAVED_PARSE
    if not source.exists():
        return target
    full_env = {**os.environ, **(env or {})}
    session = _profile(_profile_env({**full_env, "ABM_WAREHOUSE_PATH": SESSION_WAREHOUSE}))
    wanted = _profile(_profile_env(full_env))
    if _without_path(session) != _without_path(wanted):
        return target
    with source.open("rb") as handle:
        saved = msgpack.unpack(handle, raw=False, strict_map_key=False)
    if saved["state_check"]["profile_hash"]["checksum"] != _hash(session):
        return target  # made for another profile: leave dbt to parse
    saved["state_check"]["profile_hash"]["checksum"] = _hash(wanted)
    target.mkdir(parents=True, exist_ok=True)
    with (target / SAVED_PARSE).open("wb") as handle:
        msgpack.pack(saved, handle)
    return target


def _profile_env(env: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The environment as a hashable key (the profile reads ABM_* and DBT_* only)."""
    return tuple(sorted((k, v) for k, v in env.items() if k.startswith(("ABM_", "DBT_"))))


@functools.cache
def _profile(env: tuple[tuple[str, str], ...]) -> tuple[tuple[str, object], ...]:
    """dbt's own view of the profile's connection (what it hashes), rendered by dbt."""
    from dbt.config.runtime import load_profile
    from dbt.flags import set_from_args
    from dbt_common.context import set_invocation_context

    values = dict(env)
    profiles_dir = values.get("DBT_PROFILES_DIR", str(PROJECT_DIR))
    set_from_args(argparse.Namespace(profiles_dir=profiles_dir), None)
    set_invocation_context(values)
    profile = load_profile(str(PROJECT_DIR), {}, None, None, None)
    return (
        ("target", profile.target_name),
        *sorted(profile.credentials.connection_info()),
    )


def _without_path(profile: tuple[tuple[str, object], ...]) -> tuple[tuple[str, object], ...]:
    return tuple(item for item in profile if item[0] != "path")


def _hash(profile: tuple[tuple[str, object], ...]) -> str:
    """dbt's profile hash (dbt.parser.manifest.ManifestLoader.build_manifest_state_check)."""
    from dbt.contracts.files import FileHash

    connection = [item for item in profile if item[0] != "target"]
    return FileHash.from_contents(pprint.pformat(connection)).checksum
