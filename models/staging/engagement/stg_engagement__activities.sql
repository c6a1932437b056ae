with

source as (
    select * from {{ source('engagement', 'activity') }}
),

cleaned as (
    select
        {{ clean_value('activity_id') }} as activity_id,
        {{ clean_value('occurred_at') }} as occurred_text,
        lower({{ clean_value('email') }}) as email,
        email as email_landed,
        {{ clean_value('ip_domain') }} as ip_domain_text,
        ip_domain as ip_domain_landed,
        {{ clean_value('activity_type') }} as activity_type_text,
        {{ clean_value('channel') }} as channel,
        {{ clean_value('campaign_id') }} as campaign_id,
        {{ clean_value('url') }} as url,
        {{ clean_value('duration_seconds') }} as duration_seconds_text,
        _source_file,
        cast(_row_number as {{ dbt.type_bigint() }}) as _row_number,
        _loaded_at
    from source
),

typed as (
    select
        *,
        {{ parse_timestamp('occurred_text') }} as occurred_at,
        {{ regexp_replace_all('lower(activity_type_text)', '[^a-z0-9]+', '_') }} as activity_type_key,
        {{ parse_number('duration_seconds_text') }} as duration_seconds_value
    from cleaned
),

hosts as (
    {{ resolve_hosts('source', ['email', 'ip_domain'], from_raw=true) }}
),

latest_versions as (
    {{ latest_version('typed', 'activity_id', 'occurred_at') }}
),

latest as (
    select
        *,
        case
            when activity_type_key in (
                'web_visit', 'email_open', 'email_click', 'form_fill',
                'webinar_attended', 'event_attended', 'ad_click', 'meeting'
            ) then activity_type_key
        end as activity_type,
        case
            when duration_seconds_value >= 0 then cast(round(duration_seconds_value) as {{ dbt.type_int() }})
        end as duration_seconds
    from latest_versions
),

final as (
    select
        -- ids
        latest.activity_id,
        -- timestamps
        latest.occurred_at,
        cast(latest.occurred_at as date) as activity_date,
        -- who
        latest.email,
        email_hosts.registrable_domain as email_domain,
        email_hosts.is_free_mail,
        ip_hosts.registrable_domain as ip_domain,
        latest.ip_domain_text as ip_domain_raw,
        -- what
        latest.activity_type,
        latest.channel,
        latest.campaign_id,
        latest.url,
        latest.duration_seconds,
        {{ list_invalid_values([
            ['occurred_at', 'latest.occurred_text', 'latest.occurred_at'],
            ['ip_domain', 'latest.ip_domain_text', 'ip_hosts.registrable_domain'],
            ['activity_type', 'latest.activity_type_text', 'latest.activity_type'],
            ['duration_seconds', 'latest.duration_seconds_text', 'latest.duration_seconds'],
        ]) }} as invalid_values
    from latest
    left join hosts as email_hosts
        on latest.email_landed = email_hosts.raw_value
    left join hosts as ip_hosts
        on latest.ip_domain_landed = ip_hosts.raw_value
)

select * from final
