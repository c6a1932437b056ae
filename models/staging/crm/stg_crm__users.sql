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

-- Users carry no modification date: the last landed row wins.
ranked as (
    select
        *,
        {{ parse_boolean('is_active_text') }} as is_active,
        row_number() over (
            partition by user_id
            order by _loaded_at desc, _source_file desc, _row_number desc
        ) as version_rank
    from cleaned
    where user_id is not null
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
    from ranked
    where version_rank = 1
)

select * from final
