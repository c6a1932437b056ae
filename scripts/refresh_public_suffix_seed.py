"""Regenerate ``seeds/public_suffixes.csv`` from the Public Suffix List.

The list is read from the copy bundled with the PyPI package ``publicsuffixlist``
(``publicsuffixlist/public_suffix_list.dat``), so the refresh works offline and is
pinned by ``requirements.lock``. To refresh:

    .venv/bin/pip install --upgrade publicsuffixlist   # newer bundled list
    .venv/bin/python scripts/refresh_public_suffix_seed.py
    dbt seed --select public_suffixes                  # then rebuild staging

Or pass ``--dat PATH`` to use a ``public_suffix_list.dat`` downloaded from
https://publicsuffix.org/list/public_suffix_list.dat.

Only the ICANN section is written by default. The private section lists hosting
platforms' customer namespaces (``github.io``, ``herokuapp.com``,
``*.compute.amazonaws.com``, ``blogspot.com`` ...). For account-based marketing a
domain names the company that registered it; with private rules every
``x.herokuapp.com`` would become its own "company" and a vendor such as GitHub or
Amazon would lose its domains to sub-tenants. ``--include-private`` adds them
(section ``private``) for projects that want the browser's view instead.

Columns written: ``rule`` (as in the list), ``suffix`` (the rule without ``*.`` or
``!``), ``rule_type`` (``normal`` | ``wildcard`` | ``exception``), ``label_count``
(labels in ``suffix``) and ``section``. Internationalized rules are written both in
Unicode and in their punycode (``xn--``) form, since hosts arrive in either.
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import publicsuffixlist

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = REPO_ROOT / "seeds" / "public_suffixes.csv"
BUNDLED_DAT = Path(publicsuffixlist.__file__).with_name("public_suffix_list.dat")
COLUMNS = ("rule", "suffix", "rule_type", "label_count", "section")


@dataclass(frozen=True)
class SuffixRule:
    rule: str
    suffix: str
    rule_type: str
    label_count: int
    section: str

    def as_row(self) -> tuple[str, str, str, str, str]:
        return (self.rule, self.suffix, self.rule_type, str(self.label_count), self.section)


def to_punycode(text: str) -> str:
    """Return the ASCII (IDNA) form of a dotted name, or the name when it is ASCII."""
    if text.isascii():
        return text
    labels = text.split(".")
    return ".".join(lab if lab.isascii() else lab.encode("idna").decode("ascii") for lab in labels)


def parse_rule(line: str, section: str) -> SuffixRule:
    rule = line.strip().lower()
    if rule.startswith("!"):
        suffix, rule_type = rule[1:], "exception"
    elif rule.startswith("*."):
        suffix, rule_type = rule[2:], "wildcard"
    else:
        suffix, rule_type = rule, "normal"
    return SuffixRule(rule, suffix, rule_type, suffix.count(".") + 1, section)


def read_rules(lines: Iterable[str], include_private: bool) -> Iterator[SuffixRule]:
    section: str | None = None
    for raw in lines:
        line = raw.strip()
        if line.startswith("// ===BEGIN ICANN DOMAINS==="):
            section = "icann"
        elif line.startswith("// ===BEGIN PRIVATE DOMAINS==="):
            section = "private"
        elif line.startswith("// ===END"):
            section = None
        elif not line or line.startswith("//") or section is None:
            continue
        elif section == "icann" or include_private:
            # A rule ends at the first whitespace (the list's own format).
            yield parse_rule(line.split()[0], section)


def with_punycode(rules: Iterable[SuffixRule]) -> list[SuffixRule]:
    """Add the punycode spelling of every non-ASCII rule; drop duplicates, keep order."""
    seen: set[str] = set()
    result: list[SuffixRule] = []
    for rule in rules:
        variants = [rule]
        if not rule.rule.isascii():
            prefix = rule.rule[: len(rule.rule) - len(rule.suffix)]
            ascii_suffix = to_punycode(rule.suffix)
            kind, labels, section = rule.rule_type, rule.label_count, rule.section
            variants.append(SuffixRule(prefix + ascii_suffix, ascii_suffix, kind, labels, section))
        for variant in variants:
            if variant.rule not in seen:
                seen.add(variant.rule)
                result.append(variant)
    return result


def write_seed(rules: Iterable[SuffixRule], output: Path) -> int:
    rows = sorted(rule.as_row() for rule in rules)
    with output.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dat", type=Path, default=BUNDLED_DAT, help="list file to read")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="seed CSV to write")
    parser.add_argument("--include-private", action="store_true", help="add the PRIVATE section")
    args = parser.parse_args(argv)
    lines = args.dat.read_text(encoding="utf-8").splitlines()
    count = write_seed(with_punycode(read_rules(lines, args.include_private)), args.output)
    print(f"wrote {count} rules from {args.dat} to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
