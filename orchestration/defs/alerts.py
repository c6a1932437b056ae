"""Tell someone when the daily refresh fails."""

import dagster as dg

from orchestration.alerts import alert_webhook, failure_message, post_alert


@dg.run_failure_sensor(
    monitor_all_code_locations=False, default_status=dg.DefaultSensorStatus.RUNNING
)
def refresh_failure_alert(context: dg.RunFailureSensorContext) -> None:
    run = context.dagster_run
    error = context.failure_event.message if context.failure_event else None
    context.log.error(f"run {run.run_id} of {run.job_name} failed: {error}")
    url = alert_webhook()
    if url is None:
        return
    try:
        status = post_alert(url, failure_message(run.job_name, run.run_id, error))
        context.log.info(f"alert posted to the webhook (HTTP {status})")
    except OSError as exc:  # the alert must never hide the failure it reports
        context.log.error(f"could not post the alert to the webhook: {exc}")
