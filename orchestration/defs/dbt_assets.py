"""Every dbt seed, model, snapshot and test as Dagster assets and asset checks."""

import json
import os
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


def dbt_build_args(vars_json: str | None = None) -> list[str]:
    """`dbt build` runs seeds, models, snapshots and their tests in dependency order.

    `ABM_DBT_VARS` (a JSON object) overrides dbt_project.yml vars for one run, e.g.
    `ABM_DBT_VARS='{"tiers_capacity": {"tier_1": 5, "tier_2": 25, "tier_3": 100}}'`.
    """
    vars_json = os.environ.get("ABM_DBT_VARS") if vars_json is None else vars_json
    if not vars_json:
        return ["build"]
    try:
        overrides = json.loads(vars_json)
    except json.JSONDecodeError as exc:
        raise ValueError(f"ABM_DBT_VARS is not valid JSON: {exc}") from exc
    if not isinstance(overrides, dict):
        raise ValueError("ABM_DBT_VARS must be a JSON object of dbt var names to values")
    return ["build", "--vars", json.dumps(overrides, sort_keys=True)]


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    pool=WRITER_POOL,
)
def abm_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    invocation = dbt.cli(dbt_build_args(), context=context, raise_on_error=False)
    yield from invocation.stream()
    if not invocation.is_successful():
        results = invocation.get_artifact("run_results.json")
        raise dg.Failure(description=dbt_failure_summary(results))


def dbt_failure_summary(run_results: Mapping[str, Any]) -> str:
    """One line per dbt node that errored or failed: its name and dbt's own message."""
    lines = []
    for result in run_results.get("results", []):
        if result.get("status") not in ("error", "fail", "runtime error"):
            continue
        name = result.get("unique_id", "?").split(".", 2)[-1]
        message = " ".join((result.get("message") or "").split())
        failures = result.get("failures")
        detail = f" ({failures} failing rows)" if failures else ""
        lines.append(f"{name}: {message[:400]}{detail}")
    if not lines:
        return "dbt build failed before running any node: see the full log"
    hint = (
        "fix the model or the data it names; `dbt build -s <name>` reproduces it, "
        "`dbt test -s <name> --store-failures` shows a test's rows"
    )
    return "\n".join([*lines, hint])
