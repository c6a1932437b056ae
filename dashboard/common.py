"""What every page shares: the serving connection, the publication line, links."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import duckdb
import streamlit as st

from orchestration.lib import serving_reader


@contextmanager
def serving() -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to ABM_SERVING_PATH for one page run; a clear stop without."""
    try:
        with serving_reader.open_serving() as con:
            yield con
    except serving_reader.ServingFileMissing as missing:
        st.error(str(missing))
        st.stop()


def publication_caption(con: duckdb.DuckDBPyConnection) -> serving_reader.Publication:
    published = serving_reader.publication(con)
    st.caption(
        f"Scored as of {published.as_of_date} · published {published.published_at} "
        f"(run {published.run_id[:8]})"
    )
    return published


def account_url(account_id: str) -> str:
    return f"account?account={quote(account_id)}"


def with_account_links(frame, column: str = "account_id"):
    """The frame with a link to each account's page in place of its id."""
    frame = frame.copy()
    frame[column] = [account_url(value) for value in frame[column]]
    return frame


ACCOUNT_LINK = st.column_config.LinkColumn(
    "account", display_text=r"account\?account=(.*)", help="Open the account page"
)
