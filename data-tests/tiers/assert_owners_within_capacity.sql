{#- No owner carries more rule-placed accounts in a tier than the owner's rule
    slots (int_tier_owner_slots: capacity from seed owner_capacity_overrides or
    var tiers_owner_capacity, less the owner's sales overrides) at the latest
    as-of date. Returns the offending owner, tier and counts. -#}
with

tiers as (
    select * from {{ ref('int_tiers_allocated') }}
),

owner_slots as (
    select * from {{ ref('int_tier_owner_slots') }}
),

placed as (
    select
        tiers.owner_id,
        tiers.placed_rank as tier_rank,
        count(*) as rule_accounts
    from tiers
    where tiers.owner_id is not null and tiers.placed_rank is not null and tiers.override_rank is null
    group by tiers.owner_id, tiers.placed_rank
),

final as (
    select
        placed.owner_id,
        owner_slots.tier,
        placed.rule_accounts,
        owner_slots.rule_slots
    from placed
    inner join owner_slots
        on placed.owner_id = owner_slots.owner_id and placed.tier_rank = owner_slots.tier_rank
    where placed.rule_accounts > greatest(owner_slots.rule_slots, 0)
)

select * from final
