{#- The published form of int_accounts (where the logic and its unit tests
    live), same grain and columns. -#}
with

accounts as (
    select * from {{ ref('int_accounts') }}
),

final as (
    select
        account_id,
        account_name,
        domain,
        industry,
        industry_source,
        sub_industry,
        employee_count,
        employee_count_source,
        annual_revenue,
        annual_revenue_source,
        country_code,
        country_code_source,
        region,
        region_source,
        state,
        city,
        founded_year,
        technologies,
        account_type,
        customer_status,
        owner_id,
        parent_account_id,
        ultimate_parent_account_id,
        rollup_account_id,
        parent_source,
        hierarchy_depth,
        hierarchy_status,
        known_by_sources,
        crm_account_count,
        is_in_crm,
        has_enrichment,
        is_customer,
        has_hierarchy_cycle,
        is_parent_missing,
        created_at
    from accounts
)

select * from final
