"""Header names as the contract spells them: snake_case, whatever tool wrote the file."""

from __future__ import annotations

import re
from collections import defaultdict

_SEPARATORS = re.compile(r"[^0-9a-zA-Z]+")
# "annualRevenue" / "Revenue2" -> split before an upper case letter that follows a
# lower case letter or digit; "HTTPServer" -> split inside a run of capitals.
_LOWER_TO_UPPER = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_ACRONYM_TO_WORD = re.compile(r"(?<=[A-Z])(?=[A-Z][a-z])")


def normalize_header(name: str) -> str:
    """`AnnualRevenue`, `annualRevenue`, ` Annual Revenue `, `annual-revenue`: `annual_revenue`."""
    text = name.replace("\ufeff", "").strip()
    text = _LOWER_TO_UPPER.sub("_", text)
    text = _ACRONYM_TO_WORD.sub("_", text)
    text = _SEPARATORS.sub("_", text)
    return text.strip("_").lower()


def normalize_headers(names: list[str]) -> list[str]:
    """Normalized names in file order; a blank header becomes `unnamed_<position>`."""
    normalized = []
    for position, name in enumerate(names, start=1):
        normalized.append(normalize_header(name or "") or f"unnamed_{position}")
    return normalized


def header_collisions(names: list[str]) -> dict[str, list[str]]:
    """Normalized name -> the original headers that collapse onto it, for every clash."""
    originals: dict[str, list[str]] = defaultdict(list)
    for original, normalized in zip(names, normalize_headers(names), strict=True):
        originals[normalized].append(original)
    return {name: found for name, found in originals.items() if len(found) > 1}
