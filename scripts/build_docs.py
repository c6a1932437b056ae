"""`make docs`: the dbt docs site and Great Expectations Data Docs, built offline.

- dbt: `dbt docs generate --static` into `target/docs/static_index.html`, one file
  with the manifest and catalog inside (open it from disk, no server). The catalog
  (column types, row counts) is read from the dev warehouse when `make dev` has built
  one; otherwise the site is built from the project alone on an in-memory target.
  The production warehouse is never opened (a refresh may be writing it).
- GX: Data Docs of the suites in `expectations/expectations/` (raw file contracts and
  mart suites) into `expectations/uncommitted/data_docs/local_site/index.html`.

Both land in gitignored folders. No usage statistics are sent. The GX pages load
their styles from public CDNs when opened in a browser; offline they show unstyled.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DOCS_TARGET_PATH = "target/docs"
GX_CONTEXT_DIR = PROJECT_DIR / "expectations"


def _dev_warehouse() -> Path:
    path = Path(os.environ.get("ABM_DEV_WAREHOUSE_PATH") or "data/dev.duckdb")
    return path if path.is_absolute() else PROJECT_DIR / path


def dbt_docs_command(dbt: str, dev_exists: bool) -> list[str]:
    command = [dbt, "docs", "generate", "--static", "--target-path", DOCS_TARGET_PATH]
    if dev_exists:
        return [*command, "--target", "dev"]
    return [*command, "--target", "lint", "--empty-catalog"]


def build_dbt_docs() -> Path:
    dev = _dev_warehouse()
    env = {
        **os.environ,
        "ABM_DEV_WAREHOUSE_PATH": str(dev),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
        "DBT_PROFILES_DIR": os.environ.get("DBT_PROFILES_DIR", str(PROJECT_DIR)),
    }
    dbt = str(Path(sys.executable).parent / "dbt")
    subprocess.run(dbt_docs_command(dbt, dev.exists()), cwd=PROJECT_DIR, env=env, check=True)
    return PROJECT_DIR / DOCS_TARGET_PATH / "static_index.html"


def build_gx_docs() -> str:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    context = gx.get_context(mode="file", context_root_dir=str(GX_CONTEXT_DIR))
    return context.build_data_docs()["local_site"]


def main() -> int:
    try:
        dbt_site = build_dbt_docs()
    except subprocess.CalledProcessError as exc:
        print(f"docs: dbt docs generate failed (exit {exc.returncode})", file=sys.stderr)
        return exc.returncode
    gx_site = build_gx_docs()
    print(f"dbt docs:     file://{dbt_site}")
    print(f"GX Data Docs: {gx_site}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
