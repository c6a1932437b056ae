"""The dbt project as Dagster sees it, built once."""

from __future__ import annotations

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject

from orchestration.settings import PROJECT_DIR

# Every DuckDB-writing step shares this pool; dagster.yaml limits it to one slot.
WRITER_POOL = "duckdb_writer"

dbt_project = DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR)


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(
        resources={"dbt": DbtCliResource(project_dir=dbt_project, profiles_dir=PROJECT_DIR)}
    )
