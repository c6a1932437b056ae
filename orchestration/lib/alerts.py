"""Run-failure alerts: a short JSON message to the webhook in ABM_ALERT_WEBHOOK."""

import json
import urllib.request
from typing import Any


def failure_message(job_name: str, run_id: str, error: str | None) -> dict[str, Any]:
    return {
        "text": f"ABM warehouse: run of {job_name} failed; the last publication is unchanged.",
        "job": job_name,
        "run_id": run_id,
        "error": (error or "")[:2000],
    }


def post_alert(url: str, message: dict[str, Any], timeout_seconds: float = 10.0) -> int:
    """POST the message as JSON; returns the HTTP status (raises on network errors)."""
    request = urllib.request.Request(
        url,
        data=json.dumps(message).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout_seconds) as response:
        return response.status
