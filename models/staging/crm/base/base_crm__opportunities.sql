{#- One row per CRM opportunity id: the latest version (`last_modified_at`, then `_loaded_at`,
    `_source_file`, `_row_number`), deleted ones included: a deletion is a version
    too, kept so that an older version landing later cannot bring the opportunity back.
    `stg_crm__opportunities` is this without the deleted rows.
    Incremental over append-only raw (macros/incremental/staged_incremental.sql):
    a run stages the rows loaded since the last and keeps, per id, the latest
    version over them and the stored row; other logic re-stages everything. -#}
{{ config(**staged_incremental('opportunity_id')) }}
{%- set staged_columns = [
    'opportunity_id', 'account_id', 'owner_id', 'opportunity_name', 'amount', 'stage_name',
    'is_closed', 'is_won', 'close_date', 'created_at', 'created_date', 'opportunity_type',
    'forecast_category', 'probability', 'last_modified_at', 'invalid_values', 'is_deleted',
    '_loaded_at', '_source_file', '_row_number',
] -%}
{#- The per-row logic, versioned: the CTEs from the delivered rows to one staged row per id. -#}
{%- set per_row_logic -%}
cleaned as (
    select
        {{ clean_value('id') }} as opportunity_id,
        {{ clean_value('account_id') }} as account_id,
        {{ clean_value('owner_id') }} as owner_id,
        {{ clean_value('name') }} as opportunity_name,
        {{ clean_value('amount') }} as amount_text,
        {{ clean_value('stage_name') }} as stage_name,
        {{ clean_value('is_closed') }} as is_closed_text,
        {{ clean_value('is_won') }} as is_won_text,
        {{ clean_value('close_date') }} as close_date_text,
        {{ clean_value('created_date') }} as created_text,
        {{ clean_value('type') }} as opportunity_type_text,
        {{ clean_value('forecast_category') }} as forecast_category,
        {{ clean_value('probability') }} as probability_text,
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
        {{ parse_number('amount_text') }} as amount_value,
        {{ parse_number(regexp_replace_all('probability_text', '%', '')) }} as probability_value,
        {{ parse_boolean('is_closed_text') }} as is_closed,
        {{ parse_boolean('is_won_text') }} as is_won,
        {{ parse_date('close_date_text') }} as close_date,
        {{ parse_timestamp('created_text') }} as created_at,
        {{ regexp_replace_all('lower(opportunity_type_text)', '[^a-z0-9]+', '_') }} as opportunity_type_key,
        {{ parse_timestamp('last_modified_text') }} as last_modified_at,
        coalesce({{ parse_boolean('is_deleted_text') }}, false) as is_deleted
    from cleaned
),

delivered_latest as (
    {{ latest_version('typed', 'opportunity_id', 'last_modified_at') }}
),

valued as (
    select
        *,
        -- A deal is worth zero or more; a negative amount is flagged, not kept.
        case when amount_value >= 0 then amount_value end as amount,
        case when probability_value between 0 and 100 then probability_value end as probability,
        case
            when opportunity_type_key in ('new_business', 'renewal', 'expansion', 'upsell')
                then opportunity_type_key
        end as opportunity_type
    from delivered_latest
),

staged as (
    select
        -- ids
        opportunity_id,
        account_id,
        owner_id,
        -- strings
        opportunity_name,
        -- numerics
        amount,
        stage_name,
        -- booleans
        is_closed,
        is_won,
        -- dates
        close_date,
        created_at,
        cast(created_at as date) as created_date,
        opportunity_type,
        forecast_category,
        probability,
        last_modified_at,
        {{ list_invalid_values([
            ['amount', 'amount_text', 'amount'],
            ['is_closed', 'is_closed_text', 'is_closed'],
            ['is_won', 'is_won_text', 'is_won'],
            ['close_date', 'close_date_text', 'close_date'],
            ['created_at', 'created_text', 'created_at'],
            ['opportunity_type', 'opportunity_type_text', 'opportunity_type'],
            ['probability', 'probability_text', 'probability'],
            ['last_modified_at', 'last_modified_text', 'last_modified_at'],
            ['is_deleted', 'is_deleted_text', parse_boolean('is_deleted_text')],
        ]) }} as invalid_values,
        is_deleted,
        -- the version order: which delivery this row is
        _loaded_at,
        _source_file,
        _row_number
    from valued
)
{%- endset -%}
{%- set version = logic_version(per_row_logic) -%}
{%- do forget_rows_of_other_logic(this, version) -%}
with

source as (
    select * from {{ source('crm', 'opportunity') }}
    {% if is_incremental() %}
        where {{ loaded_after_stored(this) }}
    {% endif %}
),

{{ per_row_logic }},

-- The stored rows of the delivered ids compete with the new ones (incremental runs).
{{ staged_latest_ctes('opportunity_id', 'last_modified_at', staged_columns, version) }}

select * from final
