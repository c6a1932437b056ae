"""The last steps of the daily refresh: publish the checked marts for BI."""

from collections.abc import Iterator

import dagster as dg

from orchestration.defs.dbt_assets import abm_dbt_models
from orchestration.defs.project import WRITER_POOL, dbt_project
from orchestration.defs.resources import AbmSettings
from orchestration.lib.check_results import run_check_results
from orchestration.lib.publish import bi_marts, publish
from orchestration.lib.publish_postgres import publish_postgres
from orchestration.lib.spark_lake import on_spark


def published_from() -> list[dg.AssetKey]:
    """The dbt assets the publication waits for (and whose blocking checks gate it): all,
    but on the Spark target not the snapshots, which a Spark build leaves out (no Delta)
    and whose missing output would otherwise skip the publication."""
    keys = sorted(abm_dbt_models.keys, key=lambda key: key.to_user_string())
    if not on_spark():
        return keys
    groups = abm_dbt_models.group_names_by_key
    return [key for key in keys if groups.get(key) != "snapshots"]


@dg.asset(
    key=dg.AssetKey(["serving", "publication"]),
    group_name="serving",
    deps=published_from(),
    pool=WRITER_POOL,
    kinds={"duckdb", "parquet"},
    description="The BI-facing marts (dbt tag `bi`) copied to the serving DuckDB file and "
    "Parquet exports, only after every upstream step and blocking check succeeded.",
)
def serving_publication(
    context: dg.AssetExecutionContext, abm_settings: AbmSettings
) -> dg.MaterializeResult:
    marts = bi_marts(dbt_project.manifest_path)
    # Checks of this run that warned (or failed without blocking), for the Data health page.
    checks = run_check_results(context.instance, context.run.run_id)
    publication = publish(
        abm_settings.warehouse(),
        marts,
        abm_settings.serving(),
        abm_settings.exports(),
        run_id=context.run.run_id,
        check_results=checks,
    )
    context.log.info(
        f"published {len(marts)} marts to {publication.serving_path} "
        f"with {len(checks)} check warning(s)"
    )
    return dg.MaterializeResult(
        metadata={
            "serving_path": str(publication.serving_path),
            "exports_dir": str(publication.exports_dir),
            "published_at": publication.published_at,
            "check_warnings": len(checks),
            **{f"rows_{mart}": rows for mart, rows in publication.row_counts.items()},
        }
    )


@dg.asset(
    key=dg.AssetKey(["serving", "postgres"]),
    group_name="serving",
    deps=[serving_publication],
    pool=WRITER_POOL,
    kinds={"postgres"},
    output_required=False,
    description="The same BI marts, with their comments, published to the Postgres schema "
    "`marts` (swapped in one transaction) with SELECT for the read-only role "
    "ABM_PG_READER_ROLE. Only when ABM_PG_HOST is set; a failure fails the run and leaves "
    "the previous Postgres publication and the DuckDB publication as they are.",
)
def postgres_publication(
    context: dg.AssetExecutionContext, abm_settings: AbmSettings
) -> Iterator[dg.MaterializeResult]:
    target = abm_settings.postgres()
    if target is None:
        context.log.info("ABM_PG_HOST is unset: nothing is published to Postgres")
        return
    marts = bi_marts(dbt_project.manifest_path)
    publication = publish_postgres(
        abm_settings.serving(), marts, target, run_id=context.run.run_id
    )
    context.log.info(f"published {len(marts)} marts to Postgres {publication.where}")
    yield dg.MaterializeResult(
        metadata={
            "postgres": publication.where,
            "reader_role": target.reader_role,
            "published_at": publication.published_at,
            **{f"rows_{mart}": rows for mart, rows in publication.row_counts.items()},
        }
    )
