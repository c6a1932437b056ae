{#- One row per Bombora topic seen in the data but missing from seed
    intent_topics: a data-quality report. Such topics still count, at var
    intent_default_topic_weight; add them to the seed to weigh them properly. -#}
with

surges as (
    select * from {{ ref('stg_intent__bombora_surges') }}
),

topics as (
    select * from {{ ref('intent_topics') }}
),

seen as (
    select
        trim(surges.topic_name) as topic_name,
        max(surges.topic_id) as topic_id,
        max(surges.cluster_name) as cluster_name,
        count(*) as row_count,
        count(distinct surges.domain) as domain_count,
        min(surges.week_start_date) as first_week_start_date,
        max(surges.week_start_date) as last_week_start_date
    from surges
    where surges.topic_name is not null
    group by trim(surges.topic_name)
),

final as (
    select
        seen.topic_name,
        seen.topic_id,
        seen.cluster_name,
        cast(seen.row_count as {{ dbt.type_bigint() }}) as row_count,
        cast(seen.domain_count as {{ dbt.type_bigint() }}) as domain_count,
        seen.first_week_start_date,
        seen.last_week_start_date,
        cast({{ var('intent_default_topic_weight') }} as {{ type_double() }}) as applied_relevance_weight,
        'topic not in seeds/intent/intent_topics.csv: scored with the default weight' as issue
    from seen
    left join topics
        on lower(seen.topic_name) = lower(trim(topics.topic_name))
    where topics.topic_name is null
)

select * from final
