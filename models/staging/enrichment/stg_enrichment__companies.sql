with

source as (
    select * from {{ source('enrichment', 'company') }}
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

latest_versions as (
    {{ latest_version('typed', 'domain', 'updated_at') }}
),

latest as (
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
    from latest_versions
),

tech_items as (
    select
        domain,
        {{ unnest_split('tech_text', ';') }} as tech_name
    from latest
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

final as (
    select
        -- ids
        latest.domain,
        -- strings
        latest.company_name,
        {{ normalize_company_name('latest.company_name') }} as company_name_normalized,
        industry_map.industry,
        latest.industry_raw,
        latest.sub_industry,
        -- numerics
        latest.employees,
        latest.employees_range,
        latest.annual_revenue,
        latest.revenue_range,
        -- geography
        latest.country,
        latest.country_code_text as country_code_raw,
        coalesce(code_map.country_code, name_map.country_code) as country_code,
        coalesce(code_map.region, name_map.region) as region,
        latest.state,
        latest.city,
        -- funding and technology
        latest.founded_year,
        latest.funding_total,
        latest.latest_funding_stage,
        tech_lists.technologies,
        parent_hosts.registrable_domain as parent_domain,
        ultimate_parent_hosts.registrable_domain as ultimate_parent_domain,
        -- timestamps
        latest.updated_at,
        {{ list_invalid_values([
            ['employees', 'latest.employees_text', 'latest.employees'],
            ['annual_revenue', 'latest.annual_revenue_text', 'latest.annual_revenue'],
            ['founded_year', 'latest.founded_year_text', 'latest.founded_year'],
            ['funding_total', 'latest.funding_total_text', 'latest.funding_total'],
            ['parent_domain', 'latest.parent_domain_text', 'parent_hosts.registrable_domain'],
            ['ultimate_parent_domain', 'latest.ultimate_parent_domain_text',
                'ultimate_parent_hosts.registrable_domain'],
            ['updated_at', 'latest.updated_text', 'latest.updated_at'],
        ]) }} as invalid_values
    from latest
    left join tech_lists
        on latest.domain = tech_lists.domain
    left join industry_map
        on {{ lookup_key('latest.industry_raw') }} = industry_map.raw_value
    left join country_map as code_map
        on {{ lookup_key('latest.country_code_text') }} = code_map.raw_value
    left join country_map as name_map
        on {{ lookup_key('latest.country') }} = name_map.raw_value
    left join hosts as parent_hosts
        on latest.parent_domain_landed = parent_hosts.raw_value
    left join hosts as ultimate_parent_hosts
        on latest.ultimate_parent_domain_landed = ultimate_parent_hosts.raw_value
)

select * from final
