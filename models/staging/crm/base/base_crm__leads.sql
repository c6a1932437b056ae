{#- One row per CRM lead id: the latest version (`last_modified_at`, then `_loaded_at`,
    `_source_file`, `_row_number`), deleted ones included: a deletion is a version
    too, kept so that an older version landing later cannot bring the lead back.
    `stg_crm__leads` is this without the deleted rows.
    Incremental over append-only raw (macros/incremental/staged_incremental.sql):
    a run stages the rows loaded since the last and keeps, per id, the latest
    version over them and the stored row; other logic re-stages everything. -#}
{{ config(**staged_incremental('lead_id')) }}
{%- set staged_columns = [
    'lead_id', 'company_name', 'company_name_normalized', 'email', 'email_domain',
    'is_free_mail', 'website', 'website_domain', 'industry', 'industry_raw',
    'number_of_employees', 'annual_revenue', 'country', 'country_code', 'region',
    'lead_status', 'is_converted', 'converted_account_id', 'converted_contact_id',
    'converted_opportunity_id', 'created_at', 'last_modified_at', 'invalid_values',
    'is_deleted', '_loaded_at', '_source_file', '_row_number',
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
        {{ clean_value('id') }} as lead_id,
        {{ clean_value('company') }} as company_name,
        lower({{ clean_value('email') }}) as email,
        email as email_landed,
        {{ clean_value('website') }} as website,
        website as website_landed,
        {{ clean_value('industry') }} as industry_raw,
        {{ clean_value('number_of_employees') }} as number_of_employees_text,
        {{ clean_value('annual_revenue') }} as annual_revenue_text,
        {{ clean_value('country') }} as country,
        {{ clean_value('status') }} as lead_status,
        {{ clean_value('is_converted') }} as is_converted_text,
        {{ clean_value('converted_account_id') }} as converted_account_id,
        {{ clean_value('converted_contact_id') }} as converted_contact_id,
        {{ clean_value('converted_opportunity_id') }} as converted_opportunity_id,
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
        {{ parse_boolean('is_converted_text') }} as is_converted,
        {{ parse_timestamp('created_text') }} as created_at,
        {{ parse_timestamp('last_modified_text') }} as last_modified_at,
        coalesce({{ parse_boolean('is_deleted_text') }}, false) as is_deleted
    from cleaned
),

hosts as (
    {{ resolve_hosts('source', ['email', 'website'], from_raw=true) }}
),

delivered_latest as (
    {{ latest_version('typed', 'lead_id', 'last_modified_at') }}
),

valued as (
    select
        *,
        case
            when number_of_employees_value >= 0
                then cast(round(number_of_employees_value) as {{ dbt.type_bigint() }})
        end as number_of_employees,
        case when annual_revenue_value >= 0 then annual_revenue_value end as annual_revenue
    from delivered_latest
),

staged as (
    select
        -- ids
        valued.lead_id,
        -- strings
        valued.company_name,
        {{ normalize_company_name('valued.company_name') }} as company_name_normalized,
        valued.email,
        email_hosts.registrable_domain as email_domain,
        email_hosts.is_free_mail,
        valued.website,
        website_hosts.registrable_domain as website_domain,
        industry_map.industry,
        valued.industry_raw,
        -- numerics
        valued.number_of_employees,
        valued.annual_revenue,
        -- geography
        valued.country,
        country_map.country_code,
        country_map.region,
        -- status
        valued.lead_status,
        valued.is_converted,
        valued.converted_account_id,
        valued.converted_contact_id,
        valued.converted_opportunity_id,
        -- timestamps
        valued.created_at,
        valued.last_modified_at,
        {{ list_invalid_values([
            ['number_of_employees', 'valued.number_of_employees_text', 'valued.number_of_employees'],
            ['annual_revenue', 'valued.annual_revenue_text', 'valued.annual_revenue'],
            ['is_converted', 'valued.is_converted_text', 'valued.is_converted'],
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
    left join hosts as email_hosts
        on valued.email_landed = email_hosts.raw_value
    left join hosts as website_hosts
        on valued.website_landed = website_hosts.raw_value
    left join industry_map
        on {{ lookup_key('valued.industry_raw') }} = industry_map.raw_value
    left join country_map
        on {{ lookup_key('valued.country') }} = country_map.raw_value
)
{%- endset -%}
{%- set version = logic_version(per_row_logic) -%}
{%- do forget_rows_of_other_logic(this, version) -%}
with

source as (
    select * from {{ source('crm', 'lead') }}
    {% if is_incremental() %}
        where {{ loaded_after_stored(this) }}
    {% endif %}
),

{{ per_row_logic }},

-- The stored rows of the delivered ids compete with the new ones (incremental runs).
{{ staged_latest_ctes('lead_id', 'last_modified_at', staged_columns, version) }}

select * from final
