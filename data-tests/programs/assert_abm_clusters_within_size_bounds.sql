-- Every ABM cluster is within vars abm_cluster_min_size / abm_cluster_max_size,
-- except a below-minimum remainder that no other cluster of its cluster_key can
-- absorb without passing the maximum (typically the only cluster of its need).
with

clusters as (
    select * from {{ ref('abm_clusters') }}
),

absorbable as (
    select distinct small.cluster_id
    from clusters as small
    inner join clusters as other
        on
            small.cluster_key = other.cluster_key
            and small.cluster_id != other.cluster_id
    where
        small.size_status = 'below_min'
        and other.account_count + small.account_count <= other.max_size
)

select clusters.*
from clusters
left join absorbable
    on clusters.cluster_id = absorbable.cluster_id
where
    clusters.size_status = 'above_max'
    or absorbable.cluster_id is not null
