{#- One row per ABM-lite cluster at the as-of date (int_abm_cluster_members): its
    need (cluster_key), industry and size band where the cluster is that narrow,
    size, and whether the size is within vars abm_cluster_min_size /
    abm_cluster_max_size. below_min happens only to a last-level pool of a
    cluster_key (see abm_cluster_levels) that no other cluster of the same
    cluster_key can absorb within the maximum. -#}
{%- set min_size = var('abm_cluster_min_size') | int -%}
{%- set max_size = var('abm_cluster_max_size') | int -%}
with

members as (
    select * from {{ ref('int_abm_cluster_members') }}
),

clusters as (
    select
        members.cluster_id,
        members.as_of_date,
        members.tier,
        members.cluster_key,
        count(*) as account_count,
        count(distinct members.industry) as industry_count,
        count(distinct members.size_band) as size_band_count,
        min(members.industry) as any_industry,
        min(members.size_band) as any_size_band,
        max(members.placed_at_level) as finest_level,
        min(members.placed_at_level) as coarsest_level,
        max(case when members.is_merged_remainder then 1 else 0 end) as has_merged_remainder,
        cast(avg(cast(
            members.priority_score
            as {{ exact_decimal() }}
        )) as {{ type_double() }}) as average_priority_score
    from members
    group by members.cluster_id, members.as_of_date, members.tier, members.cluster_key
),

final as (
    select
        clusters.cluster_id,
        clusters.as_of_date,
        clusters.tier,
        clusters.cluster_key,
        case when clusters.industry_count = 1 then clusters.any_industry end as industry,
        case when clusters.size_band_count = 1 then clusters.any_size_band end as size_band,
        cast(clusters.coarsest_level as {{ dbt.type_int() }}) as cluster_level,
        cast(clusters.account_count as {{ dbt.type_int() }}) as account_count,
        cast(count(*) over (partition by clusters.cluster_key) as {{ dbt.type_int() }}) as clusters_in_key,
        cast({{ min_size }} as {{ dbt.type_int() }}) as min_size,
        cast({{ max_size }} as {{ dbt.type_int() }}) as max_size,
        case
            when clusters.account_count < {{ min_size }} then 'below_min'
            when clusters.account_count > {{ max_size }} then 'above_max'
            else 'within_bounds'
        end as size_status,
        clusters.has_merged_remainder = 1 as has_merged_remainder,
        cast(clusters.average_priority_score as {{ type_double() }}) as average_priority_score
    from clusters
)

select * from final
