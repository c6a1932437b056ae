{#- The total addressable market as of the scoring date, SUM-safe: one row per
    combination of the dimensions (crm_status, fit_grade, industry, size_band,
    region, tier; segment = industry | size band) that has accounts, so every
    account counts in exactly one row and a SUM over any rows is that part of
    the market (no total rows: the total is the sum of all rows). The market is every universe account (dim_accounts:
    CRM masters and net-new companies); three overlapping parts of it are
    measured beside the whole: the part that fits the ICP (fit grade in var
    tam_icp_fit_grades and not excluded), the part already in the CRM, and the
    part that fits but is not in the CRM yet (the white space). Revenue potential
    = each account's expected ACV for its size band (int_acv_potential_by_size_band,
    as account_tiers carries it; 0 until a won deal prices the bands), summed. -#}
{#- An empty var list renders in (''), which matches nothing. -#}
{%- set icp_grades = "'" ~ var('tam_icp_fit_grades') | join("', '") ~ "'" -%}
{%- set dimensions = ['crm_status', 'fit_grade', 'segment', 'industry', 'size_band', 'region', 'tier'] -%}
{%- set scopes = [
    ('', 'true'),
    ('icp_', 'classified.is_icp_fit'),
    ('crm_', 'classified.is_in_crm'),
    ('icp_net_new_', 'classified.is_icp_fit and not classified.is_in_crm'),
] -%}
{%- set measures = [
    ('account_count', '1', dbt.type_bigint()),
    ('employee_count', 'classified.employee_count', dbt.type_bigint()),
    ('revenue_potential_usd', 'classified.expected_acv', type_double()),
] -%}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

accounts as (
    select * from {{ ref('int_accounts') }}
),

tiers as (
    select * from {{ ref('int_account_tiers') }}
),

current_tiers as (
    select * from tiers
    where as_of_date = {{ as_of_date() }}
),

classified as (
    select
        accounts.account_id,
        as_of.as_of_date,
        accounts.is_in_crm,
        coalesce(accounts.is_customer, false) as is_customer,
        coalesce(
            current_tiers.fit_grade in ({{ icp_grades }})
            and not coalesce(current_tiers.is_excluded, false),
            false
        ) as is_icp_fit,
        coalesce(accounts.employee_count, 0) as employee_count,
        coalesce(current_tiers.expected_acv, 0) as expected_acv,
        case when accounts.is_in_crm then 'in_crm' else 'net_new' end as crm_status_value,
        coalesce(current_tiers.fit_grade, 'unscored') as fit_grade_value,
        {{ dbt.concat([
            "coalesce(accounts.industry, 'unknown')",
            "' | '",
            "coalesce(current_tiers.size_band, 'unknown')",
        ]) }} as segment_value,
        coalesce(accounts.industry, 'unknown') as industry_value,
        coalesce(current_tiers.size_band, 'unknown') as size_band_value,
        coalesce(accounts.region, 'unknown') as region_value,
        coalesce(current_tiers.tier, 'not_target') as tier_value
    from accounts
    cross join as_of
    left join current_tiers
        on accounts.account_id = current_tiers.account_id
),

market_cells as (
    select
        classified.as_of_date,
        {%- for dimension in dimensions %}
            classified.{{ dimension }}_value as {{ dimension }},
        {%- endfor %}
        {%- for prefix, condition in scopes %}
            {%- for measure, expression, data_type in measures %}
                cast(
                    sum(cast(case when {{ condition }} then {{ expression }} else 0 end as {{ exact_decimal() }}))
                    as {{ data_type }}
                ) as {{ prefix }}{{ measure }},
            {%- endfor %}
        {%- endfor %}
        cast(
            sum(case when classified.is_customer then 1 else 0 end) as {{ dbt.type_bigint() }}
        ) as customer_account_count
    from classified
    group by
        {%- for dimension in dimensions %}
            classified.{{ dimension }}_value,
        {%- endfor %}
        classified.as_of_date
),

final as (
    select
        {{ dbt.concat([
            "market_cells.crm_status", "'|'", "market_cells.fit_grade", "'|'", "market_cells.industry", "'|'",
            "market_cells.size_band", "'|'", "market_cells.region", "'|'", "market_cells.tier",
        ]) }} as tam_row_id,
        market_cells.*
    from market_cells
)

select * from final
