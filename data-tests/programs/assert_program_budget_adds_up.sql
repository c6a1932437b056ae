-- The tier and owner roll-ups each add up to the total
-- (within a cent per roll-up row), and the plan's cost to the total.
with

budget as (
    select * from {{ ref('program_budget') }}
),

plan_total as (
    select coalesce(sum(planned_cost_usd), 0) as planned_cost_usd
    from {{ ref('account_program_plan') }}
),

level_totals as (
    select
        rollup_level,
        sum(planned_cost_usd) as planned_cost_usd,
        count(*) as rollup_rows
    from budget
    where rollup_level in ('tier', 'owner')
    group by rollup_level
),

total as (
    select budget.planned_cost_usd
    from budget
    where budget.rollup_level = 'total'
)

select
    level_totals.rollup_level,
    level_totals.planned_cost_usd,
    total.planned_cost_usd as total_cost_usd
from level_totals
cross join total
where abs(level_totals.planned_cost_usd - total.planned_cost_usd) > 0.01 * level_totals.rollup_rows

union all

select
    'plan' as rollup_level,
    plan_total.planned_cost_usd,
    total.planned_cost_usd as total_cost_usd
from plan_total
cross join total
where abs(plan_total.planned_cost_usd - total.planned_cost_usd) > 0.01
