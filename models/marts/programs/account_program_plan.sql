{#- One row per targeted account and program for the quarter of the as-of
    date. The published form of int_account_program_plans (where the logic and
    its unit tests live). -#}
with

program_plans as (
    select * from {{ ref('int_account_program_plans') }}
),

final as (
    select
        plan_item_id,
        account_id,
        program_id,
        as_of_date,
        quarter_start_date,
        tier,
        plan_tier,
        cluster_id,
        owner_id,
        program_name,
        channel,
        cost_basis,
        cadence,
        runs_per_quarter,
        unit_cost_usd,
        cost_group_accounts,
        planned_cost_usd,
        is_requested,
        requested_by
    from program_plans
)

select * from final
