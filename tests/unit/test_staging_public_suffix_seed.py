"""The public-suffix seed generator (scripts/refresh_public_suffix_seed.py)."""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "scripts" / "refresh_public_suffix_seed.py"
SEED = REPO_ROOT / "seeds" / "public_suffixes.csv"

SAMPLE_LIST = """\
// ===BEGIN ICANN DOMAINS===
// comment line
com
co.uk
*.ck
!www.ck
公司.cn

// ===END ICANN DOMAINS===
// ===BEGIN PRIVATE DOMAINS===
github.io
*.compute.amazonaws.com
// ===END PRIVATE DOMAINS===
"""


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("refresh_public_suffix_seed", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_rule_kinds_are_parsed() -> None:
    script = load_script()
    parse = script.parse_rule
    assert parse("co.uk", "icann").as_row() == ("co.uk", "co.uk", "normal", "2", "icann")
    assert parse("*.ck", "icann").as_row() == ("*.ck", "ck", "wildcard", "1", "icann")
    assert parse("!www.ck", "icann").as_row() == ("!www.ck", "www.ck", "exception", "2", "icann")


def test_private_section_only_on_request() -> None:
    script = load_script()
    lines = SAMPLE_LIST.splitlines()
    icann = [rule.rule for rule in script.read_rules(lines, include_private=False)]
    assert icann == ["com", "co.uk", "*.ck", "!www.ck", "公司.cn"]
    both = [rule.rule for rule in script.read_rules(lines, include_private=True)]
    assert both[-2:] == ["github.io", "*.compute.amazonaws.com"]


def test_idn_rules_get_a_punycode_twin() -> None:
    script = load_script()
    rules = script.with_punycode(script.read_rules(SAMPLE_LIST.splitlines(), include_private=False))
    suffixes = {rule.suffix for rule in rules}
    assert {"公司.cn", "xn--55qx5d.cn"} <= suffixes


def test_script_writes_a_seed(tmp_path: Path) -> None:
    script = load_script()
    dat = tmp_path / "list.dat"
    dat.write_text(SAMPLE_LIST, encoding="utf-8")
    output = tmp_path / "out.csv"
    assert script.main(["--dat", str(dat), "--output", str(output)]) == 0
    with output.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["rule"] for row in rows] == sorted(row["rule"] for row in rows)
    assert {row["section"] for row in rows} == {"icann"}
    assert len(rows) == 6


def test_committed_seed_matches_the_installed_list(tmp_path: Path) -> None:
    """Fails when publicsuffixlist was upgraded without re-running the script."""
    script = load_script()
    output = tmp_path / "fresh.csv"
    script.main(["--output", str(output)])
    assert output.read_text(encoding="utf-8") == SEED.read_text(encoding="utf-8")


def test_committed_seed_covers_known_suffixes() -> None:
    with SEED.open(encoding="utf-8") as handle:
        rules = {row["rule"]: row for row in csv.DictReader(handle)}
    for rule in ("com", "co.uk", "com.br", "*.ck", "!www.ck"):
        assert rule in rules
    assert "github.io" not in rules  # private section left out on purpose
    assert max(int(row["label_count"]) for row in rules.values()) <= 4
