-- One row per company registrable domain and technology of the long-form
-- technology table: the category of the latest version, the seen-window over all.
with

source as (
    select * from {{ source('enrichment', 'technology') }}
),

cleaned as (
    select
        domain as domain_landed,
        lower({{ clean_value('tech_name') }}) as tech_name,
        {{ clean_value('tech_category') }} as tech_category,
        {{ parse_date(clean_value('first_seen')) }} as first_seen_date,
        {{ parse_date(clean_value('last_seen')) }} as last_seen_date,
        _source_file,
        cast(_row_number as {{ dbt.type_bigint() }}) as _row_number,
        _loaded_at
    from source
),

hosts as (
    {{ resolve_hosts('source', 'domain', from_raw=true) }}
),

-- The category comes from the latest version; the seen-window spans all versions.
versions as (
    select
        hosts.registrable_domain as domain,  -- noqa: RF04
        cleaned.tech_name,
        cleaned.tech_category,
        cleaned.last_seen_date,
        min(cleaned.first_seen_date) over (
            partition by hosts.registrable_domain, cleaned.tech_name
        ) as first_seen_all_versions,
        max(cleaned.last_seen_date) over (
            partition by hosts.registrable_domain, cleaned.tech_name
        ) as last_seen_all_versions,
        cleaned._source_file,
        cleaned._row_number,
        cleaned._loaded_at
    from cleaned
    left join hosts
        on cleaned.domain_landed = hosts.raw_value
),

latest_versions as (
    {{ latest_version('versions', ['domain', 'tech_name'], 'last_seen_date') }}
),

final as (
    select
        domain,
        tech_name,
        tech_category,
        first_seen_all_versions as first_seen_date,
        last_seen_all_versions as last_seen_date
    from latest_versions
)

select * from final
