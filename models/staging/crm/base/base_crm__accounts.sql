{#- One row per CRM account id: the latest version (`last_modified_at`, then
    `_loaded_at`, `_source_file`, `_row_number`), deleted ones included: a deletion
    is a version too, kept so that an older version landing later cannot bring the
    account back. `stg_crm__accounts` is this without the deleted rows.
    Incremental over append-only raw (macros/incremental/staged_incremental.sql):
    a run stages the rows loaded since the last and keeps, per id, the latest
    version over them and the stored row; other logic re-stages everything. -#}
{{ config(**staged_incremental('account_id')) }}
{%- set staged_columns = [
    'account_id', 'parent_account_id', 'owner_id', 'account_name', 'account_name_normalized',
    'website', 'domain', 'industry', 'industry_raw', 'number_of_employees', 'annual_revenue',
    'billing_country', 'country_code', 'region', 'billing_state', 'billing_city',
    'account_type', 'created_at', 'last_modified_at', 'invalid_values', 'is_deleted',
    '_loaded_at', '_source_file', '_row_number',
] -%}
{#- The per-row logic, versioned: the CTEs from the delivered rows to one staged row per id. -#}
{%- set per_row_logic -%}
industry_map as (
    select * from {{ ref('industry_map') }}
),

country_map as (
    select * from {{ ref('country_map') }}
),

cleaned as (
    select
        {{ clean_value('id') }} as account_id,
        {{ clean_value('parent_id') }} as parent_account_id,
        {{ clean_value('owner_id') }} as owner_id,
        {{ clean_value('name') }} as account_name,
        {{ clean_value('website') }} as website,
        website as website_landed,
        {{ clean_value('industry') }} as industry_raw,
        {{ clean_value('number_of_employees') }} as number_of_employees_text,
        {{ clean_value('annual_revenue') }} as annual_revenue_text,
        {{ clean_value('billing_country') }} as billing_country,
        {{ clean_value('billing_state') }} as billing_state,
        {{ clean_value('billing_city') }} as billing_city,
        {{ clean_value('type') }} as account_type_text,
        {{ clean_value('created_date') }} as created_text,
        {{ clean_value('last_modified_date') }} as last_modified_text,
        {{ clean_value('is_deleted') }} as is_deleted_text,
        _source_file,
        cast(_row_number as {{ dbt.type_bigint() }}) as _row_number,
        _loaded_at
    from source
),

typed as (
    select
        *,
        {{ parse_number('number_of_employees_text') }} as number_of_employees_value,
        {{ parse_number('annual_revenue_text') }} as annual_revenue_value,
        {{ regexp_replace_all('lower(account_type_text)', '[^a-z0-9]+', '_') }} as account_type_key,
        {{ parse_timestamp('created_text') }} as created_at,
        {{ parse_timestamp('last_modified_text') }} as last_modified_at,
        coalesce({{ parse_boolean('is_deleted_text') }}, false) as is_deleted
    from cleaned
),

hosts as (
    {{ resolve_hosts('source', 'website', from_raw=true) }}
),

delivered_latest as (
    {{ latest_version('typed', 'account_id', 'last_modified_at') }}
),

valued as (
    select
        *,
        -- Counts and money cannot be negative: such a value is flagged, not kept.
        case
            when number_of_employees_value >= 0
                then cast(round(number_of_employees_value) as {{ dbt.type_bigint() }})
        end as number_of_employees,
        case when annual_revenue_value >= 0 then annual_revenue_value end as annual_revenue,
        case
            when account_type_key in ('prospect', 'customer', 'partner', 'competitor', 'other')
                then account_type_key
        end as account_type
    from delivered_latest
),

staged as (
    select
        -- ids
        valued.account_id,
        valued.parent_account_id,
        valued.owner_id,
        -- strings
        valued.account_name,
        {{ normalize_company_name('valued.account_name') }} as account_name_normalized,
        valued.website,
        hosts.registrable_domain as domain,  -- noqa: RF04
        industry_map.industry,
        valued.industry_raw,
        -- numerics
        valued.number_of_employees,
        valued.annual_revenue,
        -- geography
        valued.billing_country,
        country_map.country_code,
        country_map.region,
        valued.billing_state,
        valued.billing_city,
        valued.account_type,
        -- timestamps
        valued.created_at,
        valued.last_modified_at,
        {{ list_invalid_values([
            ['number_of_employees', 'valued.number_of_employees_text', 'valued.number_of_employees'],
            ['annual_revenue', 'valued.annual_revenue_text', 'valued.annual_revenue'],
            ['account_type', 'valued.account_type_text', 'valued.account_type'],
            ['created_at', 'valued.created_text', 'valued.created_at'],
            ['last_modified_at', 'valued.last_modified_text', 'valued.last_modified_at'],
            ['is_deleted', 'valued.is_deleted_text', parse_boolean('valued.is_deleted_text')],
        ]) }} as invalid_values,
        valued.is_deleted,
        -- the version order: which delivery this row is
        valued._loaded_at,
        valued._source_file,
        valued._row_number
    from valued
    left join hosts
        on valued.website_landed = hosts.raw_value
    left join industry_map
        on {{ lookup_key('valued.industry_raw') }} = industry_map.raw_value
    left join country_map
        on {{ lookup_key('valued.billing_country') }} = country_map.raw_value
)
{%- endset -%}
{%- set version = logic_version(per_row_logic) -%}
{%- do forget_rows_of_other_logic(this, version) -%}
with

source as (
    select * from {{ source('crm', 'account') }}
    {% if is_incremental() %}
        where {{ loaded_after_stored(this) }}
    {% endif %}
),

{{ per_row_logic }},

-- The stored rows of the delivered ids compete with the new ones (incremental runs).
{{ staged_latest_ctes('account_id', 'last_modified_at', staged_columns, version) }}

select * from final
