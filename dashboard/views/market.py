"""Market: net-new accounts worth adding and the total addressable market by dimension."""

from __future__ import annotations

import streamlit as st

from dashboard.common import publication_caption, serving
from orchestration.lib import serving_reader as reader

st.title("Market")
dimension = st.selectbox("TAM by", reader.TAM_DIMENSIONS, key="tam_dimension")
with serving() as con:
    publication_caption(con)
    net_new = reader.net_new(con, limit=100)
    tam = reader.tam_by(con, dimension)

st.subheader("Net-new accounts worth adding to the CRM (best first)")
if net_new.empty:
    st.info("No net-new accounts qualify.")
else:
    st.dataframe(net_new, hide_index=True)

st.subheader(f"Total addressable market by {dimension}")
st.bar_chart(tam, x=dimension, y=["icp_accounts", "icp_net_new_accounts"], stack=False)
st.dataframe(tam, hide_index=True)
