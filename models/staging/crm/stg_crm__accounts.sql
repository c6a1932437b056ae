{#- One row per CRM account that is not deleted: `base_crm__accounts` (the latest
    version of every account, incremental) without the deleted ones. -#}
with

versions as (
    select * from {{ ref('base_crm__accounts') }}
),

final as (
    select
        account_id,
        parent_account_id,
        owner_id,
        account_name,
        account_name_normalized,
        website,
        domain,
        industry,
        industry_raw,
        number_of_employees,
        annual_revenue,
        billing_country,
        country_code,
        region,
        billing_state,
        billing_city,
        account_type,
        created_at,
        last_modified_at,
        invalid_values
    from versions
    where not is_deleted
)

select * from final
