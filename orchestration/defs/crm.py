"""After each publication: the CRM write-back files, then the tier-change alert."""

import dagster as dg

from orchestration.defs.publication import serving_publication
from orchestration.defs.resources import AbmSettings
from orchestration.lib.alerts import post_alert, tier_change_message
from orchestration.lib.crm_writeback import read_changes, write_back


@dg.asset(
    key=dg.AssetKey(["serving", "crm_writeback"]),
    group_name="serving",
    deps=[serving_publication],
    kinds={"csv", "salesforce", "hubspot"},
    description="CSV files for the CRM (ABM_CRM_DIR): a Salesforce Bulk API upsert and a "
    "HubSpot company import of the CRM accounts whose ABM fields changed since the last "
    "write-back, and the targeted net-new companies to create; field names from seed "
    "crm_field_map. Nothing is sent anywhere.",
)
def crm_writeback(
    context: dg.AssetExecutionContext, abm_settings: AbmSettings
) -> dg.MaterializeResult:
    result = write_back(abm_settings.serving(), abm_settings.crm(), run_id=context.run.run_id)
    first = " (first write-back: every account is new)" if result.is_first_run else ""
    context.log.info(
        f"CRM files in {result.crm_dir}{first}: {result.salesforce_rows} accounts to update, "
        f"{result.new_account_rows} companies to create"
    )
    return dg.MaterializeResult(
        metadata={
            "crm_dir": str(result.crm_dir),
            "is_first_run": result.is_first_run,
            "salesforce_rows": result.salesforce_rows,
            "hubspot_rows": result.hubspot_rows,
            "new_account_rows": result.new_account_rows,
            "new_tier_1": len(result.changes["new_tier_1"]),
            "newly_surging": len(result.changes["newly_surging"]),
            "demoted": len(result.changes["demoted"]),
        }
    )


@dg.asset(
    key=dg.AssetKey(["serving", "tier_change_alert"]),
    group_name="serving",
    deps=[crm_writeback],
    kinds={"webhook"},
    description="One message to ABM_ALERT_WEBHOOK (the failure alert's JSON shape) listing "
    "the accounts this publication newly put in tier 1, newly surging target accounts and "
    "tier demotions, each with its reason and owner. Nothing is sent when nothing changed, "
    "on the first publication, or without a webhook; a webhook error is logged, never "
    "fails the published run.",
)
def tier_change_alert(
    context: dg.AssetExecutionContext, abm_settings: AbmSettings
) -> dg.MaterializeResult:
    changes = read_changes(abm_settings.crm())
    if changes is None or changes.get("run_id") != context.run.run_id:
        # Only this run's changes are news; never re-send an older run's.
        return dg.MaterializeResult(metadata={"status": "no changes from this run"})
    message = tier_change_message(changes, context.run.job_name, context.run.run_id)
    url = abm_settings.webhook()
    if message is None:
        status = "nothing to report"
    elif url is None:
        status = "ABM_ALERT_WEBHOOK unset: not sent"
    else:
        try:
            status = f"sent (HTTP {post_alert(url, message)})"
        except OSError as exc:  # published is published: log, do not fail the run
            status = f"not sent: {exc}"
            context.log.error(f"could not post the tier alert to the webhook: {exc}")
    context.log.info(f"tier change alert: {status}")
    return dg.MaterializeResult(metadata={"status": status})
