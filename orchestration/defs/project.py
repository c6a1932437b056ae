"""The dbt project as Dagster sees it, built once."""

import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject

from orchestration.settings import PROJECT_DIR

# Every DuckDB-writing step shares this pool; dagster.yaml limits it to one slot.
WRITER_POOL = "duckdb_writer"

dbt_project = DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR)


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(
        resources={
            "dbt": DbtCliResource(
                project_dir=dbt_project,
                profiles_dir=str(PROJECT_DIR),
                # The dbt beside this interpreter, whether or not the venv is on PATH.
                dbt_executable=str(Path(sys.executable).parent / "dbt"),
            )
        }
    )
