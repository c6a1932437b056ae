"""Contract `not_null` constraints hold on local Spark (Parquet tables, no Delta).

dbt-spark only applies constraints to Delta tables and skips them silently otherwise;
the project's `spark__persist_constraints` (macros/constraints/) checks them on the built
table instead. A throwaway dbt project with the project's macro and two contracted
models, one with nulls in a constrained column, is built on a local Spark session.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.spark

PROJECT_DIR = Path(__file__).resolve().parents[2]
MACRO = PROJECT_DIR / "macros" / "constraints" / "spark__persist_constraints.sql"

MODELS_YML = """
version: 2
models:
  - name: {name}
    config:
      contract: {{enforced: true}}
    columns:
      - name: id
        data_type: int
        constraints: [{{type: not_null}}]
      - name: label
        data_type: string
        constraints: [{{type: not_null}}]
      - name: note
        data_type: string
"""


# A few statements on a few rows: the driver JVM with a quick JIT (C1 only) and one GC
# thread, no code generation (test_spark_sameness.py's SPARK_TEST_ENV, README "Running on
# Spark"); none of it changes what the statements do.
QUICK_JVM = (
    "-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=256m -XX:+UseSerialGC "
    "-Dderby.system.durability=test"
)


def spark_available() -> bool:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return shutil.which("java") is not None or bool(os.environ.get("JAVA_HOME"))


def write_project(root: Path) -> None:
    (root / "macros").mkdir(parents=True)
    (root / "models").mkdir()
    shutil.copy(MACRO, root / "macros" / MACRO.name)
    (root / "dbt_project.yml").write_text(
        "name: spark_constraints\nversion: '1.0'\nconfig-version: 2\nprofile: spark_constraints\n"
        "models:\n  spark_constraints:\n    +materialized: table\n"
    )
    lake = root / "lake"
    metastore = f"jdbc:derby:;databaseName={lake}/metastore_db;create=true"
    (root / "profiles.yml").write_text(
        f"""spark_constraints:
  target: spark
  outputs:
    spark:
      type: spark
      method: session
      host: NA
      schema: constraints
      threads: 1
      server_side_parameters:
        spark.master: local[1]
        spark.sql.warehouse.dir: {lake}/spark-warehouse
        spark.hadoop.javax.jdo.option.ConnectionURL: "{metastore}"
        spark.driver.extraJavaOptions: "-Dderby.system.home={lake} {QUICK_JVM}"
        spark.sql.shuffle.partitions: "1"
        spark.sql.adaptive.enabled: "false"
        spark.sql.codegen.wholeStage: "false"
        spark.sql.codegen.factoryMode: NO_CODEGEN
        spark.ui.enabled: "false"
        spark.ui.showConsoleProgress: "false"
"""
    )
    models = {
        # Nulls only in `note`, which has no constraint.
        "clean": "select 1 as id, 'a' as label, cast(null as string) as note",
        # Two nulls in the constrained column `label`.
        "dirty": (
            "select 1 as id, cast(null as string) as label, 'x' as note union all "
            "select 2, cast(null as string), 'y' union all select 3, 'c', 'z'"
        ),
    }
    for name, sql in models.items():
        (root / "models" / f"{name}.sql").write_text(sql + "\n")
        (root / "models" / f"{name}.yml").write_text(MODELS_YML.format(name=name))


@pytest.mark.skipif(not spark_available(), reason="needs pyspark (the spark extra) and Java")
def test_not_null_constraints_are_enforced_on_parquet_tables(tmp_path: Path) -> None:
    write_project(tmp_path)
    run = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "run",
            "--project-dir",
            str(tmp_path),
            "--profiles-dir",
            str(tmp_path),
            "--target-path",
            str(tmp_path / "target"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
        timeout=900,
    )
    results = {
        r["unique_id"].split(".")[-1]: r
        for r in json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    }
    assert run.returncode == 1, run.stdout[-3000:]
    assert results["clean"]["status"] == "success"
    assert results["dirty"]["status"] == "error"
    message = results["dirty"]["message"]
    assert "not_null constraint violated in model dirty" in message
    assert "column label (2 null rows)" in message
    assert "note" not in message.split("):", 1)[1]
