"""Header normalization: every spelling the contract's sources use maps to the snake_case name."""

from __future__ import annotations

import pytest

from orchestration.lib.ingest.headers import header_collisions, normalize_header, normalize_headers


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("AnnualRevenue", "annual_revenue"),
        ("CompositeScore", "composite_score"),
        ("LastModifiedDate", "last_modified_date"),
        ("Id", "id"),
        ("ID", "id"),
        ("BillingCountry", "billing_country"),
        ("ipDomain", "ip_domain"),
        ("Topic Name", "topic_name"),
        ("HQ Country", "hq_country"),
        ("Topic ID", "topic_id"),
        ("composite-score-delta", "composite_score_delta"),
        ("  number_of_employees  ", "number_of_employees"),
        ("\ufeffId", "id"),
        ("NumberOfEmployees", "number_of_employees"),
        ("HTTPStatus", "http_status"),
    ],
)
def test_normalize_header(header: str, expected: str) -> None:
    assert normalize_header(header) == expected


def test_blank_headers_get_a_positional_name() -> None:
    assert normalize_headers(["Id", "", "  "]) == ["id", "unnamed_2", "unnamed_3"]


def test_collisions_name_the_original_headers() -> None:
    assert header_collisions(["Id", "Name", "id", "AnnualRevenue", "annual revenue"]) == {
        "id": ["Id", "id"],
        "annual_revenue": ["AnnualRevenue", "annual revenue"],
    }
    assert header_collisions(["Id", "Name"]) == {}
