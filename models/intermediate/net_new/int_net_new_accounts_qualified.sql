{#- One row per net-new company (a universe account not in the CRM) worth adding
    as of the scoring date: account_tiers puts it in one of var net_new_tiers, or
    its fit grade is one of var net_new_fit_grades (never when the ICP excludes
    it); qualified_by says which. With the firmographics sales needs to create
    the account, its parent, and the tier, fit, intent and engagement the mart
    net_new_accounts ranks and explains it by. -#}
{#- An empty var list renders in (''), which matches nothing. -#}
{%- set listed_tiers = "'" ~ var('net_new_tiers') | join("', '") ~ "'" -%}
{%- set listed_grades = "'" ~ var('net_new_fit_grades') | join("', '") ~ "'" -%}
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

qualification as (
    select
        accounts.account_id,
        coalesce(current_tiers.is_excluded, current_fit_scores.is_excluded, false) as is_excluded,
        current_tiers.tier in ({{ listed_tiers }}) as reaches_tier,
        coalesce(
            current_tiers.fit_grade in ({{ listed_grades }})
            and not coalesce(current_tiers.is_excluded, current_fit_scores.is_excluded, false),
            false
        ) as reaches_fit_bar
    from accounts
    inner join current_tiers
        on accounts.account_id = current_tiers.account_id
    left join current_fit_scores
        on accounts.account_id = current_fit_scores.account_id
    where not accounts.is_in_crm
),

final as (
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
        -- why
        case
            when qualification.reaches_tier and qualification.reaches_fit_bar then 'tier_and_fit_grade'
            when qualification.reaches_tier then 'tier'
            else 'fit_grade'
        end as qualified_by,
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
        qualification.is_excluded,
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
    from qualification
    inner join accounts
        on qualification.account_id = accounts.account_id
    inner join current_tiers
        on qualification.account_id = current_tiers.account_id
    left join current_fit_scores
        on qualification.account_id = current_fit_scores.account_id
    left join current_engagement
        on qualification.account_id = current_engagement.account_id
    left join accounts as parents
        on accounts.parent_account_id = parents.account_id
    where qualification.reaches_tier or qualification.reaches_fit_bar
)

select * from final
