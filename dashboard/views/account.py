"""Account: search by name, domain or id; why it is (not) a target, fit, intent,
engagement and its timeline by channel and buying role, journey, tier history and
program plan."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboard.common import publication_caption, serving
from orchestration.lib import serving_reader as reader

st.title("Account")
# The page's address carries the account (?account=...), so a link opens it and the
# address of an open account can be shared; a new address replaces the search text.
param = st.query_params.get("account", "")
if st.session_state.get("account_param") != param:
    st.session_state["account_param"] = param
    st.session_state["account_query"] = param
query = st.text_input("Search by name, domain or account id", key="account_query")
if query != param:
    st.query_params["account"] = st.session_state["account_param"] = query

with serving() as con:
    publication_caption(con)
    if not query.strip():
        st.info("Type a name, a domain (example.com) or an account id.")
        st.stop()
    lookup = reader.find_accounts(con, query)
    if lookup.status == "unknown":
        st.warning(f"No account matches {query!r} by id, domain or name.")
        st.stop()
    match = lookup.matches[0]
    if lookup.status == "ambiguous":
        st.warning(f"{len(lookup.matches)} accounts match {query!r}; pick one.")
        st.dataframe(pd.DataFrame([vars(m) for m in lookup.matches]), hide_index=True)
        labels = {f"{m.account_name} ({m.domain}, {m.account_id})": m for m in lookup.matches}
        match = labels[st.selectbox("Account", list(labels), key="account_pick")]
    profile = reader.account_profile(con, match.account_id)

account = profile.account
st.header(f"{account['account_name'] or account['domain']}")
st.caption(
    f"{account['account_id']} · {account['domain']} · {account['crm_status']} · "
    f"owner {account['owner_name'] or '(none)'} · {account['industry']} · "
    f"{account['size_band']} · {account['region']}"
)
columns = st.columns(5)
columns[0].metric("Tier", account["tier"])
columns[1].metric("Fit", f"{account['fit_grade']} ({account['fit_score'] or 0:.0f})")
columns[2].metric("Intent", f"{account['intent_score'] or 0:.0f}")
columns[3].metric("Engagement", f"{account['engagement_score'] or 0:.0f}")
columns[4].metric("Journey", account["journey_stage"] or "-")

with st.container(key="account_reasons"):
    st.subheader("Why this tier")
    st.markdown(f"**{account['tier']}** ({account['motion']}): {account['tier_reason']}")
    if profile.net_new:
        st.markdown(f"**Net-new:** {profile.net_new['net_new_reason']}")

st.subheader("Fit and its reasons")
st.write(account["fit_reasons"] or "No fit reasons.")
reasons = pd.DataFrame([vars(reason) for reason in profile.fit_reasons])
if not reasons.empty:
    reasons["lift_vs_average"] = reasons["lift"] - 1
    st.altair_chart(
        alt.Chart(reasons)
        .mark_bar()
        .encode(
            x=alt.X("lift_vs_average:Q", title="win-rate lift - 1"),
            y=alt.Y("attribute:N", sort="-x", title=None, axis=alt.Axis(labelLimit=320)),
            color=alt.Color("kind:N", scale=alt.Scale(range=["#c0392b", "#27ae60"])),
            tooltip=["attribute", "kind", "lift"],
        )
    )

left, right = st.columns(2)
with left:
    st.subheader("Intent")
    intent = profile.intent or {}
    st.write(
        f"Topics: {intent.get('top_topics') or 'none'} · needs: {intent.get('top_needs') or '-'}"
        f" · surging: {intent.get('is_surging')}"
    )
    if profile.intent_trend:
        st.line_chart(pd.DataFrame(profile.intent_trend), x="as_of_date", y="intent_score")
with right:
    st.subheader("Engagement")
    engagement = profile.engagement or {}
    st.write(
        f"{engagement.get('activity_count') or 0} activities, "
        f"{engagement.get('engaged_people') or 0} people, "
        f"{engagement.get('engaged_buying_roles') or 0} buying roles, "
        f"{engagement.get('last_7d_activity_count') or 0} in the last 7 days"
    )
    if engagement:
        parts = pd.DataFrame(
            {
                "component": ["activity", "people", "buying roles"],
                "points": [
                    engagement["activity_component"],
                    engagement["people_component"],
                    engagement["roles_component"],
                ],
            }
        )
        st.bar_chart(parts, x="component", y="points")

with st.container(key="engagement_timeline"):
    st.subheader("Engagement timeline by channel and buying role")
    timeline = profile.engagement_timeline
    if timeline.empty:
        st.write("No matched activity in the timeline weeks.")
    else:
        st.caption(reader.engagement_summary(timeline))
        by_week, by_role = st.columns([2, 1])
        by_week.altair_chart(
            alt.Chart(timeline)
            .mark_bar()
            .encode(
                x=alt.X("week_start_date:T", title="week"),
                y=alt.Y("sum(activity_count):Q", title="activities"),
                color=alt.Color("channel:N", title="channel"),
                tooltip=["week_start_date:T", "channel", "sum(activity_count)"],
            )
        )
        roles = pd.DataFrame(
            reader.engagement_split(timeline, "buying_role"),
            columns=["buying_role", "activities", "points"],
        )
        by_role.altair_chart(
            alt.Chart(timeline)
            .mark_bar()
            .encode(
                x=alt.X("sum(activity_count):Q", title="activities"),
                y=alt.Y("buying_role:N", sort="-x", title="buying role"),
                color=alt.Color("channel:N", title="channel"),
                tooltip=["buying_role", "channel", "sum(activity_count)"],
            )
        )
        by_role.dataframe(roles, hide_index=True)

st.subheader("Journey")
if profile.journey:
    stages = {k: v for k, v in profile.journey.items() if k.endswith("_date") and v is not None}
    st.write(
        f"Stage **{profile.journey['current_stage']}** since "
        f"{profile.journey['current_stage_entered_date']} "
        f"(furthest: {profile.journey['furthest_stage']})"
    )
    st.dataframe(
        pd.DataFrame({"milestone": list(stages), "date": list(stages.values())}), hide_index=True
    )

st.subheader("Tier history")
st.dataframe(pd.DataFrame(profile.tier_history), hide_index=True)
if profile.tier_changes:
    st.dataframe(pd.DataFrame(profile.tier_changes), hide_index=True)

st.subheader("Program plan")
if profile.program_plan:
    st.dataframe(pd.DataFrame(profile.program_plan), hide_index=True)
else:
    st.write("No programs planned for this account this quarter.")
