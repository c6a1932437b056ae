-- Every dimension of tam_summary splits the same market: for each dimension and
-- each measure, its rows add up to the total row (revenue measures within float
-- rounding: 1e-9 of the total plus a cent). Returns what does not add up.
{% set measures = [
    'account_count', 'employee_count', 'revenue_potential_usd',
    'icp_account_count', 'icp_employee_count', 'icp_revenue_potential_usd',
    'crm_account_count', 'crm_employee_count', 'crm_revenue_potential_usd',
    'icp_net_new_account_count', 'icp_net_new_employee_count', 'icp_net_new_revenue_potential_usd',
    'customer_account_count',
] %}
with

tam as (
    select * from {{ ref('tam_summary') }}
),

totals as (
    select * from tam
    where dimension = 'total'
),

sums as (
    select
        {%- for measure in measures %}
            sum(tam.{{ measure }}) as {{ measure }},
        {%- endfor %}
        tam.dimension
    from tam
    group by tam.dimension
),

compared as (
    {%- for measure in measures %}
        select
            sums.dimension,
            '{{ measure }}' as measure,
            sums.{{ measure }} as dimension_sum,
            totals.{{ measure }} as total_value
        from sums
        cross join totals
        {%- if not loop.last %}

            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        compared.dimension,
        compared.measure,
        compared.dimension_sum,
        compared.total_value
    from compared
    where
        abs(compared.dimension_sum - compared.total_value)
        > 0.000000001 * abs(compared.total_value) + 0.01
)

select * from final
