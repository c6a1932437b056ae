"""Targets: tier counts against capacity, owner load, tier 1/2/3 lists with their reasons."""

from __future__ import annotations

import streamlit as st

from dashboard.common import ACCOUNT_LINK, publication_caption, serving, with_account_links
from orchestration.lib import serving_reader as reader

ALL = "(all)"
LIMIT = 200  # rows per tier list
LIST_COLUMNS = [c for c in reader.TARGET_COLUMNS if c != "tier"]
TIER_1_COLUMNS = ["account_name", "domain", "owner_name", "motion", "fit_grade", "tier_reason"]

st.title("Target accounts")
with serving() as con:
    publication_caption(con)
    counts = reader.tier_counts(con)
    capacity = reader.configured_tier_capacity()
    counts["capacity"] = [capacity.get(tier) for tier in counts["tier"]]
    st.subheader("Accounts per tier against capacity")
    st.dataframe(counts, hide_index=True)
    per_cluster = reader.capacity_per_cluster()
    if per_cluster:
        st.caption(f"Capacity of {', '.join(per_cluster)} is per cluster (primary need).")

    options = reader.filter_options(con)
    columns = st.columns(4)
    chosen = {
        name: columns[i].selectbox(name.capitalize(), [ALL, *options[name]], key=f"filter_{name}")
        for i, name in enumerate(("owner", "segment", "region", "need"))
    }
    filters = {name: None if value == ALL else value for name, value in chosen.items()}

    for tier in reader.TIERS:
        rows = reader.targets(con, reader.TargetFilter(tiers=(tier,), **filters, limit=LIMIT))
        label = tier.replace("_", " ").capitalize()
        more = f", the first {LIMIT} shown" if len(rows) == LIMIT else ""
        st.subheader(f"{label} accounts ({len(rows)}{more})")
        with st.container(key=f"{tier}_table"):
            if rows.empty:
                st.info(f"No {label.lower()} accounts match the filters.")
            elif tier == "tier_1":
                # Tier 1 is small (its capacity): a plain table, every reason in full.
                st.table(rows[TIER_1_COLUMNS].set_index("account_name"))
            else:
                st.dataframe(
                    with_account_links(rows[LIST_COLUMNS]),
                    hide_index=True,
                    column_config={"account_id": ACCOUNT_LINK},
                )

    st.subheader("Owner load against capacity (target accounts per owner and tier)")
    st.dataframe(reader.owner_load(con, filters["owner"]), hide_index=True)
