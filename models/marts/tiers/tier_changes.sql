{#- One row per account and as-of date whose tier differs from the account's tier
    in the previous run (account_tiers.previous_tier): promotions (to a better
    tier) and demotions (to a worse one), with the reason of the new tier. The
    first run of an account has nothing to compare with and is not a change. -#}
with

tiers as (
    select * from {{ ref('int_account_tiers') }}
),

tier_ranks as (
    select
        tiers.account_id,
        tiers.as_of_date,
        tiers.previous_as_of_date,
        tiers.previous_tier,
        tiers.tier,
        tiers.tier_rank,
        case tiers.previous_tier
            when 'tier_1' then 1 when 'tier_2' then 2 when 'tier_3' then 3 else 4
        end as previous_tier_rank,
        tiers.reason_code,
        tiers.tier_source,
        tiers.tier_reason
    from tiers
    where tiers.previous_tier is not null and tiers.previous_tier != tiers.tier
),

final as (
    select
        tier_ranks.account_id,
        tier_ranks.as_of_date,
        tier_ranks.previous_as_of_date,
        tier_ranks.previous_tier as from_tier,
        tier_ranks.tier as to_tier,
        case when tier_ranks.tier_rank < tier_ranks.previous_tier_rank then 'promotion' else 'demotion' end
            as change_type,
        tier_ranks.reason_code,
        tier_ranks.tier_source,
        tier_ranks.tier_reason as reason
    from tier_ranks
)

select * from final
