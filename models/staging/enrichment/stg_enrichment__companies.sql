{#- Incremental over append-only raw (macros/incremental/staged_incremental.sql):
    a run stages the rows loaded since the last and keeps, per key, the latest
    version over them and the stored row; other logic re-stages everything. -#}
{%- set keys = ['domain'] -%}
{{ config(**staged_incremental(keys)) }}
{%- set staged_columns = [
    'domain', 'company_name', 'company_name_normalized', 'industry', 'industry_raw',
    'sub_industry', 'employees', 'employees_range', 'annual_revenue', 'revenue_range',
    'country', 'country_code_raw', 'country_code', 'region', 'state', 'city',
    'founded_year', 'funding_total', 'latest_funding_stage', 'technologies',
    'parent_domain', 'ultimate_parent_domain', 'updated_at', 'invalid_values',
    '_loaded_at', '_source_file', '_row_number',
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
        {{ clean_value('name') }} as company_name,
        {{ clean_value('industry') }} as industry_raw,
        {{ clean_value('sub_industry') }} as sub_industry,
        {{ clean_value('employees') }} as employees_text,
        {{ clean_value('employees_range') }} as employees_range,
        {{ clean_value('annual_revenue') }} as annual_revenue_text,
        {{ clean_value('revenue_range') }} as revenue_range,
        {{ clean_value('country') }} as country,
        {{ clean_value('country_code') }} as country_code_text,
        {{ clean_value('state') }} as state,
        {{ clean_value('city') }} as city,
        {{ clean_value('founded_year') }} as founded_year_text,
        {{ clean_value('funding_total') }} as funding_total_text,
        {{ clean_value('latest_funding_stage') }} as latest_funding_stage,
        {{ clean_value('tech') }} as tech_text,
        {{ clean_value('parent_domain') }} as parent_domain_text,
        parent_domain as parent_domain_landed,
        {{ clean_value('ultimate_parent_domain') }} as ultimate_parent_domain_text,
        ultimate_parent_domain as ultimate_parent_domain_landed,
        {{ clean_value('updated_at') }} as updated_text,
        _source_file,
        cast(_row_number as {{ dbt.type_bigint() }}) as _row_number,
        _loaded_at
    from source
),

hosts as (
    {{ resolve_hosts('source', ['domain', 'parent_domain', 'ultimate_parent_domain'], from_raw=true) }}
),

-- 'www.acme.co.uk' and 'acme.co.uk' are one company: versions are ranked per
-- registrable domain, not per raw spelling.
typed as (
    select
        hosts.registrable_domain as domain,  -- noqa: RF04
        cleaned.company_name,
        cleaned.industry_raw,
        cleaned.sub_industry,
        cleaned.employees_text,
        {{ parse_number('cleaned.employees_text') }} as employees_value,
        cleaned.employees_range,
        cleaned.annual_revenue_text,
        {{ parse_number('cleaned.annual_revenue_text') }} as annual_revenue_value,
        cleaned.revenue_range,
        cleaned.country,
        cleaned.country_code_text,
        cleaned.state,
        cleaned.city,
        cleaned.founded_year_text,
        {{ parse_number('cleaned.founded_year_text') }} as founded_year_value,
        cleaned.funding_total_text,
        {{ parse_number('cleaned.funding_total_text') }} as funding_total_value,
        cleaned.latest_funding_stage,
        cleaned.tech_text,
        cleaned.parent_domain_text,
        cleaned.parent_domain_landed,
        cleaned.ultimate_parent_domain_text,
        cleaned.ultimate_parent_domain_landed,
        cleaned.updated_text,
        {{ parse_timestamp('cleaned.updated_text') }} as updated_at,
        cleaned._source_file,
        cleaned._row_number,
        cleaned._loaded_at
    from cleaned
    left join hosts
        on cleaned.domain_landed = hosts.raw_value
),

delivered_versions as (
    {{ latest_version('typed', 'domain', 'updated_at') }}
),

delivered_latest as (
    select
        *,
        case
            when employees_value >= 0 then cast(round(employees_value) as {{ dbt.type_bigint() }})
        end as employees,
        case when annual_revenue_value >= 0 then annual_revenue_value end as annual_revenue,
        case
            when founded_year_value between 1000 and 9999 and founded_year_value = round(founded_year_value)
                then cast(founded_year_value as {{ dbt.type_int() }})
        end as founded_year,
        case when funding_total_value >= 0 then funding_total_value end as funding_total
    from delivered_versions
),

tech_items as (
    select
        domain,
        {{ unnest_split('tech_text', ';') }} as tech_name
    from delivered_latest
    where tech_text is not null
),

tech_names as (
    select distinct
        domain,
        lower(trim(tech_name)) as tech_name
    from tech_items
    where trim(tech_name) != ''
),

tech_lists as (
    select
        domain,
        {{ dbt.listagg('tech_name', "';'", 'order by tech_name') }} as technologies
    from tech_names
    group by domain
),

staged as (
    select
        -- ids
        delivered_latest.domain,
        -- strings
        delivered_latest.company_name,
        {{ normalize_company_name('delivered_latest.company_name') }} as company_name_normalized,
        industry_map.industry,
        delivered_latest.industry_raw,
        delivered_latest.sub_industry,
        -- numerics
        delivered_latest.employees,
        delivered_latest.employees_range,
        delivered_latest.annual_revenue,
        delivered_latest.revenue_range,
        -- geography
        delivered_latest.country,
        delivered_latest.country_code_text as country_code_raw,
        coalesce(code_map.country_code, name_map.country_code) as country_code,
        coalesce(code_map.region, name_map.region) as region,
        delivered_latest.state,
        delivered_latest.city,
        -- funding and technology
        delivered_latest.founded_year,
        delivered_latest.funding_total,
        delivered_latest.latest_funding_stage,
        tech_lists.technologies,
        parent_hosts.registrable_domain as parent_domain,
        ultimate_parent_hosts.registrable_domain as ultimate_parent_domain,
        -- timestamps
        delivered_latest.updated_at,
        {{ list_invalid_values([
            ['employees', 'delivered_latest.employees_text', 'delivered_latest.employees'],
            ['annual_revenue', 'delivered_latest.annual_revenue_text', 'delivered_latest.annual_revenue'],
            ['founded_year', 'delivered_latest.founded_year_text', 'delivered_latest.founded_year'],
            ['funding_total', 'delivered_latest.funding_total_text', 'delivered_latest.funding_total'],
            ['parent_domain', 'delivered_latest.parent_domain_text', 'parent_hosts.registrable_domain'],
            ['ultimate_parent_domain', 'delivered_latest.ultimate_parent_domain_text',
                'ultimate_parent_hosts.registrable_domain'],
            ['updated_at', 'delivered_latest.updated_text', 'delivered_latest.updated_at'],
        ]) }} as invalid_values,
        -- the version order: which delivery this row is
        delivered_latest._loaded_at,
        delivered_latest._source_file,
        delivered_latest._row_number
    from delivered_latest
    left join tech_lists
        on delivered_latest.domain = tech_lists.domain
    left join industry_map
        on {{ lookup_key('delivered_latest.industry_raw') }} = industry_map.raw_value
    left join country_map as code_map
        on {{ lookup_key('delivered_latest.country_code_text') }} = code_map.raw_value
    left join country_map as name_map
        on {{ lookup_key('delivered_latest.country') }} = name_map.raw_value
    left join hosts as parent_hosts
        on delivered_latest.parent_domain_landed = parent_hosts.raw_value
    left join hosts as ultimate_parent_hosts
        on delivered_latest.ultimate_parent_domain_landed = ultimate_parent_hosts.raw_value
)
{%- endset -%}
{%- set version = logic_version(per_row_logic) -%}
{%- do forget_rows_of_other_logic(this, version) -%}
with

source as (
    select * from {{ source('enrichment', 'company') }}
    {% if is_incremental() %}
        where {{ loaded_after_stored(this) }}
    {% endif %}
),

{{ per_row_logic }},

-- The stored rows of the delivered keys compete with the new ones (incremental runs).
{{ staged_latest_ctes(keys, 'updated_at', staged_columns, version) }}

select * from final
