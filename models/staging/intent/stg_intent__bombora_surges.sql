with

source as (
    select * from {{ source('intent', 'bombora_surge') }}
),

hosts as (
    select * from {{ ref('stg_reference__hosts') }}
),

industry_map as (
    select * from {{ ref('industry_map') }}
),

country_map as (
    select * from {{ ref('country_map') }}
),

cleaned as (
    select
        {{ extract_host('domain') }} as domain_host,
        {{ clean_value('company_name') }} as company_name,
        {{ clean_value('company_size') }} as company_size,
        {{ clean_value('company_revenue') }} as company_revenue,
        {{ clean_value('industry') }} as industry_raw,
        {{ clean_value('hq_country') }} as hq_country,
        {{ clean_value('topic_id') }} as topic_id,
        {{ clean_value('topic_name') }} as topic_name,
        {{ clean_value('cluster_name') }} as cluster_name,
        {{ clean_value('composite_score') }} as composite_score_text,
        {{ clean_value('composite_score_delta') }} as composite_score_delta_text,
        {{ clean_value('timestamp') }} as timestamp_text,
        _source_file,
        cast(_row_number as {{ dbt.type_bigint() }}) as _row_number,
        _loaded_at
    from source
),

typed as (
    select
        hosts.registrable_domain as domain,  -- noqa: RF04
        cleaned.company_name,
        cleaned.company_size,
        cleaned.company_revenue,
        cleaned.industry_raw,
        cleaned.hq_country,
        cleaned.topic_id,
        cleaned.topic_name,
        cleaned.cluster_name,
        cleaned.composite_score_text,
        {{ parse_number('cleaned.composite_score_text') }} as composite_score_value,
        cleaned.composite_score_delta_text,
        {{ parse_number('cleaned.composite_score_delta_text') }} as composite_score_delta,
        cleaned.timestamp_text,
        {{ parse_timestamp('cleaned.timestamp_text') }} as score_at,
        cleaned._source_file,
        cleaned._row_number,
        cleaned._loaded_at
    from cleaned
    left join hosts
        on cleaned.domain_host = hosts.host
),

weekly as (
    select
        *,
        cast({{ dbt.date_trunc('week', 'score_at') }} as date) as week_start_date
    from typed
),

-- One score per company, topic and week: the latest-dated, then latest-landed row.
ranked as (
    select
        *,
        row_number() over (
            partition by domain, topic_name, week_start_date
            order by score_at desc, _loaded_at desc, _source_file desc, _row_number desc
        ) as version_rank
    from weekly
    where domain is not null and topic_name is not null and week_start_date is not null
),

final as (
    select
        -- keys
        ranked.domain,
        ranked.company_name,
        ranked.topic_id,
        ranked.topic_name,
        ranked.cluster_name,
        -- scores
        case when ranked.composite_score_value between 0 and 100 then ranked.composite_score_value end
            as composite_score,
        ranked.composite_score_delta,
        ranked.week_start_date,
        -- firmographics as Bombora reports them
        ranked.company_size,
        ranked.company_revenue,
        industry_map.industry,
        country_map.country_code,
        {{ list_invalid_values([
            ['composite_score', 'ranked.composite_score_text',
                'case when ranked.composite_score_value between 0 and 100 then 1 end'],
            ['composite_score_delta', 'ranked.composite_score_delta_text', 'ranked.composite_score_delta'],
        ]) }} as invalid_values
    from ranked
    left join industry_map
        on {{ lookup_key('ranked.industry_raw') }} = industry_map.raw_value
    left join country_map
        on {{ lookup_key('ranked.hq_country') }} = country_map.raw_value
    where ranked.version_rank = 1
)

select * from final
