"""A suite's regular expressions (Python `re`, as GX applies them on pandas) for DuckDB (RE2).

GX checks `expect_column_values_to_match_regex` with `Series.str.contains(regex)`: Python's
`re.search`, where `\\s` is any Unicode white space and `$` also matches before a final
newline. DuckDB's `regexp_matches` is RE2, where `\\s` is ASCII white space only and `$` is
the very end. `to_re2` rewrites the pattern so that RE2 answers as Python would, for the
part of the syntax it knows; anything else raises `Untranslatable` (the table then falls
back to GX) rather than being guessed at.
"""

from __future__ import annotations

import re
import sys
from functools import cache

_CLASS_ESCAPES = {"t": "\\t", "n": "\\n", "r": "\\r", "f": "\\f", "v": "\\v", "a": "\\x{7}"}
_QUANTIFIERS = "*+?"


class Untranslatable(ValueError):
    """The pattern uses syntax whose meaning differs (or may differ) between Python and RE2."""


@cache
def _space_ranges() -> str:
    """Python's `\\s` (str.isspace) as RE2 class ranges, without brackets."""
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    points = [ord(c) for c in re.findall(r"\s", every)]
    ranges: list[tuple[int, int]] = []
    for point in points:
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1] = (ranges[-1][0], point)
        else:
            ranges.append((point, point))
    return "".join(
        f"\\x{{{lo:x}}}" if lo == hi else f"\\x{{{lo:x}}}-\\x{{{hi:x}}}" for lo, hi in ranges
    )


def _hex_escape(pattern: str, index: int, kind: str) -> tuple[str, int]:
    """`\\xhh`, `\\uhhhh`, `\\Uhhhhhhhh` at pattern[index] (the letter) -> RE2 `\\x{...}`."""
    width = {"x": 2, "u": 4, "U": 8}[kind]
    digits = pattern[index + 1 : index + 1 + width]
    if len(digits) != width or any(c not in "0123456789abcdefABCDEF" for c in digits):
        raise Untranslatable(f"malformed \\{kind} escape")
    return f"\\x{{{digits}}}", index + 1 + width


def _escape(pattern: str, index: int, *, in_class: bool) -> tuple[str, int]:
    """The escape whose letter is at pattern[index]: its RE2 text and the next index."""
    if index >= len(pattern):
        raise Untranslatable("a trailing backslash")
    char = pattern[index]
    if char == "s":
        spaces = _space_ranges()
        return (spaces if in_class else f"[{spaces}]"), index + 1
    if char == "S" and not in_class:
        return f"[^{_space_ranges()}]", index + 1
    if char in _CLASS_ESCAPES:
        return _CLASS_ESCAPES[char], index + 1
    if char in "xuU":
        return _hex_escape(pattern, index, char)
    if not char.isalnum() and char != "_" and ord(char) < 128:
        return "\\" + char, index + 1  # an escaped punctuation character is itself
    # \d, \w, \b (Unicode-aware in Python, ASCII in RE2), back-references, \A, \Z ...
    raise Untranslatable(f"the escape \\{char}")


def _character_class(pattern: str, index: int) -> tuple[str, int]:
    """`[...]` starting at pattern[index] ('['): its RE2 text and the index after `]`."""
    out = ["["]
    index += 1
    if index < len(pattern) and pattern[index] == "^":
        out.append("^")
        index += 1
    first = True
    while index < len(pattern):
        char = pattern[index]
        if char == "]" and not first:
            out.append("]")
            return "".join(out), index + 1
        first = False
        if char == "\\":
            text, index = _escape(pattern, index + 1, in_class=True)
            out.append(text)
            continue
        if char == "[" or (char in "&~|" and pattern[index : index + 2] == char * 2):
            # RE2 reads `[:alpha:]` inside a class; Python 3.11 reads a plain `[`.
            raise Untranslatable("a nested '[' or a set operation in a character class")
        out.append("\\]" if char == "]" else char)
        index += 1
    raise Untranslatable("a character class that never closes")


def _repeat(pattern: str, index: int) -> tuple[str, int] | None:
    """`{m}`, `{m,}`, `{m,n}`, `{,n}` at pattern[index]; None when `{` is a literal."""
    end = pattern.find("}", index)
    if end < 0:
        return None
    body = pattern[index + 1 : end]
    low, comma, high = body.partition(",")
    if not (low.isdigit() or (comma and not low)) or (high and not high.isdigit()):
        return None
    if not comma and not low:
        return None
    if int(high or low or 0) > 1000 or int(low or 0) > 1000:
        raise Untranslatable("a repeat count above RE2's 1000")
    return "{" + (low or "0") + comma + high + "}", end + 1


def _group(pattern: str, index: int) -> tuple[str, int]:
    """The opening of a group at pattern[index] ('(')."""
    if pattern.startswith("(?:", index):
        return "(?:", index + 3
    if pattern.startswith("(?P<", index):
        return "(?P<", index + 4
    if pattern.startswith("(?", index):
        raise Untranslatable("a lookaround, inline flag or other '(?' group")
    return "(", index + 1


def _end_anchor(pattern: str, index: int) -> str:
    """Python's `$` (the end, or before a final newline) when only `)`s follow it."""
    if pattern[index + 1 :].strip(")"):
        raise Untranslatable("a '$' that is not at the end of the pattern")
    return "(?:\\n?\\z)"


@cache
def to_re2(pattern: str) -> str:
    """The RE2 pattern that `regexp_matches` answers as Python's `re.search(pattern)` does."""
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            text, index = _escape(pattern, index + 1, in_class=False)
        elif char == "[":
            text, index = _character_class(pattern, index)
        elif char == "(":
            text, index = _group(pattern, index)
        elif char == "$":
            text, index = _end_anchor(pattern, index), index + 1
        elif char == "{":
            repeat = _repeat(pattern, index)
            text, index = repeat if repeat else ("\\{", index + 1)
        elif char in _QUANTIFIERS or char == "}":
            text, index = char, index + 1
            if char == "}":
                text = "\\}"
        else:
            text, index = char, index + 1
        if (
            index < len(pattern)
            and pattern[index] == "+"
            and (text in _QUANTIFIERS or text.endswith("}") and not text.startswith("\\"))
        ):
            raise Untranslatable("a possessive quantifier")
        out.append(text)
    return "".join(out)
