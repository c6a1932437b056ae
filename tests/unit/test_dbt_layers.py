"""The dbt project's shape, read from the manifest: layers flow one way, models stay small.

The rules (issue "One home for every rule"): staging is thin (one source table each,
never another staging model, except that a staging model may be the filter of its own
base model, `base_<source>__<table>` in `staging/<source>/base/`, which reads the one
source table); no intermediate model reads a mart; marts read
intermediate models only; no model file is over 250 lines; no engine switch in a
model body (engine differences are dispatched macros).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
MAX_MODEL_LINES = 250


@pytest.fixture(scope="module")
def models() -> dict[str, dict]:
    manifest = json.loads((PROJECT_DIR / "target" / "manifest.json").read_text())
    return {
        key: node for key, node in manifest["nodes"].items() if node["resource_type"] == "model"
    }


def layer(node: dict) -> str:
    return Path(node["original_file_path"]).parts[1]


def parents(node: dict, models: dict[str, dict], kind: str) -> list[str]:
    if kind == "source":
        return [d for d in node["depends_on"]["nodes"] if d.startswith("source.")]
    return [models[d]["name"] for d in node["depends_on"]["nodes"] if d in models]


def test_every_model_is_in_a_known_layer(models: dict[str, dict]) -> None:
    assert {layer(node) for node in models.values()} <= {"staging", "intermediate", "marts"}


def reads_its_base_model(node: dict, models: dict[str, dict]) -> bool:
    """A staging model that reads nothing but the base model of its own table."""
    source_table = node["name"].removeprefix("stg_")
    return not parents(node, models, "source") and parents(node, models, "model") == [
        f"base_{source_table}"
    ]


def test_staging_models_read_one_source_table_and_no_model(models: dict[str, dict]) -> None:
    offenders = {
        node["name"]: (parents(node, models, "model"), parents(node, models, "source"))
        for node in models.values()
        if layer(node) == "staging"
        and not reads_its_base_model(node, models)
        and (parents(node, models, "model") or len(parents(node, models, "source")) != 1)
    }
    assert offenders == {}


def test_base_models_are_read_by_their_staging_model_only(models: dict[str, dict]) -> None:
    readers: dict[str, list[str]] = {}
    for node in models.values():
        for parent in parents(node, models, "model"):
            if parent.startswith("base_"):
                readers.setdefault(parent, []).append(node["name"])
    assert readers, "no base model: the rule below would hold for nothing"
    assert {base: names for base, names in readers.items() if names != [f"stg_{base[5:]}"]} == {}


def test_no_intermediate_model_reads_a_mart(models: dict[str, dict]) -> None:
    offenders = {
        node["name"]: [
            p for p in parents(node, models, "model")
            if any(m["name"] == p and layer(m) == "marts" for m in models.values())
        ]
        for node in models.values()
        if layer(node) == "intermediate"
    }
    assert {name: marts for name, marts in offenders.items() if marts} == {}


def test_marts_read_intermediate_models_not_marts(models: dict[str, dict]) -> None:
    mart_names = {node["name"] for node in models.values() if layer(node) == "marts"}
    offenders = {
        node["name"]: sorted(set(parents(node, models, "model")) & mart_names)
        for node in models.values()
        if layer(node) == "marts"
    }
    assert {name: marts for name, marts in offenders.items() if marts} == {}


def test_no_model_reads_sources_past_staging(models: dict[str, dict]) -> None:
    offenders = [
        node["name"] for node in models.values()
        if layer(node) != "staging" and parents(node, models, "source")
    ]
    assert offenders == []


def test_no_model_file_is_over_the_limit(models: dict[str, dict]) -> None:
    sizes = {
        node["name"]: len((PROJECT_DIR / node["original_file_path"]).read_text().splitlines())
        for node in models.values()
    }
    assert {name: n for name, n in sizes.items() if n > MAX_MODEL_LINES} == {}


def test_engine_differences_live_in_macros(models: dict[str, dict]) -> None:
    switch = re.compile(r"target\.type")
    offenders = [
        node["original_file_path"] for node in models.values()
        if switch.search((PROJECT_DIR / node["original_file_path"]).read_text())
    ]
    assert offenders == []
