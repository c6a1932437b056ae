"""The daily refresh on a schedule from the environment."""

import dagster as dg

from orchestration.defs.jobs import daily_refresh_job
from orchestration.lib import settings

daily_refresh_schedule = dg.ScheduleDefinition(
    name="daily_refresh_schedule",
    job=daily_refresh_job,
    cron_schedule=settings.SCHEDULE_CRON.value(),
    execution_timezone=settings.SCHEDULE_TIMEZONE.value(),
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
