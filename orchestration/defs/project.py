"""The dbt project as Dagster sees it, built once, and the warehouse's writer pool."""

from dagster_dbt import DbtProject

from orchestration.lib import settings
from orchestration.lib.liveness import writer_pool
from orchestration.lib.settings import PROJECT_DIR

# Every step that writes this warehouse shares one pool; dagster.yaml limits every pool
# to one slot. The pool is per warehouse file, so refreshes of two warehouses from one
# checkout (one DAGSTER_HOME) do not wait for each other.
WRITER_POOL = writer_pool(settings.warehouse_path())

dbt_project = DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR)
