"""Data health: the last publication, its run's check warnings, quarantined rows and
rejected files, warnings from the published data."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.common import publication_caption, serving
from orchestration.lib import serving_reader as reader

st.title("Data health")
with serving() as con:
    published = publication_caption(con)
    backtest = reader.backtest_status(con)
    counts = reader.tier_counts(con)
    checks = reader.check_results(con)

st.subheader("Last publication")
st.write(
    f"Published **{published.published_at}** by run `{published.run_id}`, "
    f"scored as of **{published.as_of_date}**."
)
rows = pd.DataFrame(
    {"mart": list(published.row_counts), "rows": list(published.row_counts.values())}
)
st.dataframe(rows, hide_index=True)

st.subheader("Check warnings of the run")
if checks is None:
    st.info("This serving file was published before the run's check results were recorded.")
elif checks.empty:
    st.success("Every check of the publishing run passed.")
else:
    warned = int((checks["status"] == "warned").sum())
    st.warning(
        f"{warned} check(s) warned and {len(checks) - warned} failed without blocking in the "
        "run that published this data (dbt tests: `dbt test -s <check> --store-failures` "
        "shows the rows)."
    )
    st.dataframe(checks, hide_index=True)

st.subheader("Warnings")
warnings = reader.health_warnings(
    published,
    backtest,
    counts,
    reader.configured_tier_capacity(),
    tuple(reader.capacity_per_cluster()),
)
for warning in warnings:
    st.warning(warning)
if not warnings:
    st.success("No warnings in the published data.")

st.subheader("Ingestion: quarantined rows and rejected files")
summary = published.load_summary
if summary is None:
    st.info("This serving file was published before ingestion summaries were recorded.")
else:
    files = summary["files"]
    columns = st.columns(3)
    columns[0].metric("Files loaded", files.get("loaded", 0))
    columns[1].metric("Files rejected", sum(v for k, v in files.items() if k != "loaded"))
    columns[2].metric("Rows in quarantine", summary["rows_quarantined"])
    if summary["rejected_files"]:
        st.caption("Rejected files (latest first)")
        st.dataframe(pd.DataFrame(summary["rejected_files"]), hide_index=True)
    if summary["quarantine_reasons"]:
        st.caption("Most frequent quarantine reasons")
        st.dataframe(pd.DataFrame(summary["quarantine_reasons"]), hide_index=True)
