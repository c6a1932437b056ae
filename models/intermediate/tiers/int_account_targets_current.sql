{#- One row per universe account: its tier row at the latest as-of date in
    int_account_tiers, joined with what a BI user needs to act on it alone - the
    account's name and firmographics (int_accounts), its owner (a sales user of
    stg_crm__users: id and name, employees only), its parent's name, the fit
    reasons (int_account_fit_scores) and the journey stage
    (int_journey_stage_dates, macro journey_current_stage), both of that date,
    and for a targeted account without an active owner the territory and the
    owner proposed there (int_account_owner_proposals).
    Published as the mart account_targets_current. -#}
with

tiers as (
    select * from {{ ref('int_account_tiers') }}
),

accounts as (
    select * from {{ ref('int_accounts') }}
),

users as (
    select * from {{ ref('stg_crm__users') }}
),

fit_scores as (
    select * from {{ ref('int_account_fit_scores') }}
),

stage_dates as (
    select * from {{ ref('int_journey_stage_dates') }}
),

proposals as (
    select * from {{ ref('int_account_owner_proposals') }}
),

latest as (
    select max(tiers.as_of_date) as as_of_date
    from tiers
),

current_tiers as (
    select tiers.*
    from tiers
    inner join latest
        on tiers.as_of_date = latest.as_of_date
),

joined as (
    select
        -- ids
        current_tiers.account_id,
        accounts.owner_id,
        accounts.parent_account_id,
        proposals.proposed_owner_id,
        -- strings
        coalesce(accounts.account_name, current_tiers.account_id) as account_name,
        accounts.domain,
        accounts.industry,
        accounts.country_code,
        accounts.region,
        current_tiers.size_band,
        case when current_tiers.is_in_crm then 'in_crm' else 'net_new' end as crm_status,
        users.user_name as owner_name,
        proposals.proposed_owner_name,
        proposals.territory,
        case
            when users.is_active then 'owned'
            when accounts.owner_id is not null then 'orphaned'
            else 'unowned'
        end as owner_status,
        parents.account_name as parent_account_name,
        current_tiers.tier,
        current_tiers.motion,
        current_tiers.account_program,
        current_tiers.fit_grade,
        current_tiers.primary_need,
        current_tiers.top_topics,
        case
            when stage_dates.account_id is not null
                then {{ journey_current_stage('stage_dates') }}
        end as journey_stage,
        current_tiers.reason_code,
        current_tiers.tier_reason,
        fit_scores.fit_reasons,
        -- numerics
        current_tiers.tier_rank,
        accounts.employee_count,
        current_tiers.fit_score,
        current_tiers.intent_score,
        current_tiers.engagement_score,
        -- booleans
        current_tiers.is_in_crm,
        current_tiers.is_customer,
        current_tiers.is_excluded,
        current_tiers.is_surging,
        current_tiers.is_engaged,
        -- dates
        current_tiers.as_of_date
    from current_tiers
    left join accounts
        on current_tiers.account_id = accounts.account_id
    left join accounts as parents
        on accounts.parent_account_id = parents.account_id
    left join users
        on accounts.owner_id = users.user_id
    left join fit_scores
        on
            current_tiers.account_id = fit_scores.account_id
            and current_tiers.as_of_date = fit_scores.as_of_date
    left join stage_dates
        on
            current_tiers.account_id = stage_dates.account_id
            and current_tiers.as_of_date = stage_dates.as_of_date
    left join proposals
        on current_tiers.account_id = proposals.account_id
),

final as (
    select * from joined
)

select * from final
