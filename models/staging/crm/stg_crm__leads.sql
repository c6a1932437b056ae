{#- One row per CRM lead that is not deleted: `base_crm__leads` (the latest
    version of every lead, incremental) without the deleted ones. -#}
with

versions as (
    select * from {{ ref('base_crm__leads') }}
),

final as (
    select
        lead_id,
        company_name,
        company_name_normalized,
        email,
        email_domain,
        is_free_mail,
        website,
        website_domain,
        industry,
        industry_raw,
        number_of_employees,
        annual_revenue,
        country,
        country_code,
        region,
        lead_status,
        is_converted,
        converted_account_id,
        converted_contact_id,
        converted_opportunity_id,
        created_at,
        last_modified_at,
        invalid_values
    from versions
    where not is_deleted
)

select * from final
