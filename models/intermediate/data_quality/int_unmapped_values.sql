-- One row per source table, column and distinct value that a seed map (industry,
-- country) or the public suffix list (domain) could not resolve, over the records
-- staging keeps (latest versions).
with

accounts as (
    select * from {{ ref('stg_crm__accounts') }}
),

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

contacts as (
    select * from {{ ref('stg_crm__contacts') }}
),

companies as (
    select * from {{ ref('stg_enrichment__companies') }}
),

surges as (
    select * from {{ ref('stg_intent__bombora_surges') }}
),

activities as (
    select * from {{ ref('stg_engagement__activities') }}
),

industry_map as (
    select * from {{ ref('industry_map') }}
),

country_map as (
    select * from {{ ref('country_map') }}
),

-- Domains are resolved by staging already (the same value always resolves the same way).
staged_values as (
    select
        'crm__account' as source_table,
        'industry' as column_name,
        'industry' as lookup_kind,
        accounts.industry_raw as raw_value,
        cast(null as {{ dbt.type_string() }}) as resolved_domain
    from accounts
    union all
    select
        'crm__account' as source_table,
        'billing_country' as column_name,
        'country' as lookup_kind,
        accounts.billing_country as raw_value,
        cast(null as {{ dbt.type_string() }}) as resolved_domain
    from accounts
    union all
    select
        'crm__account' as source_table,
        'website' as column_name,
        'domain' as lookup_kind,
        accounts.website as raw_value,
        accounts.domain as resolved_domain
    from accounts
    union all
    select
        'crm__lead' as source_table,
        'industry' as column_name,
        'industry' as lookup_kind,
        leads.industry_raw as raw_value,
        cast(null as {{ dbt.type_string() }}) as resolved_domain
    from leads
    union all
    select
        'crm__lead' as source_table,
        'country' as column_name,
        'country' as lookup_kind,
        leads.country as raw_value,
        cast(null as {{ dbt.type_string() }}) as resolved_domain
    from leads
    union all
    select
        'crm__lead' as source_table,
        'website' as column_name,
        'domain' as lookup_kind,
        leads.website as raw_value,
        leads.website_domain as resolved_domain
    from leads
    union all
    select
        'crm__lead' as source_table,
        'email' as column_name,
        'domain' as lookup_kind,
        leads.email as raw_value,
        leads.email_domain as resolved_domain
    from leads
    union all
    select
        'crm__contact' as source_table,
        'email' as column_name,
        'domain' as lookup_kind,
        contacts.email as raw_value,
        contacts.email_domain as resolved_domain
    from contacts
    union all
    select
        'enrichment__company' as source_table,
        'industry' as column_name,
        'industry' as lookup_kind,
        companies.industry_raw as raw_value,
        cast(null as {{ dbt.type_string() }}) as resolved_domain
    from companies
    union all
    select
        'enrichment__company' as source_table,
        'country' as column_name,
        'country' as lookup_kind,
        companies.country as raw_value,
        cast(null as {{ dbt.type_string() }}) as resolved_domain
    from companies
    union all
    select
        'enrichment__company' as source_table,
        'country_code' as column_name,
        'country' as lookup_kind,
        companies.country_code_raw as raw_value,
        cast(null as {{ dbt.type_string() }}) as resolved_domain
    from companies
    union all
    select
        'intent__bombora_surge' as source_table,
        'industry' as column_name,
        'industry' as lookup_kind,
        surges.industry_raw as raw_value,
        cast(null as {{ dbt.type_string() }}) as resolved_domain
    from surges
    union all
    select
        'intent__bombora_surge' as source_table,
        'hq_country' as column_name,
        'country' as lookup_kind,
        surges.hq_country as raw_value,
        cast(null as {{ dbt.type_string() }}) as resolved_domain
    from surges
    union all
    select
        'engagement__activity' as source_table,
        'email' as column_name,
        'domain' as lookup_kind,
        activities.email as raw_value,
        activities.email_domain as resolved_domain
    from activities
    union all
    select
        'engagement__activity' as source_table,
        'ip_domain' as column_name,
        'domain' as lookup_kind,
        activities.ip_domain_raw as raw_value,
        activities.ip_domain as resolved_domain
    from activities
),

counted as (
    select
        source_table,
        column_name,
        lookup_kind,
        raw_value,
        max(resolved_domain) as resolved_domain,
        count(*) as row_count
    from staged_values
    where raw_value is not null
    group by
        source_table,
        column_name,
        lookup_kind,
        raw_value
),

final as (
    select
        counted.source_table,
        counted.column_name,
        counted.lookup_kind,
        counted.raw_value,
        counted.row_count
    from counted
    left join industry_map
        on
            counted.lookup_kind = 'industry'
            and {{ lookup_key('counted.raw_value') }} = industry_map.raw_value
    left join country_map
        on
            counted.lookup_kind = 'country'
            and {{ lookup_key('counted.raw_value') }} = country_map.raw_value
    where
        (counted.lookup_kind = 'industry' and industry_map.raw_value is null)
        or (counted.lookup_kind = 'country' and country_map.raw_value is null)
        or (counted.lookup_kind = 'domain' and counted.resolved_domain is null)
)

select * from final
