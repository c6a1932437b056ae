{#- One row per account of a clustered tier (var abm_cluster_tiers) at the
    as-of date: its ABM-lite cluster. Clusters are formed level by level in
    int_abm_cluster_placements; here a last-level pool below var
    abm_cluster_min_size joins the smallest other cluster of its cluster_key
    when that stays within var abm_cluster_max_size, else it stays an
    undersized cluster (abm_clusters.size_status says so). Published as the
    mart abm_cluster_members. -#}
{%- set min_size = var('abm_cluster_min_size') | int -%}
{%- set max_size = var('abm_cluster_max_size') | int -%}
with

placements as (
    select * from {{ ref('int_abm_cluster_placements') }}
),

formed_sizes as (
    select
        placements.formed_cluster_id,
        placements.cluster_key,
        placements.cluster_level,
        count(*) as formed_size
    from placements
    group by placements.formed_cluster_id, placements.cluster_key, placements.cluster_level
),

-- A last-level pool below the minimum joins the smallest other cluster of its
-- cluster_key that can take it without passing the maximum.
merge_targets as (
    select
        ranked.remainder_cluster_id,
        ranked.target_cluster_id
    from (
        select
            small_cluster.formed_cluster_id as remainder_cluster_id,
            host_cluster.formed_cluster_id as target_cluster_id,
            row_number() over (
                partition by small_cluster.formed_cluster_id
                order by host_cluster.formed_size asc, host_cluster.formed_cluster_id asc
            ) as target_rank
        from formed_sizes as small_cluster
        inner join formed_sizes as host_cluster
            on
                small_cluster.cluster_key = host_cluster.cluster_key
                and small_cluster.formed_cluster_id != host_cluster.formed_cluster_id
        where
            small_cluster.cluster_level = 1
            and small_cluster.formed_size < {{ min_size }}
            and host_cluster.formed_size + small_cluster.formed_size <= {{ max_size }}
    ) as ranked
    where ranked.target_rank = 1
),

final as (
    select
        placements.account_id,
        placements.as_of_date,
        placements.tier,
        coalesce(merge_targets.target_cluster_id, placements.formed_cluster_id) as cluster_id,
        placements.cluster_key,
        placements.industry,
        placements.size_band,
        cast(placements.cluster_level as {{ dbt.type_int() }}) as placed_at_level,
        cast(placements.priority_score as {{ type_double() }}) as priority_score,
        merge_targets.target_cluster_id is not null as is_merged_remainder
    from placements
    left join merge_targets
        on placements.formed_cluster_id = merge_targets.remainder_cluster_id
)

select * from final
