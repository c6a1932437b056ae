"""Deployments of the session's build for the guarded-refresh scenarios: each scenario
copies the build file, serving file, exports and landing folder into its own folder and
runs the real Dagster job on it (tests/integration/test_refresh_*.py)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from tests.conftest import PROJECT_DIR, BuiltWarehouse
from tests.saved_parse import reuse_session_parse


@dataclass(frozen=True)
class Deployment:
    root: Path
    landing: Path
    warehouse: Path
    serving: Path
    exports: Path

    def env(self) -> dict[str, str]:
        return {
            "ABM_LANDING_DIR": str(self.landing),
            "ABM_WAREHOUSE_PATH": str(self.warehouse),
            "ABM_SERVING_PATH": str(self.serving),
            "ABM_EXPORTS_DIR": str(self.exports),
            "DBT_TARGET_PATH": str(self.root / "target"),
        }


def deploy_copy(built: BuiltWarehouse, root: Path, *, with_warehouse: bool = True) -> Deployment:
    root.mkdir(parents=True)
    deployment = Deployment(
        root, root / "landing", root / "warehouse.duckdb", root / "serving.duckdb", root / "exports"
    )
    shutil.copytree(built.landing_dir, deployment.landing)
    shutil.copy2(built.serving_path, deployment.serving)
    shutil.copytree(built.exports_dir, deployment.exports)
    if with_warehouse:
        shutil.copy2(built.warehouse_path, deployment.warehouse)
        wal = Path(f"{built.warehouse_path}.wal")
        if wal.exists():
            shutil.copy2(wal, f"{deployment.warehouse}.wal")
    reuse_session_parse(root / "target", deployment.env())
    return deployment


def run_refresh(
    deployment: Deployment, extra_env: dict[str, str] | None = None
) -> tuple[dg.ExecuteInProcessResult, dg.DagsterInstance]:
    from orchestration.definitions import defs
    from orchestration.defs.jobs import DAILY_REFRESH

    job = defs.resolve_job_def(DAILY_REFRESH)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {**deployment.env(), **(extra_env or {})}.items():
            patch.setenv(name, value)
        instance = dg.DagsterInstance.ephemeral()
        result = job.execute_in_process(instance=instance, raise_on_error=False)
    return result, instance


def failed_checks(result: dg.ExecuteInProcessResult) -> set[str]:
    return {
        e.check_name
        for e in result.get_asset_check_evaluations()
        if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR
    }


def materialized(result: dg.ExecuteInProcessResult) -> set[str]:
    return {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def publication_run_id(serving: Path) -> str:
    with duckdb.connect(str(serving), read_only=True) as con:
        return con.execute("select run_id from marts._publication").fetchone()[0]


def differing_tables(
    left: Path,
    right: Path,
    schema: str,
    tables: list[str],
    where: str = "",
    exclude: tuple[str, ...] = (),
) -> dict[str, dict[str, int]]:
    """Tables whose rows differ (as multisets) between two DuckDB files: name -> counts.
    `exclude`: columns left out of the comparison (e.g. load times)."""
    differences = {}
    columns = f"* exclude ({', '.join(exclude)})" if exclude else "*"
    with duckdb.connect() as con:
        con.execute(f"attach '{left}' as l (read_only)")
        con.execute(f"attach '{right}' as r (read_only)")
        for table in tables:
            l_rel, r_rel = f'l.{schema}."{table}"', f'r.{schema}."{table}"'
            cond = where.format(table=table) if where else ""
            only_left = con.execute(
                f"select count(*) from (select {columns} from {l_rel} {cond} "
                f"except all select {columns} from {r_rel} {cond})"
            ).fetchone()[0]
            only_right = con.execute(
                f"select count(*) from (select {columns} from {r_rel} {cond} "
                f"except all select {columns} from {l_rel} {cond})"
            ).fetchone()[0]
            total = con.execute(f"select count(*) from {l_rel} {cond}").fetchone()[0]
            if only_left or only_right:
                differences[table] = {"left": only_left, "right": only_right, "rows": total}
    return differences


def published_marts(serving: Path) -> list[str]:
    with duckdb.connect(str(serving), read_only=True) as con:
        return [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' and not starts_with(table_name, '_') order by 1"
            ).fetchall()
        ]


def compile_on_copy(
    warehouse: Path, tmp: Path, select: list[str], extra_env: dict[str, str] | None = None
) -> tuple[Path, Path]:
    """`dbt compile --select ...` against a copy of `warehouse` (models render as they
    would in its next run): the copy and the folder of the compiled SQL."""
    copy = tmp / "warehouse.duckdb"
    shutil.copy2(warehouse, copy)
    env = {
        **os.environ,
        "ABM_WAREHOUSE_PATH": str(copy),
        "DBT_TARGET_PATH": str(tmp / "target"),
        "DBT_LOG_PATH": str(tmp / "logs"),
        **(extra_env or {}),
    }
    reuse_session_parse(tmp / "target", env)
    subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "compile", "--quiet", "--select", *select],
        cwd=PROJECT_DIR,
        env=env,
        check=True,
    )
    return copy, tmp / "target" / "compiled"
