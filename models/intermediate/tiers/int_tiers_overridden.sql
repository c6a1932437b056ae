{#- One row per universe account at the as-of date: the stabilized tier and the
    sales override (seed sales_overrides) active on that date, if any. An override
    is active up to and including expires_on; of several active ones for an
    account, the one expiring last wins (then the better tier). override_rank
    1-3 for tier_1-3, 4 for not_target; an override wins over rules, stability
    and capacity (int_tiers_allocated). -#}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

stabilized as (
    select * from {{ ref('int_tiers_stabilized') }}
),

sales_overrides as (
    select * from {{ ref('sales_overrides') }}
),

ranked_overrides as (
    select
        sales_overrides.account_id,
        sales_overrides.tier,
        sales_overrides.reason,
        sales_overrides.owner,
        sales_overrides.expires_on,
        row_number() over (
            partition by sales_overrides.account_id
            order by sales_overrides.expires_on desc, sales_overrides.tier asc
        ) as override_order
    from sales_overrides
    cross join as_of
    where sales_overrides.expires_on >= as_of.as_of_date
),

active_overrides as (
    select
        ranked_overrides.account_id,
        ranked_overrides.tier,
        ranked_overrides.reason,
        ranked_overrides.owner,
        ranked_overrides.expires_on
    from ranked_overrides
    where ranked_overrides.override_order = 1
),

overridden as (
    select
        -- ids
        stabilized.account_id,
        -- strings
        stabilized.previous_tier,
        stabilized.rule_miss_reason,
        active_overrides.tier as override_tier,
        active_overrides.reason as override_reason,
        active_overrides.owner as override_owner,
        -- numerics
        stabilized.rule_tier_rank,
        stabilized.runs_below_bar,
        stabilized.desired_rank,
        case active_overrides.tier
            when 'tier_1' then 1 when 'tier_2' then 2 when 'tier_3' then 3 when 'not_target' then 4
        end as override_rank,
        -- booleans
        stabilized.is_excluded,
        stabilized.is_expansion,
        stabilized.is_held,
        -- dates
        stabilized.as_of_date,
        stabilized.previous_as_of_date,
        active_overrides.expires_on as override_expires_on
    from stabilized
    left join active_overrides
        on stabilized.account_id = active_overrides.account_id
),

final as (
    select * from overridden
)

select * from final
