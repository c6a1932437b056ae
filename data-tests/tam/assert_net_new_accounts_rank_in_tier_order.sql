-- The list ranks better tiers first and every tiered company above every
-- untiered one: going down the ranks, tier_rank never improves (decreases).
with

net_new as (
    select * from {{ ref('net_new_accounts') }}
),

ordered as (
    select
        net_new.account_id,
        net_new.net_new_rank,
        net_new.tier_rank,
        lag(net_new.tier_rank) over (order by net_new.net_new_rank) as previous_tier_rank
    from net_new
),

final as (
    select
        ordered.account_id,
        ordered.net_new_rank,
        ordered.tier_rank,
        ordered.previous_tier_rank
    from ordered
    where ordered.tier_rank < ordered.previous_tier_rank
)

select * from final
