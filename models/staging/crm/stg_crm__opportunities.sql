with

source as (
    select * from {{ source('crm', 'opportunity') }}
),

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

latest_versions as (
    {{ latest_version('typed', 'opportunity_id', 'last_modified_at') }}
),

latest as (
    select
        *,
        -- A deal is worth zero or more; a negative amount is flagged, not kept.
        case when amount_value >= 0 then amount_value end as amount,
        case when probability_value between 0 and 100 then probability_value end as probability,
        case
            when opportunity_type_key in ('new_business', 'renewal', 'expansion', 'upsell')
                then opportunity_type_key
        end as opportunity_type
    from latest_versions
    where not is_deleted
),

final as (
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
        ]) }} as invalid_values
    from latest
)

select * from final
