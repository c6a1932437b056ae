with

source as (
    select * from {{ source('crm', 'user') }}
),

cleaned as (
    select
        {{ clean_value('id') }} as user_id,
        {{ clean_value('name') }} as user_name,
        lower({{ clean_value('email') }}) as email,
        {{ clean_value('title') }} as title,
        {{ clean_value('is_active') }} as is_active_text,
        _source_file,
        cast(_row_number as {{ dbt.type_bigint() }}) as _row_number,
        _loaded_at
    from source
),

typed as (
    select
        *,
        {{ parse_boolean('is_active_text') }} as is_active
    from cleaned
),

-- Users carry no modification date: the last landed row wins.
latest_versions as (
    {{ latest_version('typed', 'user_id') }}
),

final as (
    select
        user_id,
        user_name,
        email,
        title,
        is_active,
        {{ list_invalid_values([
            ['is_active', 'is_active_text', 'is_active'],
        ]) }} as invalid_values
    from latest_versions
)

select * from final
