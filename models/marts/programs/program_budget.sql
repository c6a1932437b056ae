{#- One row per plan tier, ABM cluster and account owner of the quarter's account
    program plan (int_account_program_plans): accounts, program items and planned
    cost. Every plan item and account falls in exactly one row, so a SUM over any
    rows (a tier, a cluster, an owner, everything) is that part's budget; there
    are no total rows. -#}
{%- set double = type_double() -%}
with

plan as (
    select * from {{ ref('int_account_program_plans') }}
),

rolled_up as (
    select
        plan.plan_tier,
        plan.cluster_id,
        plan.owner_id,
        plan.as_of_date,
        plan.quarter_start_date,
        count(distinct plan.account_id) as account_count,
        count(*) as plan_item_count,
        cast(sum(cast(
            plan.planned_cost_usd
            as {{ exact_decimal() }}
        )) as {{ double }}) as planned_cost_usd
    from plan
    group by plan.plan_tier, plan.cluster_id, plan.owner_id, plan.as_of_date, plan.quarter_start_date
),

final as (
    select
        {{ dbt.concat([
            "rolled_up.plan_tier", "'|'", "coalesce(rolled_up.cluster_id, 'none')",
            "'|'", "coalesce(rolled_up.owner_id, 'none')",
        ]) }} as budget_key,
        rolled_up.plan_tier,
        rolled_up.cluster_id,
        rolled_up.owner_id,
        rolled_up.as_of_date,
        rolled_up.quarter_start_date,
        cast(rolled_up.account_count as {{ dbt.type_int() }}) as account_count,
        cast(rolled_up.plan_item_count as {{ dbt.type_int() }}) as plan_item_count,
        rolled_up.planned_cost_usd,
        cast(round(rolled_up.planned_cost_usd / rolled_up.account_count, 2) as {{ double }}) as cost_per_account_usd
    from rolled_up
)

select * from final
