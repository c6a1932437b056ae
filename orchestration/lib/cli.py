"""`abm`: the warehouse for people who act on it (README "Dashboard and the abm command").

    abm explain <id | domain | name>     everything known about one account, one screen
    abm targets [--tier] [--owner] [--changed-since DATE] ...
    abm validate <landing dir>           landed files against the contract, nothing loaded
    abm run                              the refresh (`make run`), concise progress
    abm sample                           sample landing files

`explain` and `targets` read only the published serving file (ABM_SERVING_PATH, or
--serving), read-only, through `orchestration.lib.serving_reader`.
Exit codes: 0 fine; 1 unknown account, or a landed file would be rejected; 2 ambiguous
account (the candidates are listed) or bad arguments; 3 no serving file.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated

import duckdb
import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from orchestration.lib import serving_reader as reader
from orchestration.lib import settings
from orchestration.lib.dbt_parse import parse_project

EXIT_UNKNOWN = 1
EXIT_AMBIGUOUS = 2
EXIT_NO_SERVING = 3

app = typer.Typer(
    help="The ABM warehouse: explain accounts, list targets, validate files, refresh.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
console = Console(width=120, highlight=False)

ServingOption = Annotated[
    Path | None,
    typer.Option("--serving", help="serving DuckDB file (default: ABM_SERVING_PATH)"),
]


def _fail(message: str, code: int) -> typer.Exit:
    console.print(message, markup=False)
    return typer.Exit(code)


def _score(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


@contextmanager
def _open(serving: Path | None) -> Iterator[duckdb.DuckDBPyConnection]:
    try:
        with reader.open_serving(serving) as con:
            yield con
    except reader.ServingFileMissing as missing:
        raise _fail(str(missing), EXIT_NO_SERVING) from missing


def _candidates(lookup: reader.Lookup) -> Table:
    table = Table("account_id", "name", "domain", "tier", "crm", "owner", title="Candidates")
    for match in lookup.matches:
        table.add_row(
            match.account_id,
            match.account_name or "",
            match.domain or "",
            match.tier,
            match.crm_status or "",
            match.owner_name or "",
        )
    return table


def render_profile(profile: reader.AccountProfile) -> None:
    """One screen: tier and why, fit and its reasons, intent, engagement, journey, history."""
    a = profile.account
    title = f"{a['account_name'] or a['domain']}  ({a['account_id']}, {a['domain']})"
    console.print(
        Panel(
            escape(
                f"Tier {a['tier']} ({a['motion'] or '-'}), owner {a['owner_name'] or '(none)'}, "
                f"{a['crm_status']}, {a['industry']}, {a['size_band']}, {a['region']}\n"
                f"Why: {a['tier_reason']}"
            ),
            title=escape(title),
            expand=False,
        )
    )
    if profile.net_new:
        console.print(f"Net-new: {profile.net_new['net_new_reason']}", markup=False)
    fit = profile.fit or {}
    console.print(
        f"[bold]Fit[/bold] {a['fit_grade']} ({_score(a['fit_score'])}), "
        f"evidence {fit.get('evidence_level', '-')}"
    )
    for reason in profile.fit_reasons[:6]:
        sign = "+" if reason.kind == "strength" else "-"
        console.print(f"  {sign} {reason.attribute}: wins {reason.lift}x as often", markup=False)
    intent = profile.intent or {}
    console.print(
        f"[bold]Intent[/bold] {_score(a['intent_score'])}"
        f"{' (surging)' if intent.get('is_surging') else ''}: "
        + escape(
            f"topics {intent.get('top_topics') or 'none'}; needs {intent.get('top_needs') or '-'}"
        )
    )
    engagement = profile.engagement or {}
    console.print(
        f"[bold]Engagement[/bold] {_score(a['engagement_score'])}"
        f"{' (engaged)' if engagement.get('is_engaged') else ''}: "
        f"{engagement.get('activity_count') or 0} activities, "
        f"{engagement.get('engaged_people') or 0} people, "
        f"{engagement.get('engaged_buying_roles') or 0} buying roles, "
        f"{engagement.get('last_7d_activity_count') or 0} in the last 7 days"
    )
    if not profile.engagement_timeline.empty:
        console.print(
            f"  {reader.engagement_summary(profile.engagement_timeline, top=2)}",
            markup=False,
            no_wrap=True,
            overflow="ellipsis",
        )
    journey = profile.journey or {}
    console.print(
        f"[bold]Journey[/bold] {journey.get('current_stage', '-')} since "
        f"{journey.get('current_stage_entered_date', '-')} "
        f"(furthest {journey.get('furthest_stage', '-')})"
    )
    history = ", ".join(f"{row['as_of_date']} {row['tier']}" for row in profile.tier_history[:8])
    console.print(f"[bold]Tier history[/bold] {history or '-'}")
    for change in profile.tier_changes[:5]:
        console.print(
            f"  {change['as_of_date']}: {change['from_tier']} -> {change['to_tier']} "
            f"({change['change_type']}): {change['reason']}",
            markup=False,
        )
    if profile.program_plan:
        programs = ", ".join(row["program_name"] for row in profile.program_plan[:6])
        console.print(f"[bold]Programs this quarter[/bold] {programs}")


@app.command()
def explain(
    account: Annotated[str, typer.Argument(help="account id, domain (or URL) or name")],
    serving: ServingOption = None,
) -> None:
    """Everything the warehouse knows about one account: tier and why, fit, intent,
    engagement, journey and tier history."""
    with _open(serving) as con:
        lookup = reader.find_accounts(con, account)
        if lookup.status == "unknown":
            raise _fail(
                f"unknown account: nothing matches {account!r} by id, domain or name",
                EXIT_UNKNOWN,
            )
        if lookup.status == "ambiguous":
            console.print(
                f"ambiguous: {len(lookup.matches)}{'+' if lookup.more else ''} accounts match "
                f"{account!r}; "
                "run `abm explain` with one of these ids or domains:",
                markup=False,
            )
            console.print(_candidates(lookup))
            raise typer.Exit(EXIT_AMBIGUOUS)
        profile = reader.account_profile(con, lookup.account.account_id)
    render_profile(profile)


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)") from error


@app.command()
def targets(
    tier: Annotated[
        list[str] | None, typer.Option("--tier", help="tier_1, tier_2 or tier_3 (repeatable)")
    ] = None,
    owner: Annotated[str | None, typer.Option(help="owner name contains")] = None,
    changed_since: Annotated[
        str | None, typer.Option(help="tier changed on or after YYYY-MM-DD")
    ] = None,
    segment: Annotated[str | None, typer.Option(help="firmographic segment contains")] = None,
    region: Annotated[str | None, typer.Option(help="region contains")] = None,
    need: Annotated[str | None, typer.Option(help="primary need contains")] = None,
    limit: Annotated[int, typer.Option(help="rows at most")] = 50,
    serving: ServingOption = None,
) -> None:
    """Target accounts by tier with their reason, and each owner's load per tier."""
    tiers = tuple(tier or reader.TIERS)
    wrong = [t for t in tiers if t not in reader.TIERS]
    if wrong:
        raise typer.BadParameter(f"unknown tier {', '.join(wrong)}", param_hint="--tier")
    where = reader.TargetFilter(
        tiers=tiers,
        owner=owner,
        segment=segment,
        region=region,
        need=need,
        changed_since=_date(changed_since),
        limit=limit,
    )
    with _open(serving) as con:
        rows = reader.targets(con, where)
        load = reader.owner_load(con, owner)
    table = Table(expand=True)
    for column in ("tier", "account", "domain", "owner", "fit", "intent"):
        table.add_column(column, no_wrap=True)
    table.add_column("reason", ratio=1)
    for row in rows.itertuples():
        table.add_row(
            row.tier,
            row.account_name or "",
            row.domain or "",
            row.owner_name or "",
            f"{row.fit_grade} {_score(row.fit_score)}",
            _score(row.intent_score),
            row.tier_reason or "",
        )
    if rows.empty:
        console.print("no target accounts match")
    else:
        console.print(table)
    console.print(f"{len(rows)} account(s)" + (" (limit reached)" if len(rows) >= limit else ""))
    owners = Table(*load.columns, title="Owner load against capacity (target accounts per tier)")
    for values in load.head(20).itertuples(index=False):
        owners.add_row(*("" if pd.isna(v) else str(v) for v in values))
    console.print(owners)


