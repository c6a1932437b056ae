with

source as (
    select * from {{ source('enrichment', 'technology') }}
),

hosts as (
    select * from {{ ref('stg_reference__hosts') }}
),

companies as (
    select * from {{ ref('stg_enrichment__companies') }}
),

long_form as (
    select
        hosts.registrable_domain as domain,  -- noqa: RF04
        lower({{ clean_value('source.tech_name') }}) as tech_name,
        {{ clean_value('source.tech_category') }} as tech_category,
        {{ parse_date(clean_value('source.first_seen')) }} as first_seen_date,
        {{ parse_date(clean_value('source.last_seen')) }} as last_seen_date,
        source._loaded_at,
        source._source_file,
        cast(source._row_number as {{ dbt.type_bigint() }}) as _row_number
    from source
    left join hosts
        on {{ extract_host('source.domain') }} = hosts.host
),

-- The category comes from the latest version; the seen-window spans all versions.
long_form_ranked as (
    select
        *,
        row_number() over (
            partition by domain, tech_name
            order by last_seen_date desc nulls last, _loaded_at desc, _source_file desc, _row_number desc
        ) as version_rank,
        min(first_seen_date) over (partition by domain, tech_name) as first_seen_all_versions,
        max(last_seen_date) over (partition by domain, tech_name) as last_seen_all_versions
    from long_form
    where domain is not null and tech_name is not null
),

company_items as (
    select
        domain,
        updated_at,
        {{ unnest_split('technologies', ';') }} as tech_name
    from companies
    where technologies is not null
),

-- A company record's list says the technology was there when it was updated.
both_forms as (
    select
        domain,
        tech_name,
        tech_category,
        first_seen_all_versions as first_seen_date,
        last_seen_all_versions as last_seen_date
    from long_form_ranked
    where version_rank = 1

    union all

    select
        domain,
        tech_name,
        cast(null as {{ dbt.type_string() }}) as tech_category,
        cast(null as date) as first_seen_date,
        cast(updated_at as date) as last_seen_date
    from company_items
),

final as (
    select
        domain,
        tech_name,
        max(tech_category) as tech_category,
        min(first_seen_date) as first_seen_date,
        max(last_seen_date) as last_seen_date
    from both_forms
    group by
        domain,
        tech_name
)

select * from final
