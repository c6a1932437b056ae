"""Alerts: a short JSON message to the webhook in ABM_ALERT_WEBHOOK (Slack and Teams
incoming webhooks show `text`; the other keys are for machines) when a refresh fails, and
after a publication that moved accounts (new tier 1, newly surging targets, demotions)."""

import json
import urllib.request
from typing import Any

ALERT_SECTIONS = {
    "new_tier_1": "New in tier 1",
    "newly_surging": "Newly surging target accounts",
    "demoted": "Tier demotions",
}


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


def _line(account: dict[str, Any]) -> str:
    move = f"{account.get('previous_tier') or 'new'} -> {account['tier']}"
    return (
        f"- {account['account_name']} ({account['account_id']}), {move}, "
        f"owner {account['owner']}: {account['tier_reason']}"
    )


# Alert lists longer than this are cut (the CRM files hold every account).
ALERT_LIST_LIMIT = 25


def tier_change_message(
    changes: dict[str, Any], job_name: str, run_id: str, list_limit: int = ALERT_LIST_LIMIT
) -> dict[str, Any] | None:
    """The message for one publication's tier changes (the CRM write-back's summary), or
    None when there is nothing to say: the first publication (nothing to compare with) or
    no account newly in tier 1, newly surging or demoted."""
    if changes.get("is_first_run") or not any(changes.get(key) for key in ALERT_SECTIONS):
        return None
    lines = ["ABM warehouse: the new publication moved accounts."]
    for key, title in ALERT_SECTIONS.items():
        accounts = changes.get(key) or []
        if not accounts:
            continue
        lines.append(f"*{title}* ({len(accounts)}):")
        lines.extend(_line(account) for account in accounts[:list_limit])
        if len(accounts) > list_limit:
            lines.append(f"... and {len(accounts) - list_limit} more (see the CRM files)")
    return {
        "text": "\n".join(lines),
        "job": job_name,
        "run_id": run_id,
        "counts": {key: len(changes.get(key) or []) for key in ALERT_SECTIONS},
        **{key: (changes.get(key) or [])[:list_limit] for key in ALERT_SECTIONS},
    }
