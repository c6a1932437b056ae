"""Every dbt seed, model, snapshot and test as Dagster assets and asset checks."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

from orchestration.defs.project import WRITER_POOL, dbt_project
from orchestration.defs.resources import AbmSettings
from orchestration.lib.dbt_cli import dbt_failure_summary


class AbmTranslator(DagsterDbtTranslator):
    """dbt sources are the raw tables the ingest assets write: give them the same keys."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey(["raw", dbt_resource_props["identifier"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        # models/<layer>/... → group by layer; seeds and snapshots by their type
        if dbt_resource_props["resource_type"] == "model" and len(fqn) > 2:
            return fqn[1]
        return dbt_resource_props["resource_type"] + "s"


translator = AbmTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    pool=WRITER_POOL,
)
def abm_dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, abm_settings: AbmSettings
):
    invocation = dbt.cli(abm_settings.dbt_build_args(), context=context, raise_on_error=False)
    yield from invocation.stream()
    if not invocation.is_successful():
        results = invocation.get_artifact("run_results.json")
        raise dg.Failure(description=dbt_failure_summary(results))
