with

source as (
    select * from {{ source('crm', 'task') }}
),

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

latest_versions as (
    {{ latest_version('typed', 'task_id', 'last_modified_at') }}
),

final as (
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
        ]) }} as invalid_values
    from latest_versions
    where not is_deleted
)

select * from final
