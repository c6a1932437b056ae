{#- One row per universe account: master CRM accounts plus net-new companies known
    only by domain. Firmographics: each field from the source first in
    var('identity_firmographic_precedence') that has a value, with the source named
    in <field>_source. CRM values are the master record's. -#}
{%- set precedence = var('identity_firmographic_precedence') -%}
{%- if precedence not in ['crm_first', 'enrichment_first'] -%}
    {{ exceptions.raise_compiler_error(
        "var identity_firmographic_precedence must be crm_first or enrichment_first, got '" ~ precedence ~ "'"
    ) }}
{%- endif -%}
{%- set first_source = 'crm' if precedence == 'crm_first' else 'enrichment' -%}
{%- set second_source = 'enrichment' if first_source == 'crm' else 'crm' -%}
{%- set fields = [
    ('industry', 'crm.industry', 'enrichment.industry', 'crm.industry', 'enrichment.industry'),
    ('employee_count', 'crm.number_of_employees', 'enrichment.employees',
        'crm.number_of_employees', 'enrichment.employees'),
    ('annual_revenue', 'crm.annual_revenue', 'enrichment.annual_revenue',
        'crm.annual_revenue', 'enrichment.annual_revenue'),
    ('country_code', 'crm.country_code', 'enrichment.country_code',
        'crm.country_code', 'enrichment.country_code'),
    ('region', 'crm.region', 'enrichment.region', 'crm.country_code', 'enrichment.country_code'),
] -%}
{#- region follows the source its country came from, so the two never disagree -#}
with

universe as (
    select * from {{ ref('int_account_universe') }}
),

hierarchy as (
    select * from {{ ref('int_account_hierarchy') }}
),

crm_accounts as (
    select * from {{ ref('stg_crm__accounts') }}
),

enrichment as (
    select * from {{ ref('int_enrichment_companies_matched_to_accounts') }}
),

opportunities as (
    select * from {{ ref('int_opportunities_checked') }}
),

won_accounts as (
    select distinct opportunities.account_id
    from opportunities
    where
        opportunities.is_won
        and opportunities.account_id is not null
        and not opportunities.is_closed_in_future
        and opportunities.close_date <= {{ as_of_date() }}
),

joined as (
    select
        universe.account_id,
        coalesce(crm.account_name, enrichment.company_name, universe.domain) as account_name,
        universe.domain,
        {%- for name, crm_expr, enrichment_expr, crm_key, enrichment_key in fields %}
            {%- set first_expr = crm_expr if first_source == 'crm' else enrichment_expr %}
            {%- set second_expr = enrichment_expr if first_source == 'crm' else crm_expr %}
            {%- set first_key = crm_key if first_source == 'crm' else enrichment_key %}
            {%- set second_key = enrichment_key if first_source == 'crm' else crm_key %}
            case
                when {{ first_key }} is not null then {{ first_expr }}
                else {{ second_expr }}
            end as {{ name }},
            case
                when {{ first_key }} is not null then '{{ first_source }}'
                when {{ second_key }} is not null then '{{ second_source }}'
            end as {{ name }}_source,
        {%- endfor %}
        coalesce(crm.billing_state, enrichment.state) as state,
        coalesce(crm.billing_city, enrichment.city) as city,
        enrichment.sub_industry,
        enrichment.founded_year,
        enrichment.technologies,
        crm.account_type,
        crm.owner_id,
        hierarchy.parent_account_id,
        hierarchy.ultimate_parent_account_id,
        hierarchy.rollup_account_id,
        hierarchy.parent_source,
        hierarchy.hierarchy_depth,
        hierarchy.hierarchy_status,
        universe.known_by_sources,
        universe.crm_account_count,
        universe.is_in_crm,
        enrichment.account_id is not null as has_enrichment,
        won_accounts.account_id is not null as has_won_deal,
        hierarchy.has_hierarchy_cycle,
        hierarchy.is_parent_missing,
        crm.created_at
    from universe
    left join crm_accounts as crm
        on universe.account_id = crm.account_id
    left join enrichment
        on universe.account_id = enrichment.account_id
    left join hierarchy
        on universe.account_id = hierarchy.account_id
    left join won_accounts
        on universe.account_id = won_accounts.account_id
),

final as (
    select
        joined.account_id,
        joined.account_name,
        joined.domain,
        joined.industry,
        joined.industry_source,
        joined.sub_industry,
        cast(joined.employee_count as {{ dbt.type_bigint() }}) as employee_count,
        joined.employee_count_source,
        cast(joined.annual_revenue as {{ type_double() }}) as annual_revenue,
        joined.annual_revenue_source,
        joined.country_code,
        joined.country_code_source,
        joined.region,
        joined.region_source,
        joined.state,
        joined.city,
        joined.founded_year,
        joined.technologies,
        joined.account_type,
        case
            when not joined.is_in_crm then 'net_new'
            when joined.has_won_deal or joined.account_type = 'customer' then 'customer'
            else coalesce(joined.account_type, 'prospect')
        end as customer_status,
        joined.owner_id,
        joined.parent_account_id,
        joined.ultimate_parent_account_id,
        joined.rollup_account_id,
        joined.parent_source,
        joined.hierarchy_depth,
        joined.hierarchy_status,
        joined.known_by_sources,
        cast(joined.crm_account_count as {{ dbt.type_int() }}) as crm_account_count,
        joined.is_in_crm,
        joined.has_enrichment,
        joined.has_won_deal or coalesce(joined.account_type = 'customer', false) as is_customer,
        joined.has_hierarchy_cycle,
        joined.is_parent_missing,
        joined.created_at
    from joined
)

select * from final
