"""The tests' dbt starts from the session's saved parse (tests/saved_parse.py) only where
that is what dbt itself would do: the profile differs in the warehouse file's path alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT_DIR
from tests.saved_parse import SAVED_PARSE, reuse_session_parse

DBT = str(Path(sys.executable).parent / "dbt")


def _parse(tmp_path: Path, env: dict[str, str]) -> str:
    subprocess.run(
        [DBT, "parse", "--quiet"], cwd=PROJECT_DIR, env={**os.environ, **env}, check=True
    )
    return (tmp_path / "logs" / "dbt.log").read_text()


def test_another_warehouse_file_partial_parses_and_keeps_its_database(tmp_path: Path) -> None:
    env = {
        "ABM_WAREHOUSE_PATH": str(tmp_path / "deploy" / "warehouse.duckdb"),
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
    }
    reuse_session_parse(tmp_path / "target", env)

    log = _parse(tmp_path, env)

    assert "Unable to do partial parsing" not in log
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    model = manifest["nodes"]["model.abm_warehouse.dim_accounts"]
    assert model["database"] == "warehouse"


def test_a_warehouse_with_another_name_is_left_to_a_full_parse(tmp_path: Path) -> None:
    # dbt-duckdb names the database after the file: every node would carry another name.
    env = {"ABM_WAREHOUSE_PATH": str(tmp_path / "other.duckdb")}

    reuse_session_parse(tmp_path / "target", env)

    assert not (tmp_path / "target" / SAVED_PARSE).exists()


def test_another_target_is_left_to_a_full_parse(tmp_path: Path) -> None:
    reuse_session_parse(tmp_path / "target", {"ABM_DBT_TARGET": "lint"})

    assert not (tmp_path / "target" / SAVED_PARSE).exists()
