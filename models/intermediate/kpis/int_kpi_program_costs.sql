{#- One row per account and month of the KPI history (int_kpi_months) with a
    planned new-logo program (int_account_program_plans, expansion left out):
    a third of the quarter's planned cost, for each month of the planned quarter
    up to the as-of month. -#}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

months as (
    select * from {{ ref('int_kpi_months') }}
),

program_plans as (
    select * from {{ ref('int_account_program_plans') }}
    where plan_tier != 'expansion'
),

final as (
    select
        program_plans.account_id,
        months.month_start_date,
        cast(sum(cast(
            program_plans.planned_cost_usd
            as {{ exact_decimal() }}
        )) as {{ type_double() }}) / 3 as program_cost_usd
    from program_plans
    cross join as_of
    inner join months
        on
            program_plans.quarter_start_date <= months.month_start_date
            and {{ dbt.dateadd('month', 3, 'program_plans.quarter_start_date') }} > months.month_start_date
            and as_of.as_of_date >= months.month_start_date
    group by program_plans.account_id, months.month_start_date
)

select * from final
