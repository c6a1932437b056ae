with

source as (
    select * from {{ source('crm', 'account') }}
),

industry_map as (
    select * from {{ ref('industry_map') }}
),

country_map as (
    select * from {{ ref('country_map') }}
),

cleaned as (
    select
        {{ clean_value('id') }} as account_id,
        {{ clean_value('parent_id') }} as parent_account_id,
        {{ clean_value('owner_id') }} as owner_id,
        {{ clean_value('name') }} as account_name,
        {{ clean_value('website') }} as website,
        website as website_landed,
        {{ clean_value('industry') }} as industry_raw,
        {{ clean_value('number_of_employees') }} as number_of_employees_text,
        {{ clean_value('annual_revenue') }} as annual_revenue_text,
        {{ clean_value('billing_country') }} as billing_country,
        {{ clean_value('billing_state') }} as billing_state,
        {{ clean_value('billing_city') }} as billing_city,
        {{ clean_value('type') }} as account_type_text,
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
        {{ parse_number('number_of_employees_text') }} as number_of_employees_value,
        {{ parse_number('annual_revenue_text') }} as annual_revenue_value,
        {{ regexp_replace_all('lower(account_type_text)', '[^a-z0-9]+', '_') }} as account_type_key,
        {{ parse_timestamp('created_text') }} as created_at,
        {{ parse_timestamp('last_modified_text') }} as last_modified_at,
        coalesce({{ parse_boolean('is_deleted_text') }}, false) as is_deleted
    from cleaned
),

hosts as (
    {{ resolve_hosts('source', 'website', from_raw=true) }}
),

latest_versions as (
    {{ latest_version('typed', 'account_id', 'last_modified_at') }}
),

latest as (
    select
        *,
        -- Counts and money cannot be negative: such a value is flagged, not kept.
        case
            when number_of_employees_value >= 0
                then cast(round(number_of_employees_value) as {{ dbt.type_bigint() }})
        end as number_of_employees,
        case when annual_revenue_value >= 0 then annual_revenue_value end as annual_revenue,
        case
            when account_type_key in ('prospect', 'customer', 'partner', 'competitor', 'other')
                then account_type_key
        end as account_type
    from latest_versions
    where not is_deleted
),

final as (
    select
        -- ids
        latest.account_id,
        latest.parent_account_id,
        latest.owner_id,
        -- strings
        latest.account_name,
        {{ normalize_company_name('latest.account_name') }} as account_name_normalized,
        latest.website,
        hosts.registrable_domain as domain,  -- noqa: RF04
        industry_map.industry,
        latest.industry_raw,
        -- numerics
        latest.number_of_employees,
        latest.annual_revenue,
        -- geography
        latest.billing_country,
        country_map.country_code,
        country_map.region,
        latest.billing_state,
        latest.billing_city,
        latest.account_type,
        -- timestamps
        latest.created_at,
        latest.last_modified_at,
        {{ list_invalid_values([
            ['number_of_employees', 'latest.number_of_employees_text', 'latest.number_of_employees'],
            ['annual_revenue', 'latest.annual_revenue_text', 'latest.annual_revenue'],
            ['account_type', 'latest.account_type_text', 'latest.account_type'],
            ['created_at', 'latest.created_text', 'latest.created_at'],
            ['last_modified_at', 'latest.last_modified_text', 'latest.last_modified_at'],
            ['is_deleted', 'latest.is_deleted_text', parse_boolean('latest.is_deleted_text')],
        ]) }} as invalid_values
    from latest
    left join hosts
        on latest.website_landed = hosts.raw_value
    left join industry_map
        on {{ lookup_key('latest.industry_raw') }} = industry_map.raw_value
    left join country_map
        on {{ lookup_key('latest.billing_country') }} = country_map.raw_value
)

select * from final
