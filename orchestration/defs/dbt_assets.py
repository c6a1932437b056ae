"""Every dbt seed, model, snapshot and test as Dagster assets and asset checks."""

import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

from orchestration.defs.jobs import DAILY_REFRESH
from orchestration.defs.project import WRITER_POOL, dbt_project
from orchestration.defs.resources import AbmSettings
from orchestration.lib.build_fingerprint import (
    UNCHANGED_METADATA,
    Fingerprint,
    clear_build_record,
    current_fingerprint,
    decide,
    record_build,
)
from orchestration.lib.dbt_cli import dbt_build_failure, environ_set, prune_run_folders
from orchestration.lib.progress import DBT_NODE_LOG_PREFIX
from orchestration.lib.publish_postgres import published_run_id
from orchestration.lib.row_counts import ROW_COUNT, counted_relations, table_row_counts
from orchestration.lib.run_window import checked_rows_since
from orchestration.lib.settings import leaves_out_dbt_tests
from orchestration.lib.spark_lake import mirror_spark_tables, on_spark


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


# How often the build reports the dbt nodes finished so far (progress of `make run`).
PROGRESS_EVERY_SECONDS = 1.0

translator = AbmTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


def _unique_id(event: Any) -> str | None:
    value = (getattr(event, "metadata", None) or {}).get("unique_id")
    return getattr(value, "text", value)


def with_row_counts(events: list[Any], manifest: Mapping[str, Any], warehouse: Path) -> list[Any]:
    """Each table materialization with `dagster/row_count` (the table's rows after the
    build), counted once dbt has exited and released DuckDB's single write lock."""
    built = [
        uid
        for event in events
        if isinstance(event, dg.Output | dg.AssetMaterialization) and (uid := _unique_id(event))
    ]
    counts = table_row_counts(warehouse, counted_relations(manifest, built))
    counted = []
    for event in events:
        uid = _unique_id(event)
        if isinstance(event, dg.Output | dg.AssetMaterialization) and uid in counts:
            row_count = {ROW_COUNT: dg.MetadataValue.int(counts[uid])}
            event = event.with_metadata({**event.metadata, **row_count})
        counted.append(event)
    return counted


# A skipped build leaves an observation on the scoring mart, with UNCHANGED_METADATA: the
# UI and the runner's summary (orchestration/lib/runner.py) say why nothing was built.
UNCHANGED_ON_MODEL = "account_tiers"


def _build(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    args: list[str],
    warehouse: Path,
    env: Mapping[str, str],
    fingerprint: Fingerprint | None = None,
) -> Iterator[Any]:
    with environ_set(env):  # dbt's process starts here and inherits `env`
        invocation = dbt.cli(args, context=context, raise_on_error=False)
    # Held until dbt exits: its process holds the warehouse's only write lock until then.
    events = []
    reported_at = time.monotonic()
    for event in invocation.stream():
        events.append(event)
        if time.monotonic() - reported_at >= PROGRESS_EVERY_SECONDS:
            context.log.debug(f"{DBT_NODE_LOG_PREFIX}{len(events)}")
            reported_at = time.monotonic()
    prune_run_folders(invocation.target_path)
    if on_spark():
        # Spark's tables as views in the build warehouse: the counts, the checks and the
        # publication read them there (orchestration/lib/spark_lake.py).
        mirrored = mirror_spark_tables(warehouse)
        context.log.info(f"{len(mirrored)} Spark tables readable in {warehouse}")
    if fingerprint is not None and invocation.is_successful():
        record_build(warehouse, context.run.run_id, fingerprint)
    yield from with_row_counts(events, invocation.manifest, warehouse)
    if not invocation.is_successful():
        returncode = invocation.process.returncode
        raise dg.Failure(description=dbt_build_failure(invocation.target_path, returncode))


class DbtRunConfig(dg.Config):
    """Run config of the dbt build. The backfill job (orchestration/defs/backfill.py) sets
    one scoring date per run; empty (the daily refresh): ABM_AS_OF / ABM_DBT_VARS decide."""

    as_of_date: str = ""


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    pool=WRITER_POOL,
)
def abm_dbt_models(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    abm_settings: AbmSettings,
    config: DbtRunConfig,
):
    warehouse = abm_settings.warehouse()
    # Only a whole build is fingerprinted (a subset built from the UI is not the published
    # build), and only the daily refresh, which publishes, may skip it.
    # A build without (some of) its dbt tests (ABM_SKIP_DBT_TESTS, ABM_DBT_TEST_EXCLUDE) is
    # never recorded as one that a later run with nothing new may stand on.
    fingerprint = (
        None
        if context.is_subset or leaves_out_dbt_tests()
        else _fingerprint(context, abm_settings, config.as_of_date.strip() or None)
    )
    if fingerprint is not None and context.run.job_name == DAILY_REFRESH:
        postgres = abm_settings.postgres()
        decision = decide(
            fingerprint,
            warehouse,
            abm_settings.serving(),
            abm_settings.forces_rebuild(),
            None if postgres is None else (lambda run: published_run_id(postgres) == run),
        )
        context.log.info(decision.message)
        if not decision.build:
            # No output: the publication and everything after it are skipped, and the
            # published marts stay (they were built from the same inputs).
            yield _unchanged(context, decision.published_at)
            return
    clear_build_record(warehouse)
    as_of = config.as_of_date.strip() or abm_settings.run_as_of()
    # On a warehouse that holds a build, tests on history check the rows this run can change.
    since = checked_rows_since(warehouse, as_of)
    if since:
        context.log.info(f"tests on history tables check rows dated from {since} (less the window)")
    args = abm_settings.dbt_build_args()
    if leaves_out_dbt_tests():
        context.log.warning(
            "ABM_SKIP_DBT_TESTS or ABM_DBT_TEST_EXCLUDE is set: this build leaves out "
            "(some of) the dbt tests"
        )
    env = abm_settings.dbt_build_env(since, config.as_of_date.strip() or None)
    yield from _build(context, dbt, args, warehouse, env, fingerprint)


def _fingerprint(
    context: dg.AssetExecutionContext, abm_settings: AbmSettings, as_of_date: str | None
) -> Fingerprint | None:
    """What this build would be built from; None (then: build) when it cannot be read."""
    try:
        return current_fingerprint(abm_settings.warehouse(), abm_settings.run_overrides(as_of_date))
    except Exception as error:  # noqa: BLE001 - whatever it is, the safe answer is: build
        context.log.warning(f"no build fingerprint ({error}): building")
        return None


def _unchanged(context: dg.AssetExecutionContext, published_at: str) -> dg.AssetObservation:
    keys = sorted(context.selected_asset_keys, key=lambda key: key.to_user_string())
    key = next((k for k in keys if k.path[-1] == UNCHANGED_ON_MODEL), keys[0])
    return dg.AssetObservation(
        asset_key=key,
        description=f"nothing new since {published_at}: the dbt build was skipped",
        metadata={UNCHANGED_METADATA: published_at},
    )
