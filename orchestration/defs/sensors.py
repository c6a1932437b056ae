"""Sensors: start the daily refresh when new files land; tell someone when it fails."""

import dagster as dg

from orchestration.defs.jobs import daily_refresh_job
from orchestration.defs.resources import AbmSettings
from orchestration.lib.alerts import failure_message, post_alert
from orchestration.lib.ingest.inventory import landing_fingerprint


@dg.sensor(job=daily_refresh_job, minimum_interval_seconds=60)
def landing_sensor(context: dg.SensorEvaluationContext, abm_settings: AbmSettings):
    fingerprint = landing_fingerprint(abm_settings.landing())
    if fingerprint == context.cursor:
        return dg.SkipReason("no new files in the landing folder")
    context.update_cursor(fingerprint)
    yield dg.RunRequest(run_key=fingerprint)


@dg.run_failure_sensor(
    monitor_all_code_locations=False, default_status=dg.DefaultSensorStatus.RUNNING
)
def refresh_failure_alert(context: dg.RunFailureSensorContext, abm_settings: AbmSettings) -> None:
    run = context.dagster_run
    error = context.failure_event.message if context.failure_event else None
    context.log.error(f"run {run.run_id} of {run.job_name} failed: {error}")
    url = abm_settings.webhook()
    if url is None:
        return
    try:
        status = post_alert(url, failure_message(run.job_name, run.run_id, error))
        context.log.info(f"alert posted to the webhook (HTTP {status})")
    except OSError as exc:  # the alert must never hide the failure it reports
        context.log.error(f"could not post the alert to the webhook: {exc}")
