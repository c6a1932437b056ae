{#- One row per budget roll-up of int_account_program_plans for the quarter: the total,
    each plan tier, each ABM cluster and each account owner, with accounts,
    program items and planned cost. -#}
{%- set double = type_double() -%}
{%- set rollups = {'tier': 'plan_tier', 'cluster': 'cluster_id', 'owner': 'owner_id'} -%}
with

plan as (
    select * from {{ ref('int_account_program_plans') }}
),

rolled_up as (
    select
        'total' as rollup_level,
        'all' as rollup_value,
        plan.as_of_date,
        plan.quarter_start_date,
        count(distinct plan.account_id) as account_count,
        count(*) as plan_item_count,
        cast(sum(cast(
            plan.planned_cost_usd
            as {{ exact_decimal() }}
        )) as {{ type_double() }}) as planned_cost_usd
    from plan
    group by plan.as_of_date, plan.quarter_start_date
    {%- for level, column in rollups.items() %}

        union all

        select
            '{{ level }}' as rollup_level,
            plan.{{ column }} as rollup_value,
            plan.as_of_date,
            plan.quarter_start_date,
            count(distinct plan.account_id) as account_count,
            count(*) as plan_item_count,
            cast(sum(cast(
                plan.planned_cost_usd
                as {{ exact_decimal() }}
            )) as {{ type_double() }}) as planned_cost_usd
        from plan
        where plan.{{ column }} is not null
        group by plan.{{ column }}, plan.as_of_date, plan.quarter_start_date
    {%- endfor %}
),

final as (
    select
        {{ dbt.concat(["rolled_up.rollup_level", "':'", "rolled_up.rollup_value"]) }} as budget_key,
        rolled_up.rollup_level,
        rolled_up.rollup_value,
        rolled_up.as_of_date,
        rolled_up.quarter_start_date,
        cast(rolled_up.account_count as {{ dbt.type_int() }}) as account_count,
        cast(rolled_up.plan_item_count as {{ dbt.type_int() }}) as plan_item_count,
        cast(round(rolled_up.planned_cost_usd, 2) as {{ double }}) as planned_cost_usd,
        cast(round(rolled_up.planned_cost_usd / rolled_up.account_count, 2) as {{ double }}) as cost_per_account_usd
    from rolled_up
)

select * from final
