{#- One row per net-new company (a universe account not in the CRM) worth adding
    as of the scoring date: account_tiers puts it in one of var net_new_tiers, or
    its fit grade is one of var net_new_fit_grades (never when the ICP excludes
    it). Ranked by tier, then the tiers' priority_score, fit_score, account_id,
    with the firmographics sales needs to create the account and the reason in
    plain words (fit reasons, intent topics, engagement, tier reason). -#}
{#- An empty var list renders in (''), which matches nothing. -#}
{%- set listed_tiers = "'" ~ var('net_new_tiers') | join("', '") ~ "'" -%}
{%- set listed_grades = "'" ~ var('net_new_fit_grades') | join("', '") ~ "'" -%}
{%- set string = dbt.type_string() -%}
{%- set int = dbt.type_int() -%}
with

accounts as (
    select * from {{ ref('int_accounts') }}
),

tiers as (
    select * from {{ ref('int_account_tiers') }}
),

fit_scores as (
    select * from {{ ref('int_account_fit_scores') }}
),

engagement_scores as (
    select * from {{ ref('int_account_engagement_scores') }}
),

current_tiers as (
    select * from tiers
    where as_of_date = {{ as_of_date() }}
),

current_fit_scores as (
    select * from fit_scores
    where as_of_date = {{ as_of_date() }}
),

current_engagement as (
    select * from engagement_scores
    where as_of_date = {{ as_of_date() }}
),

net_new as (
    select
        -- ids
        accounts.account_id,
        current_tiers.as_of_date,
        accounts.parent_account_id,
        accounts.ultimate_parent_account_id,
        -- firmographics
        accounts.account_name,
        accounts.domain,
        accounts.industry,
        accounts.sub_industry,
        accounts.employee_count,
        current_tiers.size_band,
        accounts.annual_revenue,
        accounts.country_code,
        accounts.region,
        accounts.state,
        accounts.city,
        accounts.founded_year,
        parents.account_name as parent_account_name,
        parents.domain as parent_domain,
        parents.is_in_crm as is_parent_in_crm,
        accounts.known_by_sources,
        -- tier
        current_tiers.tier,
        current_tiers.tier_rank,
        current_tiers.motion,
        current_tiers.reason_code as tier_reason_code,
        current_tiers.tier_reason,
        current_tiers.priority_score,
        -- fit
        current_tiers.fit_score,
        current_tiers.fit_grade,
        current_tiers.estimated_win_probability,
        current_fit_scores.evidence_level,
        current_fit_scores.fit_reasons,
        coalesce(
            current_tiers.is_excluded, current_fit_scores.is_excluded, false
        ) as is_excluded,
        -- intent and engagement
        current_tiers.intent_score,
        coalesce(current_tiers.is_surging, false) as is_surging,
        current_tiers.top_topics,
        current_tiers.primary_need,
        current_tiers.engagement_score,
        coalesce(current_tiers.is_engaged, false) as is_engaged,
        coalesce(current_engagement.anonymous_activity_count, 0) as anonymous_activity_count,
        -- potential
        current_tiers.expected_acv,
        current_tiers.acv_class
    from accounts
    inner join current_tiers
        on accounts.account_id = current_tiers.account_id
    left join current_fit_scores
        on accounts.account_id = current_fit_scores.account_id
    left join current_engagement
        on accounts.account_id = current_engagement.account_id
    left join accounts as parents
        on accounts.parent_account_id = parents.account_id
    where not accounts.is_in_crm
),

qualified as (
    select
        net_new.*,
        net_new.tier in ({{ listed_tiers }}) as reaches_tier,
        coalesce(
            net_new.fit_grade in ({{ listed_grades }}) and not net_new.is_excluded,
            false
        ) as reaches_fit_bar
    from net_new
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
        case
            when qualified.reaches_tier and qualified.reaches_fit_bar then 'tier_and_fit_grade'
            when qualified.reaches_tier then 'tier'
            else 'fit_grade'
        end as qualified_by,
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
    where qualified.reaches_tier or qualified.reaches_fit_bar
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
        cast(listed.annual_revenue as {{ identity_type_double() }}) as annual_revenue,
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
        cast(listed.priority_score as {{ identity_type_double() }}) as priority_score,
        cast(listed.fit_score as {{ identity_type_double() }}) as fit_score,
        listed.fit_grade,
        cast(listed.estimated_win_probability as {{ identity_type_double() }}) as estimated_win_probability,
        listed.evidence_level,
        cast(listed.intent_score as {{ identity_type_double() }}) as intent_score,
        listed.is_surging,
        listed.top_topics,
        listed.primary_need,
        cast(listed.engagement_score as {{ identity_type_double() }}) as engagement_score,
        listed.is_engaged,
        cast(listed.anonymous_activity_count as {{ int }}) as anonymous_activity_count,
        cast(listed.expected_acv as {{ identity_type_double() }}) as expected_acv,
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
