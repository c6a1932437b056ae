{#- Incremental over append-only raw (macros/incremental/staged_incremental.sql):
    a run stages the rows loaded since the last and keeps, per key, the latest
    version over them and the stored row; other logic re-stages everything. -#}
{%- set keys = ['domain', 'topic_name', 'week_start_date'] -%}
{{ config(**staged_incremental(keys)) }}
{%- set staged_columns = [
    'domain', 'company_name', 'topic_id', 'topic_name', 'cluster_name', 'composite_score',
    'composite_score_delta', 'week_start_date', 'company_size', 'company_revenue', 'industry',
    'industry_raw', 'country_code', 'hq_country', 'invalid_values',
    'score_at', '_loaded_at', '_source_file', '_row_number',
] -%}
{#- The per-row logic, versioned: the CTEs from the delivered rows to one staged row per key. -#}
{%- set per_row_logic -%}
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
delivered_latest as (
    {{ latest_version('weekly', keys, 'score_at') }}
),

staged as (
    select
        -- keys
        delivered_latest.domain,
        delivered_latest.company_name,
        delivered_latest.topic_id,
        delivered_latest.topic_name,
        delivered_latest.cluster_name,
        -- scores
        case
            when delivered_latest.composite_score_value between 0 and 100
                then delivered_latest.composite_score_value
        end as composite_score,
        delivered_latest.composite_score_delta,
        delivered_latest.week_start_date,
        -- firmographics as Bombora reports them
        delivered_latest.company_size,
        delivered_latest.company_revenue,
        industry_map.industry,
        delivered_latest.industry_raw,
        country_map.country_code,
        delivered_latest.hq_country,
        {{ list_invalid_values([
            ['composite_score', 'delivered_latest.composite_score_text',
                'case when delivered_latest.composite_score_value between 0 and 100 then 1 end'],
            ['composite_score_delta', 'delivered_latest.composite_score_delta_text',
                'delivered_latest.composite_score_delta'],
        ]) }} as invalid_values,
        -- the version order: which delivery this row is
        delivered_latest.score_at,
        delivered_latest._loaded_at,
        delivered_latest._source_file,
        delivered_latest._row_number
    from delivered_latest
    left join industry_map
        on {{ lookup_key('delivered_latest.industry_raw') }} = industry_map.raw_value
    left join country_map
        on {{ lookup_key('delivered_latest.hq_country') }} = country_map.raw_value
)
{%- endset -%}
{%- set version = logic_version(per_row_logic) -%}
{%- do forget_rows_of_other_logic(this, version) -%}
with

source as (
    select * from {{ source('intent', 'bombora_surge') }}
    {% if is_incremental() %}
        where {{ loaded_after_stored(this) }}
    {% endif %}
),

{{ per_row_logic }},

-- The stored rows of the delivered keys compete with the new ones (incremental runs).
{{ staged_latest_ctes(keys, 'score_at', staged_columns, version) }}

select * from final
