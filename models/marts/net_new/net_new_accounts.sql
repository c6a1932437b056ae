{#- One row per net-new company worth adding as of the scoring date
    (int_net_new_accounts_qualified says which and why): ranked by tier, then
    the tiers' priority_score, fit_score, account_id, with the firmographics
    sales needs to create the account and the reason in plain words (fit
    reasons, intent topics, engagement, tier reason). -#}
{%- set string = dbt.type_string() -%}
{%- set int = dbt.type_int() -%}
with

qualified as (
    select * from {{ ref('int_net_new_accounts_qualified') }}
),

listed as (
    select
        qualified.*,
        row_number() over (
            order by
                qualified.tier_rank asc,
                coalesce(qualified.priority_score, -1) desc,
                coalesce(qualified.fit_score, -1) desc,
                qualified.account_id asc
        ) as net_new_rank,
        {{ dbt.concat([
            "'Fit '", "coalesce(qualified.fit_grade, '?')",
            "' ('", "coalesce(cast(cast(round(qualified.fit_score, 0) as " ~ int ~ ") as " ~ string ~ "), '?')",
            "'/100'",
            "coalesce(', ' || qualified.evidence_level || ' evidence', '')", "')'",
            "coalesce(': ' || qualified.fit_reasons, '.')",
        ]) }} as fit_sentence,
        case
            when qualified.is_surging then {{ dbt.concat([
                "'Intent: surging on our topics'",
                "coalesce(' (' || qualified.top_topics || ')', '')",
                "', score '", "cast(cast(round(qualified.intent_score, 0) as " ~ int ~ ") as " ~ string ~ ")",
                "'.'",
            ]) }}
            else 'Intent: no surge on our topics yet.'
        end as intent_sentence,
        {{ dbt.concat([
            "'Engagement: '",
            "case when qualified.is_engaged then 'engaged' else 'not yet engaged' end",
            "', score '",
            "coalesce(cast(cast(round(qualified.engagement_score, 0) as " ~ int ~ ") as " ~ string ~ "), '0')",
            "case when qualified.anonymous_activity_count > 0 then ' (' || cast(qualified.anonymous_activity_count as "
            ~ string ~ ") || ' anonymous visits from their network in "
            ~ var('engagement_window_days') ~ " days)' else '' end",
            "'.'",
        ]) }} as engagement_sentence
    from qualified
),

final as (
    select
        -- ids
        cast(listed.net_new_rank as {{ int }}) as net_new_rank,
        listed.account_id,
        listed.as_of_date,
        -- firmographics sales needs to create the account
        listed.account_name,
        listed.domain,
        listed.industry,
        listed.sub_industry,
        cast(listed.employee_count as {{ dbt.type_bigint() }}) as employee_count,
        listed.size_band,
        cast(listed.annual_revenue as {{ type_double() }}) as annual_revenue,
        listed.country_code,
        listed.region,
        listed.state,
        listed.city,
        cast(listed.founded_year as {{ int }}) as founded_year,
        listed.parent_account_id,
        listed.parent_account_name,
        listed.parent_domain,
        listed.is_parent_in_crm,
        listed.ultimate_parent_account_id,
        listed.known_by_sources,
        -- why
        listed.qualified_by,
        listed.tier,
        cast(listed.tier_rank as {{ int }}) as tier_rank,
        listed.motion,
        listed.tier_reason_code,
        cast(listed.priority_score as {{ type_double() }}) as priority_score,
        cast(listed.fit_score as {{ type_double() }}) as fit_score,
        listed.fit_grade,
        cast(listed.estimated_win_probability as {{ type_double() }}) as estimated_win_probability,
        listed.evidence_level,
        cast(listed.intent_score as {{ type_double() }}) as intent_score,
        listed.is_surging,
        listed.top_topics,
        listed.primary_need,
        cast(listed.engagement_score as {{ type_double() }}) as engagement_score,
        listed.is_engaged,
        cast(listed.anonymous_activity_count as {{ int }}) as anonymous_activity_count,
        cast(listed.expected_acv as {{ type_double() }}) as expected_acv,
        listed.acv_class,
        listed.fit_reasons,
        listed.tier_reason,
        {{ dbt.concat([
            "'Not in the CRM'",
            "case when listed.is_parent_in_crm then ' (subsidiary of CRM account ' || coalesce(listed.parent_account_name, listed.parent_account_id) || ')' else '' end",
            "'. '", "listed.fit_sentence", "' '", "listed.intent_sentence", "' '", "listed.engagement_sentence",
            "' Tier: '", "listed.tier_reason",
        ]) }} as net_new_reason
    from listed
)

select * from final
