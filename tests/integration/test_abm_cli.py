"""`abm` on the built sample: explain (tier 1, net-new by domain, unknown, ambiguous),
targets filters, validate on a good and a bad landing folder. `abm run` itself runs in
tests/integration/test_refresh_killed.py (the second warehouse refreshed from one checkout)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from orchestration.lib.cli import EXIT_AMBIGUOUS, EXIT_NO_SERVING, EXIT_UNKNOWN, app
from orchestration.lib.ingest.dry_run import validate_landing
from orchestration.lib.ingest.loader import ingest_table
from tests.conftest import BuiltWarehouse

runner = CliRunner()


@pytest.fixture
def serving(built_warehouse: BuiltWarehouse) -> Path:
    assert built_warehouse.run_success, built_warehouse.failed_checks
    return built_warehouse.serving_path


def _rows(serving: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(serving), read_only=True) as con:
        return con.execute(sql).fetchall()


def abm(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    # One line of words: rich wraps long reasons and draws boxes around them.
    flat = re.sub(r"[\s│╭╮╰╯─]+", " ", result.output)
    return result.exit_code, flat


def test_explain_a_tier_1_account_by_id(serving: Path) -> None:
    account_id, name, reason, fit_reasons = _rows(
        serving,
        "select account_id, account_name, tier_reason, fit_reasons "
        "from marts.account_targets_current where tier = 'tier_1' "
        "order by fit_score desc limit 1",
    )[0]
    code, out = abm("explain", account_id, "--serving", str(serving))
    assert code == 0, out
    assert f"{name} ({account_id}" in out
    assert "Tier tier_1" in out
    assert " ".join(reason.split()) in out
    strongest = re.search(r"Strengths: ([^:]+): wins ([0-9.]+)x", fit_reasons)
    assert f"+ {strongest.group(1)}: wins {strongest.group(2)}x as often" in out
    for section in ("Intent", "Engagement", "Journey", "Tier history"):
        assert section in out


def test_explain_a_net_new_company_by_domain(serving: Path) -> None:
    account_id, domain = _rows(
        serving,
        "select account_id, domain from marts.net_new_accounts order by net_new_rank limit 1",
    )[0]
    code, out = abm("explain", f"https://www.{domain}/pricing", "--serving", str(serving))
    assert code == 0, out
    assert f"({account_id}, {domain})" in out
    assert "net_new" in out and "Net-new: Not in the CRM" in out


def test_explain_an_unknown_name(serving: Path) -> None:
    code, out = abm("explain", "Nonexistent Widgets Zzq", "--serving", str(serving))
    assert code == EXIT_UNKNOWN
    assert "unknown account: nothing matches 'Nonexistent Widgets Zzq'" in out


def test_explain_an_ambiguous_name_lists_the_candidates(serving: Path) -> None:
    word, count = _rows(
        serving,
        "select word, count(*) from (select account_id, "
        "unnest(string_split(lower(account_name), ' ')) as word "
        "from marts.account_targets_current) where length(word) > 4 "
        "group by word having count(*) between 2 and 6 order by word limit 1",
    )[0]
    candidates = _rows(
        serving,
        "select account_id from marts.account_targets_current "
        f"where lower(account_name) like '%{word}%'",
    )
    code, out = abm("explain", word, "--serving", str(serving))
    assert code == EXIT_AMBIGUOUS
    assert f"ambiguous: {len(candidates)} accounts match '{word}'" in out
    assert all(account_id in out for (account_id,) in candidates)


def test_explain_without_a_serving_file(tmp_path: Path) -> None:
    code, out = abm("explain", "acme", "--serving", str(tmp_path / "none.duckdb"))
    assert code == EXIT_NO_SERVING
    assert "no published serving file" in out


def test_targets_filters_by_tier_owner_and_change_date(serving: Path) -> None:
    tier_1 = _rows(
        serving, "select account_name from marts.account_targets_current where tier = 'tier_1'"
    )
    code, out = abm("targets", "--tier", "tier_1", "--limit", "500", "--serving", str(serving))
    assert code == 0, out
    assert f"{len(tier_1)} account(s)" in out
    assert all(" ".join(name.split()) in out for (name,) in tier_1)

    owner, owned = _rows(
        serving,
        "select owner_name, count(*) from marts.account_targets_current "
        "where tier != 'not_target' and owner_name is not null "
        "group by 1 order by 2 desc, 1 limit 1",
    )[0]
    code, out = abm("targets", "--owner", owner, "--limit", "500", "--serving", str(serving))
    assert code == 0
    assert f"{owned} account(s)" in out
    assert "Owner load" in out

    (changed,) = _rows(
        serving,
        "select count(distinct changes.account_id) from marts.tier_changes as changes "
        "inner join marts.account_targets_current as t on t.account_id = changes.account_id "
        "where t.tier != 'not_target'",
    )[0]
    code, out = abm(
        "targets", "--changed-since", "1900-01-01", "--limit", "5000", "--serving", str(serving)
    )
    assert code == 0
    assert f"{changed} account(s)" in out

    code, out = abm("targets", "--changed-since", "yesterday", "--serving", str(serving))
    assert code == 2 and "not a date" in out
    code, out = abm("targets", "--tier", "tier_9", "--serving", str(serving))
    assert code == 2 and "unknown tier tier_9" in out


@pytest.fixture
def landings(built_warehouse: BuiltWarehouse, tmp_path: Path) -> tuple[Path, Path]:
    good, bad = tmp_path / "good", tmp_path / "bad"
    shutil.copytree(built_warehouse.landing_dir / "crm" / "account", good / "crm" / "account")
    (bad / "crm" / "account").mkdir(parents=True)
    (bad / "crm" / "account" / "no_id.csv").write_text("name,website\nAcme,acme.com\n")
    (bad / "crm" / "account" / "notes.txt").write_text("not data\n")
    (bad / "crm" / "stray").mkdir()
    (bad / "crm" / "stray" / "x.csv").write_text("a\n1\n")
    return good, bad


def test_validate_a_good_landing_folder(landings: tuple[Path, Path], tmp_path: Path) -> None:
    good, _ = landings
    code, out = abm("validate", str(good))
    assert code == 0, out
    files = list((good / "crm" / "account").iterdir())
    assert f"{len(files)} file(s): {len(files)} would load" in out
    assert "REJECTED" not in out


def test_validate_a_bad_folder_gives_ingestions_messages(
    landings: tuple[Path, Path], tmp_path: Path
) -> None:
    _, bad = landings
    code, out = abm("validate", str(bad))
    assert code == EXIT_UNKNOWN
    assert "REJECTED crm/account/no_id.csv rejected: required column" in out
    assert "REJECTED crm/account/notes.txt rejected: unsupported file type" in out
    assert "not loaded:" in out and "stray" in out
    # The very messages ingestion gives, and validation wrote no warehouse.
    warehouse = tmp_path / "check.duckdb"
    ingested = ingest_table(warehouse, bad, "crm", "account")
    validated, _ = validate_landing(bad)
    assert {(f.path, f.status, f.message) for f in ingested.files} == {
        (f.path, f.status, f.message) for f in validated
    }
    assert not (bad / "warehouse.duckdb").exists()


def test_the_run_summary_lists_the_top_tier_1_accounts_with_reasons(
    serving: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from orchestration.lib.runner import print_top_tier_1

    top = _rows(
        serving,
        "select account_name, tier_reason from marts.account_targets_current "
        "where tier = 'tier_1' order by tier_rank nulls last, fit_score desc, account_id limit 3",
    )
    print_top_tier_1(serving, limit=3)
    out = capsys.readouterr().out
    assert f"top tier 1 accounts ({len(top)} shown" in out
    for name, reason in top:
        assert f"  {name} (" in out
        assert reason in out


def test_explain_shows_the_engagement_by_channel_and_role(serving: Path) -> None:
    account_id, activities, channel = _rows(
        serving,
        "select account_id, sum(activity_count), arg_max(channel, activity_count) "
        "from marts.account_engagement_timeline group by 1 order by 2 desc, 1 limit 1",
    )[0]
    code, out = abm("explain", account_id, "--serving", str(serving))
    assert code == 0, out
    assert f": {activities:,} activities; channels {channel} " in out
    assert "; roles " in out
