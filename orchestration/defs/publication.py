"""The last step of the daily refresh: publish the checked marts for BI."""

import dagster as dg

from orchestration.defs.dbt_assets import abm_dbt_models
from orchestration.defs.project import WRITER_POOL, dbt_project
from orchestration.defs.resources import AbmSettings
from orchestration.lib.publish import bi_marts, publish


@dg.asset(
    key=dg.AssetKey(["serving", "publication"]),
    group_name="serving",
    deps=[abm_dbt_models],
    pool=WRITER_POOL,
    kinds={"duckdb", "parquet"},
    description="The BI-facing marts (dbt tag `bi`) copied to the serving DuckDB file and "
    "Parquet exports, only after every upstream step and blocking check succeeded.",
)
def serving_publication(
    context: dg.AssetExecutionContext, abm_settings: AbmSettings
) -> dg.MaterializeResult:
    marts = bi_marts(dbt_project.manifest_path)
    publication = publish(
        abm_settings.warehouse(),
        marts,
        abm_settings.serving(),
        abm_settings.exports(),
        run_id=context.run.run_id,
    )
    context.log.info(f"published {len(marts)} marts to {publication.serving_path}")
    return dg.MaterializeResult(
        metadata={
            "serving_path": str(publication.serving_path),
            "exports_dir": str(publication.exports_dir),
            "published_at": publication.published_at,
            **{f"rows_{mart}": rows for mart, rows in publication.row_counts.items()},
        }
    )
