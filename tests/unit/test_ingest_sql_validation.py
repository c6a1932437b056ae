"""The suites compiled to SQL: RE2 answers as Python's `re` does, every suite compiles,
and a suite the compiler cannot translate is validated by GX with a logged reason."""

from __future__ import annotations

import json
import logging
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.ingest import CONTRACT_TABLES, contract_for, ingest_table
from orchestration.lib.ingest.contracts import EXPECTATIONS_DIR
from orchestration.lib.ingest.regex_sql import Untranslatable, to_re2
from orchestration.lib.ingest.sql_validation import compile_suite

SUITE_REGEXES = sorted(
    {
        e["kwargs"]["regex"]
        for path in (EXPECTATIONS_DIR / "expectations").glob("*.json")
        for e in json.loads(path.read_text())["expectations"]
        if "regex" in e["kwargs"]
    }
)
MORE_PATTERNS = [
    r"^[0-9]+$",
    r"^a.b$",
    r"^\S+@\S+$",
    r"^x{,2}$",
    r"^[\s\]x-]+$",
    r"^\u00e9\x41{2}$",
    r"^(?P<year>[0-9]{4})$",
    r"a{x",
]
VALUES = [
    "",
    "2024-01-02",
    " 2024-01-02T10:00:00.123+00:00 ",
    "2024-01-02\n",
    "2024-01-02\n\n",
    "\u00a02024-01-02\u3000",
    "\x1c50\x1f",
    "\u200b50",
    "01/05/2024 9:05",
    "13/01/2024",
    "\u0664\u0662",
    "100.000",
    "+.5",
    "1e2",
    "-3",
    "a\nb",
    "axb",
    "ann@acme.com",
    "ann @acme.com",
    " ]x-",
    "éAA",
    "x{,2}",
    "a{x",
    "2024",
    "xx",
]


@pytest.mark.parametrize("pattern", SUITE_REGEXES + MORE_PATTERNS)
def test_re2_answers_as_pythons_re_search(pattern: str) -> None:
    translated = to_re2(pattern)
    with duckdb.connect() as con:
        by_re2 = [
            con.execute("select regexp_matches(?, ?)", [v, translated]).fetchone()[0]
            for v in VALUES
        ]
    by_python = [re.search(pattern, value) is not None for value in VALUES]
    assert by_re2 == by_python


@pytest.mark.parametrize(
    "pattern",
    [r"^\d+$", r"\bacme", r"^(?=a)", r"^a++$", r"[[:alpha:]]", r"a$b", r"(?i)acme", r"(a)\1"],
)
def test_syntax_that_differs_between_python_and_re2_is_refused(pattern: str) -> None:
    with pytest.raises(Untranslatable):
        to_re2(pattern)


def test_every_suite_compiles_and_uses_only_the_handled_expectation_types() -> None:
    used = {
        e["type"]
        for path in (EXPECTATIONS_DIR / "expectations").glob("*.json")
        for e in json.loads(path.read_text())["expectations"]
    }
    assert used == {
        "expect_column_to_exist",
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_match_regex",
        "expect_column_values_to_be_in_set",
    }
    for source, table in CONTRACT_TABLES:
        compiled = compile_suite(contract_for(source, table))
        assert compiled.rules and compiled.required_columns


def test_a_suite_the_compiler_cannot_translate_is_checked_by_gx(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    expectations = tmp_path / "expectations"
    shutil.copytree(EXPECTATIONS_DIR, expectations, ignore=shutil.ignore_patterns("uncommitted"))
    suite_path = expectations / "expectations" / "raw__crm__user.json"
    suite = json.loads(suite_path.read_text())
    suite["expectations"].append(
        {
            "type": "expect_column_value_lengths_to_be_between",
            "kwargs": {"column": "id", "max_value": 3},
            "meta": {"level": "row", "reason": "{column} '{value}' is longer than 3"},
        }
    )
    suite_path.write_text(json.dumps(suite))
    landing = tmp_path / "landing"
    (landing / "crm" / "user").mkdir(parents=True)
    (landing / "crm" / "user" / "u.csv").write_text("Id,Name\nu1,Ann\nu1234,Bob\n")
    warehouse = tmp_path / "warehouse.duckdb"

    with caplog.at_level(logging.WARNING):
        result = ingest_table(
            warehouse,
            landing,
            "crm",
            "user",
            expectations_dir=expectations,
            max_quarantine_share=0.5,
            validation="sql",
        )

    assert "crm/user: validated with GX" in caplog.text
    assert "expect_column_value_lengths_to_be_between" in caplog.text
    (file,) = result.files
    assert (file.status, file.rows_loaded, file.rows_quarantined) == ("loaded", 1, 1)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select reason from raw.quarantine").fetchall() == [
            ("id 'u1234' is longer than 3",)
        ]
