with

source as (
    select * from {{ source('crm', 'contact') }}
),

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

latest_versions as (
    {{ latest_version('typed', 'contact_id', 'last_modified_at') }}
),

latest as (
    select * from latest_versions
    where not is_deleted
),

final as (
    select
        -- ids
        latest.contact_id,
        latest.account_id,
        -- strings
        latest.first_name,
        latest.last_name,
        latest.email,
        hosts.registrable_domain as email_domain,
        hosts.is_free_mail,
        latest.title,
        latest.department,
        latest.lead_source,
        -- timestamps
        latest.created_at,
        latest.last_modified_at,
        {{ list_invalid_values([
            ['created_at', 'latest.created_text', 'latest.created_at'],
            ['last_modified_at', 'latest.last_modified_text', 'latest.last_modified_at'],
            ['is_deleted', 'latest.is_deleted_text', parse_boolean('latest.is_deleted_text')],
        ]) }} as invalid_values
    from latest
    left join hosts
        on latest.email_landed = hosts.raw_value
)

select * from final
