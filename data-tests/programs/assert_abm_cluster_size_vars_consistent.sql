-- A group above abm_cluster_max_size splits into ceil(n / max) parts; every part
-- stays at or above abm_cluster_min_size only when max >= 2 x min - 1.
select
    {{ var('abm_cluster_min_size') }} as abm_cluster_min_size,
    {{ var('abm_cluster_max_size') }} as abm_cluster_max_size
where
    {{ var('abm_cluster_max_size') }} < 2 * {{ var('abm_cluster_min_size') }} - 1
    or {{ var('abm_cluster_min_size') }} < 1
