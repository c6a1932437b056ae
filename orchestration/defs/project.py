"""The dbt project as Dagster sees it, built once."""

import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject

from orchestration import settings
from orchestration.liveness import writer_pool
from orchestration.settings import PROJECT_DIR

# Every step that writes this warehouse shares one pool; dagster.yaml limits every pool
# to one slot. The pool is per warehouse file, so refreshes of two warehouses from one
# checkout (one DAGSTER_HOME) do not wait for each other.
WRITER_POOL = writer_pool(settings.warehouse_path())

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
