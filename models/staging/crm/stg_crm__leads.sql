with

source as (
    select * from {{ source('crm', 'lead') }}
),

industry_map as (
    select * from {{ ref('industry_map') }}
),

country_map as (
    select * from {{ ref('country_map') }}
),

cleaned as (
    select
        {{ clean_value('id') }} as lead_id,
        {{ clean_value('company') }} as company_name,
        lower({{ clean_value('email') }}) as email,
        email as email_landed,
        {{ clean_value('website') }} as website,
        website as website_landed,
        {{ clean_value('industry') }} as industry_raw,
        {{ clean_value('number_of_employees') }} as number_of_employees_text,
        {{ clean_value('annual_revenue') }} as annual_revenue_text,
        {{ clean_value('country') }} as country,
        {{ clean_value('status') }} as lead_status,
        {{ clean_value('is_converted') }} as is_converted_text,
        {{ clean_value('converted_account_id') }} as converted_account_id,
        {{ clean_value('converted_contact_id') }} as converted_contact_id,
        {{ clean_value('converted_opportunity_id') }} as converted_opportunity_id,
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
        {{ parse_boolean('is_converted_text') }} as is_converted,
        {{ parse_timestamp('created_text') }} as created_at,
        {{ parse_timestamp('last_modified_text') }} as last_modified_at,
        coalesce({{ parse_boolean('is_deleted_text') }}, false) as is_deleted
    from cleaned
),

hosts as (
    {{ resolve_hosts('source', ['email', 'website'], from_raw=true) }}
),

latest_versions as (
    {{ latest_version('typed', 'lead_id', 'last_modified_at') }}
),

latest as (
    select
        *,
        case
            when number_of_employees_value >= 0
                then cast(round(number_of_employees_value) as {{ dbt.type_bigint() }})
        end as number_of_employees,
        case when annual_revenue_value >= 0 then annual_revenue_value end as annual_revenue
    from latest_versions
    where not is_deleted
),

final as (
    select
        -- ids
        latest.lead_id,
        -- strings
        latest.company_name,
        {{ normalize_company_name('latest.company_name') }} as company_name_normalized,
        latest.email,
        email_hosts.registrable_domain as email_domain,
        email_hosts.is_free_mail,
        latest.website,
        website_hosts.registrable_domain as website_domain,
        industry_map.industry,
        latest.industry_raw,
        -- numerics
        latest.number_of_employees,
        latest.annual_revenue,
        -- geography
        latest.country,
        country_map.country_code,
        country_map.region,
        -- status
        latest.lead_status,
        latest.is_converted,
        latest.converted_account_id,
        latest.converted_contact_id,
        latest.converted_opportunity_id,
        -- timestamps
        latest.created_at,
        latest.last_modified_at,
        {{ list_invalid_values([
            ['number_of_employees', 'latest.number_of_employees_text', 'latest.number_of_employees'],
            ['annual_revenue', 'latest.annual_revenue_text', 'latest.annual_revenue'],
            ['is_converted', 'latest.is_converted_text', 'latest.is_converted'],
            ['created_at', 'latest.created_text', 'latest.created_at'],
            ['last_modified_at', 'latest.last_modified_text', 'latest.last_modified_at'],
            ['is_deleted', 'latest.is_deleted_text', parse_boolean('latest.is_deleted_text')],
        ]) }} as invalid_values
    from latest
    left join hosts as email_hosts
        on latest.email_landed = email_hosts.raw_value
    left join hosts as website_hosts
        on latest.website_landed = website_hosts.raw_value
    left join industry_map
        on {{ lookup_key('latest.industry_raw') }} = industry_map.raw_value
    left join country_map
        on {{ lookup_key('latest.country') }} = country_map.raw_value
)

select * from final
