{#- Incremental over append-only raw (macros/incremental/staged_incremental.sql):
    a run stages the rows loaded since the last and keeps, per activity, the latest
    version over them and the stored row; other logic re-stages everything. -#}
{{ config(**staged_incremental('activity_id')) }}
{%- set staged_columns = [
    'activity_id', 'occurred_at', 'activity_date', 'email', 'email_domain', 'is_free_mail',
    'ip_domain', 'ip_domain_raw', 'activity_type', 'channel', 'campaign_id', 'url',
    'duration_seconds', 'invalid_values', '_loaded_at', '_source_file', '_row_number',
] -%}
{#- The per-row logic, versioned: the CTEs from the delivered rows to one staged row per activity. -#}
{%- set per_row_logic -%}
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

delivered_versions as (
    {{ latest_version('typed', 'activity_id', 'occurred_at') }}
),

delivered_latest as (
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
    from delivered_versions
),

staged as (
    select
        -- ids
        delivered_latest.activity_id,
        -- timestamps
        delivered_latest.occurred_at,
        cast(delivered_latest.occurred_at as date) as activity_date,
        -- who
        delivered_latest.email,
        email_hosts.registrable_domain as email_domain,
        email_hosts.is_free_mail,
        ip_hosts.registrable_domain as ip_domain,
        delivered_latest.ip_domain_text as ip_domain_raw,
        -- what
        delivered_latest.activity_type,
        delivered_latest.channel,
        delivered_latest.campaign_id,
        delivered_latest.url,
        delivered_latest.duration_seconds,
        {{ list_invalid_values([
            ['occurred_at', 'delivered_latest.occurred_text', 'delivered_latest.occurred_at'],
            ['ip_domain', 'delivered_latest.ip_domain_text', 'ip_hosts.registrable_domain'],
            ['activity_type', 'delivered_latest.activity_type_text', 'delivered_latest.activity_type'],
            ['duration_seconds', 'delivered_latest.duration_seconds_text', 'delivered_latest.duration_seconds'],
        ]) }} as invalid_values,
        -- the version order: which delivery this row is
        delivered_latest._loaded_at,
        delivered_latest._source_file,
        delivered_latest._row_number
    from delivered_latest
    left join hosts as email_hosts
        on delivered_latest.email_landed = email_hosts.raw_value
    left join hosts as ip_hosts
        on delivered_latest.ip_domain_landed = ip_hosts.raw_value
)
{%- endset -%}
{%- set version = logic_version(per_row_logic) -%}
{%- do forget_rows_of_other_logic(this, version) -%}
with

source as (
    select * from {{ source('engagement', 'activity') }}
    {% if is_incremental() %}
        where {{ loaded_after_stored(this) }}
    {% endif %}
),

{{ per_row_logic }},

-- The stored rows of the delivered keys compete with the new ones (incremental runs).
{{ staged_latest_ctes('activity_id', 'occurred_at', staged_columns, version) }}

select * from final
