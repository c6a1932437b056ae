with

source as (
    select * from {{ source('intent', 'bombora_surge') }}
),

industry_map as (
    select * from {{ ref('industry_map') }}
),

country_map as (
    select * from {{ ref('country_map') }}
),

cleaned as (
    select
        domain as domain_landed,
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

hosts as (
    {{ resolve_hosts('source', 'domain', from_raw=true) }}
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
        on cleaned.domain_landed = hosts.raw_value
),

weekly as (
    select
        *,
        cast({{ dbt.date_trunc('week', 'score_at') }} as date) as week_start_date
    from typed
),

-- One score per company, topic and week: the latest-dated, then latest-landed row.
latest as (
    {{ latest_version('weekly', ['domain', 'topic_name', 'week_start_date'], 'score_at') }}
),

final as (
    select
        -- keys
        latest.domain,
        latest.company_name,
        latest.topic_id,
        latest.topic_name,
        latest.cluster_name,
        -- scores
        case when latest.composite_score_value between 0 and 100 then latest.composite_score_value end
            as composite_score,
        latest.composite_score_delta,
        latest.week_start_date,
        -- firmographics as Bombora reports them
        latest.company_size,
        latest.company_revenue,
        industry_map.industry,
        latest.industry_raw,
        country_map.country_code,
        latest.hq_country,
        {{ list_invalid_values([
            ['composite_score', 'latest.composite_score_text',
                'case when latest.composite_score_value between 0 and 100 then 1 end'],
            ['composite_score_delta', 'latest.composite_score_delta_text', 'latest.composite_score_delta'],
        ]) }} as invalid_values
    from latest
    left join industry_map
        on {{ lookup_key('latest.industry_raw') }} = industry_map.raw_value
    left join country_map
        on {{ lookup_key('latest.hq_country') }} = country_map.raw_value
)

select * from final
