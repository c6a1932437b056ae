"""The data contract of each landed table, read from its GX suite (the single source of truth)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from great_expectations.core.expectation_suite import ExpectationSuite
from great_expectations.expectations.expectation import ColumnMapExpectation

from orchestration.lib.settings import PROJECT_DIR

EXPECTATIONS_DIR = PROJECT_DIR / "expectations"

# The 11 contract tables, in the order of the raw data contract.
CONTRACT_TABLES: list[tuple[str, str]] = [
    ("crm", "account"),
    ("crm", "contact"),
    ("crm", "lead"),
    ("crm", "opportunity"),
    ("crm", "user"),
    ("crm", "task"),
    ("enrichment", "company"),
    ("enrichment", "technology"),
    ("intent", "bombora_surge"),
    ("intent", "g2_buyer_intent"),
    ("engagement", "activity"),
]


def suite_name(source: str, table: str) -> str:
    return f"raw__{source}__{table}"


def raw_table_name(source: str, table: str) -> str:
    return f"{source}__{table}"


@dataclass(frozen=True)
class TableContract:
    source: str
    table: str
    columns: tuple[str, ...]
    suite: ExpectationSuite

    @property
    def raw_table(self) -> str:
        return raw_table_name(self.source, self.table)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(
            e.column  # type: ignore[attr-defined]
            for e in self.suite.expectations
            if e.expectation_type == "expect_column_to_exist"
        )

    @property
    def key_columns(self) -> tuple[str, ...]:
        """One record version: two rows of a file with the same values here are duplicates."""
        return tuple((self.suite.meta.get("contract") or {}).get("key_columns") or ())

    def row_columns(self) -> list[str]:
        """Columns the row-level expectations read (incl. row conditions), in contract order."""
        referenced: set[str] = set()

        def walk(node: object) -> None:
            if isinstance(node, dict):
                for key, value in node.items():
                    if key == "column" and isinstance(value, str):
                        referenced.add(value)
                    elif key == "column" and isinstance(value, dict) and "name" in value:
                        referenced.add(value["name"])
                    else:
                        walk(value)
            elif isinstance(node, list):
                for item in node:
                    walk(item)

        walk(self.row_suite().to_json_dict()["expectations"])
        return [name for name in self.columns if name in referenced]

    def file_suite(self) -> ExpectationSuite:
        """The table-level expectations: they look at the columns a file has."""
        return self._subsuite(row_level=False)

    def row_suite(self) -> ExpectationSuite:
        """The row-level expectations: their failures name rows to quarantine."""
        return self._subsuite(row_level=True)

    def _subsuite(self, *, row_level: bool) -> ExpectationSuite:
        chosen = [
            e.configuration.to_json_dict()
            for e in self.suite.expectations
            if isinstance(e, ColumnMapExpectation) == row_level
        ]
        name = f"{self.suite.name}__{'rows' if row_level else 'file'}"
        return ExpectationSuite(name=name, expectations=chosen)


def load_suite(path: Path) -> ExpectationSuite:
    data = json.loads(path.read_text())
    return ExpectationSuite(
        name=data["name"],
        expectations=data["expectations"],
        meta=data.get("meta") or {},
        notes=data.get("notes"),
    )


def load_contract(
    source: str, table: str, expectations_dir: Path = EXPECTATIONS_DIR
) -> TableContract:
    path = expectations_dir / "expectations" / f"{suite_name(source, table)}.json"
    suite = load_suite(path)
    contract = suite.meta.get("contract") or {}
    if (contract.get("source"), contract.get("table")) != (source, table):
        raise ValueError(f"{path}: meta.contract does not describe {source}/{table}")
    columns = tuple(contract["columns"])
    contract_obj = TableContract(source=source, table=table, columns=columns, suite=suite)
    missing = set(contract_obj.required_columns) - set(columns)
    if missing:
        raise ValueError(f"{path}: required columns {sorted(missing)} not in meta.contract.columns")
    return contract_obj


@cache
def _cached_contract(source: str, table: str, expectations_dir: Path) -> TableContract:
    return load_contract(source, table, expectations_dir)


def contracts(expectations_dir: Path = EXPECTATIONS_DIR) -> list[TableContract]:
    return [_cached_contract(s, t, expectations_dir) for s, t in CONTRACT_TABLES]


def contract_for(
    source: str, table: str, expectations_dir: Path = EXPECTATIONS_DIR
) -> TableContract:
    if (source, table) not in CONTRACT_TABLES:
        raise ValueError(f"{source}/{table} is not a contract table")
    return _cached_contract(source, table, expectations_dir)
