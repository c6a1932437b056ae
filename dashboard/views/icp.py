"""ICP: attribute weights (lift), the backtest (AUC, lift by decile and grade), what changed."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboard.common import publication_caption, serving
from orchestration.lib import serving_reader as reader

st.title("Ideal customer profile")
with serving() as con:
    publication_caption(con)
    weights = reader.icp_weights(con)
    backtest = reader.backtest_status(con)
    deciles = reader.icp_backtest(con, "decile")
    grades = reader.icp_backtest(con, "grade")
    changes = reader.tier_changes_since_last_run(con)

st.subheader("Attribute weights: how much more often accounts with it win")
if weights.empty:
    st.info("No scored attributes.")
else:
    weights["attribute"] = weights["attribute_label"] + ": " + weights["bucket"].astype(str)
    st.altair_chart(
        alt.Chart(weights)
        .mark_bar()
        .encode(
            x=alt.X("lift:Q", title="win-rate lift (1 = average)"),
            y=alt.Y("attribute:N", sort="-x", title=None, axis=alt.Axis(labelLimit=320)),
            color=alt.condition("datum.lift >= 1", alt.value("#27ae60"), alt.value("#c0392b")),
            tooltip=["attribute", "lift", "weight", "support", "evidence", "rule_reason"],
        )
    )
    st.dataframe(weights.drop(columns=["attribute"]), hide_index=True)

st.subheader("Backtest")
for line in backtest:
    auc = line["auc"]
    text = (
        f"AUC {auc:.3f} ({line['auc_status']}; warns below {line['auc_warn_below']}, "
        f"fails below {line['auc_fail_below']}) on {line['total_outcomes']} outcomes after "
        f"{line['backtest_cutoff_date']}"
        if auc is not None
        else f"No AUC ({line['auc_status']})"
    )
    (st.success if line["auc_status"] == "pass" else st.warning)(text)
left, right = st.columns(2)
with left:
    st.caption("Lift by fit-score decile (1 = best)")
    if not deciles.empty:
        st.bar_chart(deciles, x="bucket", y="lift", sort=False)
with right:
    st.caption("Lift by fit grade")
    if not grades.empty:
        st.bar_chart(grades, x="bucket", y="lift")

st.subheader("What changed since the last run (tier changes)")
if changes.empty:
    st.info("No account changed tier in the latest run.")
else:
    st.dataframe(changes, hide_index=True)
