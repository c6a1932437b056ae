"""Every dbt unit test passes, run once per CI run.

The scheduled refresh leaves unit tests out (they pin a model's logic on fixture rows,
not the day's data; `orchestration/lib/dbt_cli.py`), so this is where they run: on a copy
of the session's warehouse, whose built relations give dbt the input columns it needs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from tests.conftest import PROJECT_DIR, BuiltWarehouse, dbt_bin
from tests.saved_parse import reuse_session_parse


def test_every_dbt_unit_test_passes(built_warehouse: BuiltWarehouse, tmp_path: Path) -> None:
    manifest = json.loads((PROJECT_DIR / "target" / "manifest.json").read_text())
    expected = set(manifest["unit_tests"])
    assert len(expected) >= 100, "the models' unit tests are missing from the manifest"

    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy2(built_warehouse.warehouse_path, warehouse)
    target = tmp_path / "target"
    env = {
        **os.environ,
        "ABM_WAREHOUSE_PATH": str(warehouse),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
    }
    env.pop("ABM_DBT_VARS", None)
    reuse_session_parse(target, env)
    completed = subprocess.run(
        [dbt_bin(), "test", "--select", "test_type:unit", "--target-path", str(target)],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    results = [
        r
        for r in json.loads((target / "run_results.json").read_text())["results"]
        # on-run-start hooks (the Spark raw tables; nothing on DuckDB) are not unit tests
        if not r["unique_id"].startswith("operation.")
    ]
    failed = {
        r["unique_id"]: (r.get("message") or "")[:500]
        for r in results
        if r["status"] != "pass"
    }
    assert completed.returncode == 0 and not failed, (failed, completed.stdout[-3000:])
    assert {r["unique_id"] for r in results} == expected
