-- program_budget is SUM-safe: its rows add up to the whole plan - accounts,
-- plan items and cost (within a cent per budget row, for the rounding).
-- Returns the measures that do not add up.
with

budget as (
    select * from {{ ref('program_budget') }}
),

plan as (
    select * from {{ ref('account_program_plan') }}
),

budget_sums as (
    select
        coalesce(sum(budget.account_count), 0) as account_count,
        coalesce(sum(budget.plan_item_count), 0) as plan_item_count,
        coalesce(sum(budget.planned_cost_usd), 0) as planned_cost_usd,
        count(*) as budget_rows
    from budget
),

plan_totals as (
    select
        count(distinct plan.account_id) as account_count,
        count(*) as plan_item_count,
        coalesce(sum(plan.planned_cost_usd), 0) as planned_cost_usd
    from plan
),

final as (
    select
        budget_sums.account_count as budget_accounts,
        plan_totals.account_count as plan_accounts,
        budget_sums.plan_item_count as budget_items,
        plan_totals.plan_item_count as plan_items,
        budget_sums.planned_cost_usd as budget_cost_usd,
        plan_totals.planned_cost_usd as plan_cost_usd
    from budget_sums
    cross join plan_totals
    where
        budget_sums.account_count != plan_totals.account_count
        or budget_sums.plan_item_count != plan_totals.plan_item_count
        or abs(budget_sums.planned_cost_usd - plan_totals.planned_cost_usd)
        > 0.01 * budget_sums.budget_rows
)

select * from final
