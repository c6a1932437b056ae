{#- One row per account of a clustered tier (var abm_cluster_tiers, default
    tier_2) at the as-of date: its ABM-lite cluster. The published form of
    int_abm_cluster_members (where the logic and its unit tests live). -#}
with

cluster_members as (
    select * from {{ ref('int_abm_cluster_members') }}
),

final as (
    select
        account_id,
        as_of_date,
        tier,
        cluster_id,
        cluster_key,
        industry,
        size_band,
        placed_at_level,
        priority_score,
        is_merged_remainder
    from cluster_members
)

select * from final