@app.command()
def validate(
    landing: Annotated[Path, typer.Argument(help="a landing folder: <source>/<table>/<files>")],
) -> None:
    """Check landed files against the contract without loading anything (the messages
    ingestion would give); exit 1 when a file would be rejected."""
    from orchestration.lib.ingest.dry_run import validate_landing

    if not landing.is_dir():
        raise _fail(f"{landing} is not a folder", EXIT_UNKNOWN)
    with console.status("checking landed files against the contract ..."):
        results, unclaimed = validate_landing(landing)
    console.print(f"{landing}: what ingestion would say (nothing was loaded)", markup=False)
    rejected = 0
    for result in results:
        mark = {"loaded": "ok      ", "rejected": "REJECTED"}.get(result.status, result.status)
        rejected += result.status == "rejected"
        console.print(f"{mark} {result.message}", markup=False)
    for file in unclaimed:
        console.print(f"not loaded: {file.message}", markup=False)
    quarantined = sum(r.rows_quarantined for r in results)
    console.print(
        f"{len(results)} file(s): {len(results) - rejected} would load "
        f"({quarantined:,} row(s) to quarantine), {rejected} rejected, "
        f"{len(unclaimed)} outside the contract folders"
    )
    if not results and not unclaimed:
        raise _fail(f"no landed files under {landing}", EXIT_UNKNOWN)
    if rejected:
        raise typer.Exit(EXIT_UNKNOWN)


