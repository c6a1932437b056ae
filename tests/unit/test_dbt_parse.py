"""`dbt parse` into a scratch folder: the target's manifest is replaced whole or kept."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from orchestration.lib.dbt_parse import parse_project, target_dir

# Stand-ins for the dbt executable: they get `parse --quiet --target-path <scratch>`.
WRITES_A_MANIFEST = [
    sys.executable,
    "-c",
    "import sys, pathlib\n"
    "scratch = pathlib.Path(sys.argv[sys.argv.index('--target-path') + 1])\n"
    "assert (scratch / 'partial_parse.msgpack').read_text() == 'old state'\n"
    "(scratch / 'manifest.json').write_text('{\"new\": true}')\n"
    "(scratch / 'partial_parse.msgpack').write_text('new state')\n",
]
FAILS = [sys.executable, "-c", "import sys; sys.exit(2)"]


@pytest.fixture
def target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "target"
    folder.mkdir()
    (folder / "manifest.json").write_text('{"old": true}')
    (folder / "partial_parse.msgpack").write_text("old state")
    monkeypatch.setenv("DBT_TARGET_PATH", str(folder))
    return folder


def test_a_parse_replaces_the_artifacts_and_leaves_no_scratch(target: Path) -> None:
    assert target_dir() == target
    assert parse_project(dbt=WRITES_A_MANIFEST) == 0
    assert (target / "manifest.json").read_text() == '{"new": true}'
    assert (target / "partial_parse.msgpack").read_text() == "new state"
    assert sorted(p.name for p in target.iterdir()) == ["manifest.json", "partial_parse.msgpack"]


def test_a_failed_parse_keeps_the_previous_manifest(target: Path) -> None:
    assert parse_project(dbt=FAILS) == 2
    assert (target / "manifest.json").read_text() == '{"old": true}'
    assert sorted(p.name for p in target.iterdir()) == ["manifest.json", "partial_parse.msgpack"]


def test_a_relative_target_path_is_under_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DBT_TARGET_PATH", "elsewhere")
    assert target_dir(tmp_path) == tmp_path / "elsewhere"
    monkeypatch.delenv("DBT_TARGET_PATH")
    assert target_dir(tmp_path) == tmp_path / "target"
