{#- One row per company registrable domain and technology of the long-form
    technology table: the category of the latest version, the seen-window over all.
    Incremental over append-only raw (macros/incremental/staged_incremental.sql):
    a run stages the rows loaded since the last and keeps, per key, the latest
    version over them and the stored row, the seen-window over both; other logic
    re-stages everything. -#}
{%- set keys = ['domain', 'tech_name'] -%}
{{ config(**staged_incremental(keys)) }}
{%- set staged_columns = [
    'domain', 'tech_name', 'tech_category', 'first_seen_date', 'last_seen_date',
    '_loaded_at', '_source_file', '_row_number',
] -%}
{#- The per-row logic, versioned: the CTEs from the delivered rows to one staged row per key. -#}
{%- set per_row_logic -%}
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

delivered_latest as (
    {{ latest_version('versions', keys, 'last_seen_date') }}
),

-- The latest version's own last_seen is the latest of all versions (nulls last), so
-- the stored last_seen_date orders a stored row against new ones.
staged as (
    select
        domain,
        tech_name,
        tech_category,
        first_seen_all_versions as first_seen_date,
        last_seen_all_versions as last_seen_date,
        _loaded_at,
        _source_file,
        _row_number
    from delivered_latest
)
{%- endset -%}
{%- set version = logic_version(per_row_logic) -%}
{%- do forget_rows_of_other_logic(this, version) -%}
with

source as (
    select * from {{ source('enrichment', 'technology') }}
    {% if is_incremental() %}
        where {{ loaded_after_stored(this) }}
    {% endif %}
),

{{ per_row_logic }},

-- The stored rows of the delivered keys compete with the new ones (incremental runs);
-- the first seen date is the earliest of both.
{{ staged_latest_ctes(keys, 'last_seen_date', staged_columns, version, spans={'first_seen_date': 'min'}) }}

select * from final