@app.command()
def run() -> None:
    """The refresh (as `make run`): concise progress here, the full log in logs/."""
    from orchestration.lib import runner

    # What the Makefile sets for `make run`, unless the caller set it.
    home = settings.PROJECT_DIR / ".dagster_home"
    for name, value in (
        ("DBT_PROFILES_DIR", str(settings.PROJECT_DIR)),
        ("DBT_SEND_ANONYMOUS_USAGE_STATS", "false"),
        ("DO_NOT_TRACK", "1"),
        ("DAGSTER_HOME", str(home)),
    ):
        os.environ.setdefault(name, value)
    dagster_yaml = Path(os.environ["DAGSTER_HOME"]) / "dagster.yaml"
    if not dagster_yaml.exists():
        dagster_yaml.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(settings.PROJECT_DIR / "orchestration" / "dagster.yaml", dagster_yaml)
    parsed = parse_project()
    if parsed:
        raise typer.Exit(parsed)
    raise typer.Exit(runner.main())


@app.command()
def sample(
    accounts: Annotated[int, typer.Option(help="CRM accounts")] = 5000,
    seed: Annotated[int, typer.Option(help="random seed")] = 42,
    landing: Annotated[Path, typer.Option(help="landing folder")] = Path("data/landing"),
    truth: Annotated[Path, typer.Option(help="truth folder")] = Path("data/truth"),
) -> None:
    """Write messy sample landing files (and the planted truth)."""
    from sample_data.cli import main as sample_main

    with console.status(f"generating {accounts:,} sample accounts ..."):
        code = sample_main(
            [
                "--accounts",
                str(accounts),
                "--seed",
                str(seed),
                "--landing",
                str(landing),
                "--truth",
                str(truth),
            ]
        )
    raise typer.Exit(code)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
