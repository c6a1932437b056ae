{#- One row per CRM task id: the latest version (`last_modified_at`, then `_loaded_at`,
    `_source_file`, `_row_number`), deleted ones included: a deletion is a version
    too, kept so that an older version landing later cannot bring the task back.
    `stg_crm__tasks` is this without the deleted rows.
    Incremental over append-only raw (macros/incremental/staged_incremental.sql):
    a run stages the rows loaded since the last and keeps, per id, the latest
    version over them and the stored row; other logic re-stages everything. -#}
{{ config(**staged_incremental('task_id')) }}
{%- set staged_columns = [
    'task_id', 'who_id', 'what_id', 'account_id', 'activity_date', 'task_type',
    'task_status', 'last_modified_at', 'invalid_values', 'is_deleted', '_loaded_at',
    '_source_file', '_row_number',
] -%}
{#- The per-row logic, versioned: the CTEs from the delivered rows to one staged row per id. -#}
{%- set per_row_logic -%}
cleaned as (
    select
        {{ clean_value('id') }} as task_id,
        {{ clean_value('who_id') }} as who_id,
        {{ clean_value('what_id') }} as what_id,
        {{ clean_value('account_id') }} as account_id,
        {{ clean_value('activity_date') }} as activity_date_text,
        lower({{ clean_value('type') }}) as task_type,
        {{ clean_value('status') }} as task_status,
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
        {{ parse_date('activity_date_text') }} as activity_date,
        {{ parse_timestamp('last_modified_text') }} as last_modified_at,
        coalesce({{ parse_boolean('is_deleted_text') }}, false) as is_deleted
    from cleaned
),

delivered_latest as (
    {{ latest_version('typed', 'task_id', 'last_modified_at') }}
),

staged as (
    select
        task_id,
        who_id,
        what_id,
        account_id,
        activity_date,
        task_type,
        task_status,
        last_modified_at,
        {{ list_invalid_values([
            ['activity_date', 'activity_date_text', 'activity_date'],
            ['last_modified_at', 'last_modified_text', 'last_modified_at'],
            ['is_deleted', 'is_deleted_text', parse_boolean('is_deleted_text')],
        ]) }} as invalid_values,
        is_deleted,
        -- the version order: which delivery this row is
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
    select * from {{ source('crm', 'task') }}
    {% if is_incremental() %}
        where {{ loaded_after_stored(this) }}
    {% endif %}
),

{{ per_row_logic }},

-- The stored rows of the delivered ids compete with the new ones (incremental runs).
{{ staged_latest_ctes('task_id', 'last_modified_at', staged_columns, version) }}

select * from final
