"""A sensor that starts the daily refresh when new files land."""

import hashlib
from pathlib import Path

import dagster as dg

from orchestration import settings
from orchestration.defs.schedules import daily_refresh_job

LANDED_SUFFIXES = (".csv", ".csv.gz", ".parquet", ".jsonl")


def landing_fingerprint(landing_dir: Path) -> str:
    """A digest of every landed file's path, size and mtime: it changes when a file lands."""
    digest = hashlib.sha256()
    if landing_dir.is_dir():
        for path in sorted(p for p in landing_dir.rglob("*") if p.is_file()):
            if path.name.endswith(LANDED_SUFFIXES):
                stat = path.stat()
                rel = path.relative_to(landing_dir).as_posix()
                digest.update(f"{rel}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


@dg.sensor(job=daily_refresh_job, minimum_interval_seconds=60)
def landing_sensor(context: dg.SensorEvaluationContext):
    fingerprint = landing_fingerprint(settings.landing_dir())
    if fingerprint == context.cursor:
        return dg.SkipReason("no new files in the landing folder")
    context.update_cursor(fingerprint)
    yield dg.RunRequest(run_key=fingerprint)
