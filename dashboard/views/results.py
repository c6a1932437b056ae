"""Results: KPIs of target against non-target accounts per month, and the program budget."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboard.common import publication_caption, serving
from orchestration.lib import serving_reader as reader

KPIS = {
    "pipeline_created_usd": "Pipeline created (USD)",
    "opportunities_created": "Opportunities created",
    "win_rate": "Win rate",
    "mqa_to_opportunity_rate": "MQA to opportunity",
    "won_amount_usd": "Won revenue (USD)",
}

st.title("Results")
with serving() as con:
    publication_caption(con)
    kpis = reader.kpis_by_month(con)
    budget = reader.program_budget(con)

st.subheader("Target against non-target accounts, per month")
# One faceted chart (one panel per KPI): one chart spec to build and send, not five.
long = kpis.melt(id_vars=["month_start_date", "tier_group"], value_vars=list(KPIS), var_name="kpi")
long["kpi"] = long["kpi"].map(KPIS)
st.altair_chart(
    alt.Chart(long)
    .mark_line(point=True)
    .encode(
        x=alt.X("month_start_date:T", title=None),
        y=alt.Y("value:Q", title=None),
        color=alt.Color("tier_group:N", title=None),
        tooltip=["month_start_date:T", "tier_group:N", "kpi:N", "value:Q"],
    )
    .properties(width=320, height=180)
    .facet(facet=alt.Facet("kpi:N", title=None, sort=list(KPIS.values())), columns=2)
    .resolve_scale(y="independent")
)

st.subheader("Program budget this quarter")
if budget.empty:
    st.info("No program plan published.")
else:
    st.bar_chart(budget, x="plan_tier", y="planned_cost_usd")
    st.dataframe(budget, hide_index=True)
