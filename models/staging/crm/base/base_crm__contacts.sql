{#- One row per CRM contact id: the latest version (`last_modified_at`, then `_loaded_at`,
    `_source_file`, `_row_number`), deleted ones included: a deletion is a version
    too, kept so that an older version landing later cannot bring the contact back.
    `stg_crm__contacts` is this without the deleted rows.
    Incremental over append-only raw (macros/incremental/staged_incremental.sql):
    a run stages the rows loaded since the last and keeps, per id, the latest
    version over them and the stored row; other logic re-stages everything. -#}
{{ config(**staged_incremental('contact_id')) }}
{%- set staged_columns = [
    'contact_id', 'account_id', 'first_name', 'last_name', 'email', 'email_domain',
    'is_free_mail', 'title', 'department', 'lead_source', 'created_at', 'last_modified_at',
    'invalid_values', 'is_deleted', '_loaded_at', '_source_file', '_row_number',
] -%}
{#- The per-row logic, versioned: the CTEs from the delivered rows to one staged row per id. -#}
{%- set per_row_logic -%}
cleaned as (
    select
        {{ clean_value('id') }} as contact_id,
        {{ clean_value('account_id') }} as account_id,
        {{ clean_value('first_name') }} as first_name,
        {{ clean_value('last_name') }} as last_name,
        lower({{ clean_value('email') }}) as email,
        email as email_landed,
        {{ clean_value('title') }} as title,
        {{ clean_value('department') }} as department,
        {{ clean_value('lead_source') }} as lead_source,
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
        {{ parse_timestamp('created_text') }} as created_at,
        {{ parse_timestamp('last_modified_text') }} as last_modified_at,
        coalesce({{ parse_boolean('is_deleted_text') }}, false) as is_deleted
    from cleaned
),

hosts as (
    {{ resolve_hosts('source', 'email', from_raw=true) }}
),

delivered_latest as (
    {{ latest_version('typed', 'contact_id', 'last_modified_at') }}
),

staged as (
    select
        -- ids
        delivered_latest.contact_id,
        delivered_latest.account_id,
        -- strings
        delivered_latest.first_name,
        delivered_latest.last_name,
        delivered_latest.email,
        hosts.registrable_domain as email_domain,
        hosts.is_free_mail,
        delivered_latest.title,
        delivered_latest.department,
        delivered_latest.lead_source,
        -- timestamps
        delivered_latest.created_at,
        delivered_latest.last_modified_at,
        {{ list_invalid_values([
            ['created_at', 'delivered_latest.created_text', 'delivered_latest.created_at'],
            ['last_modified_at', 'delivered_latest.last_modified_text', 'delivered_latest.last_modified_at'],
            ['is_deleted', 'delivered_latest.is_deleted_text', parse_boolean('delivered_latest.is_deleted_text')],
        ]) }} as invalid_values,
        delivered_latest.is_deleted,
        -- the version order: which delivery this row is
        delivered_latest._loaded_at,
        delivered_latest._source_file,
        delivered_latest._row_number
    from delivered_latest
    left join hosts
        on delivered_latest.email_landed = hosts.raw_value
)
{%- endset -%}
{%- set version = logic_version(per_row_logic) -%}
{%- do forget_rows_of_other_logic(this, version) -%}
with

source as (
    select * from {{ source('crm', 'contact') }}
    {% if is_incremental() %}
        where {{ loaded_after_stored(this) }}
    {% endif %}
),

{{ per_row_logic }},

-- The stored rows of the delivered ids compete with the new ones (incremental runs).
{{ staged_latest_ctes('contact_id', 'last_modified_at', staged_columns, version) }}

select * from final
