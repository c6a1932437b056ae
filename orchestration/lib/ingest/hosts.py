"""One spelling per internationalized domain: hosts in Unicode (IDNA U-labels).

`münchen-gmbh.de` and its punycode `xn--mnchen-gmbh-thb.de` are one company. At load,
the host inside a domain, website or e-mail value is rewritten to its Unicode form
(UTS #46 mapping, lower case), the rest of the value (scheme, path, e-mail local part)
is kept as delivered. Plain ASCII hosts without `xn--` never reach Python.
"""

from __future__ import annotations

import re

import duckdb
import idna

# Contract columns that hold a host: a domain, a website URL or an e-mail address.
HOST_COLUMNS = frozenset(
    {"website", "email", "domain", "parent_domain", "ultimate_parent_domain", "ip_domain"}
)
UDF_NAME = "abm_unicode_host"

_HOST = re.compile(
    r"^(?P<pre>\s*(?:[A-Za-z][A-Za-z0-9+.-]*://)?(?:[^@/?#\s]*@)?)"
    r"(?P<host>[^/?#:@\s]+)(?P<post>.*)$",
    re.DOTALL,
)


def unicode_host(value: str | None) -> str | None:
    """'https://www.XN--Mnchen-GmbH-thb.de/x' -> 'https://www.münchen-gmbh.de/x'."""
    if value is None:
        return None
    match = _HOST.match(value)
    if match is None:
        return value
    host = match["host"]
    trailing_dot = host.endswith(".")
    try:
        decoded = idna.decode(host.rstrip("."), uts46=True)
    except (idna.IDNAError, UnicodeError, ValueError):
        return value  # not a valid IDN: kept as delivered, staging judges it
    return match["pre"] + decoded + ("." if trailing_dot else "") + match["post"]


def register(con: duckdb.DuckDBPyConnection) -> None:
    con.create_function(UDF_NAME, unicode_host, ["VARCHAR"], "VARCHAR", side_effects=False)


def normalized(column: str, expression: str) -> str:
    """The SQL that sends only non-ASCII or punycode values of a host column to Python."""
    if column not in HOST_COLUMNS:
        return expression
    return (
        f"case when regexp_matches({expression}, '[^\\x00-\\x7F]|(?i)xn--') "
        f"then {UDF_NAME}({expression}) else {expression} end"
    )
