"""`dbt parse` without a half-written manifest: dbt writes its artifacts into a scratch
folder, then each one replaces the one in the target folder in a single rename.

Dagster (`dagster dev`, the runner, pytest workers) loads `target/manifest.json` when it
loads the definitions; `dbt parse` writing that file in place let a reader see half of
it. Used by `make run`, `make ui` and `abm run`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from orchestration.lib import settings

ARTIFACTS = ("manifest.json", "semantic_manifest.json", "partial_parse.msgpack")


def target_dir(project_dir: Path = settings.PROJECT_DIR) -> Path:
    """dbt's target folder: DBT_TARGET_PATH when set, else <project>/target."""
    configured = os.environ.get("DBT_TARGET_PATH")
    path = Path(configured) if configured else Path("target")
    return path if path.is_absolute() else project_dir / path


def parse_project(
    project_dir: Path = settings.PROJECT_DIR, dbt: Sequence[str] | None = None
) -> int:
    """Parse the project; on success move the new artifacts into the target folder.
    On failure the target folder keeps its previous artifacts. Returns dbt's exit code."""
    target = target_dir(project_dir)
    target.mkdir(parents=True, exist_ok=True)
    command = list(dbt or [str(Path(sys.executable).with_name("dbt"))])
    with tempfile.TemporaryDirectory(dir=target, prefix=".parse-") as scratch:
        previous = target / "partial_parse.msgpack"
        if previous.exists():  # keep dbt's partial parsing
            shutil.copy2(previous, Path(scratch) / previous.name)
        done = subprocess.run(
            [*command, "parse", "--quiet", "--target-path", scratch],
            cwd=project_dir,
            check=False,
        )
        if done.returncode == 0:
            for name in ARTIFACTS:
                if (Path(scratch) / name).exists():
                    os.replace(Path(scratch) / name, target / name)
    return done.returncode


if __name__ == "__main__":
    raise SystemExit(parse_project())
