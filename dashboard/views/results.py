"""Results: KPIs of target against non-target accounts per month, and the program budget."""

from __future__ import annotations

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
columns = st.columns(2)
for i, (kpi, label) in enumerate(KPIS.items()):
    with columns[i % 2]:
        st.caption(label)
        wide = kpis.pivot_table(index="month_start_date", columns="tier_group", values=kpi)
        st.line_chart(wide)

st.subheader("Program budget this quarter")
if budget.empty:
    st.info("No program plan published.")
else:
    st.bar_chart(budget, x="plan_tier", y="planned_cost_usd")
    st.dataframe(budget, hide_index=True)
