{#- One row per targeted account and program for the quarter of the as-of date:
    tier_1-3 accounts get their tier's programs, expansion customers the
    expansion programs (seed program_menu); on-request programs only when sales
    asked (seed program_requests). Cost for the quarter = unit cost x runs per
    quarter, for the account alone (per_account) or shared equally by the accounts
    of its ABM cluster (per_cluster; int_abm_cluster_members, the whole plan tier
    when the tier is not clustered) or of its plan tier (per_tier). Published as
    the mart account_program_plan. -#}
{%- set double = type_double() -%}
{%- set string = dbt.type_string() -%}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

tiers as (
    select account_tiers.*
    from {{ ref('int_account_tiers') }} as account_tiers
    inner join as_of
        on account_tiers.as_of_date = as_of.as_of_date
),

cluster_members as (
    select * from {{ ref('int_abm_cluster_members') }}
),

accounts as (
    select * from {{ ref('int_accounts') }}
),

program_menu as (
    select * from {{ ref('program_menu') }}
),

program_requests as (
    select * from {{ ref('program_requests') }}
),

targeted as (
    select
        tiers.account_id,
        tiers.as_of_date,
        tiers.tier,
        case
            when tiers.account_program = 'expansion' then 'expansion'
            else tiers.tier
        end as plan_tier,
        cluster_members.cluster_id,
        coalesce(accounts.owner_id, 'unassigned') as owner_id
    from tiers
    left join cluster_members
        on tiers.account_id = cluster_members.account_id
    left join accounts
        on tiers.account_id = accounts.account_id
    where tiers.account_program = 'expansion' or tiers.tier in ('tier_1', 'tier_2', 'tier_3')
),

planned as (
    select
        targeted.account_id,
        targeted.as_of_date,
        targeted.tier,
        targeted.plan_tier,
        targeted.cluster_id,
        targeted.owner_id,
        program_menu.program_id,
        program_menu.program_name,
        program_menu.channel,
        program_menu.cost_basis,
        program_menu.cadence,
        program_menu.runs_per_quarter,
        program_menu.unit_cost_usd,
        program_requests.program_id is not null as is_requested,
        program_requests.requested_by,
        case program_menu.cost_basis
            when 'per_account' then targeted.account_id
            when 'per_cluster' then coalesce(targeted.cluster_id, {{ dbt.concat(["'tier:'", "targeted.plan_tier"]) }})
            else {{ dbt.concat(["'tier:'", "targeted.plan_tier"]) }}
        end as cost_group
    from targeted
    inner join program_menu
        on targeted.plan_tier = program_menu.plan_tier
    left join program_requests
        on
            targeted.account_id = program_requests.account_id
            and program_menu.program_id = program_requests.program_id
    where not program_menu.is_on_request or program_requests.program_id is not null
),

shared as (
    select
        planned.*,
        count(*) over (partition by planned.program_id, planned.cost_group) as cost_group_accounts
    from planned
),

final as (
    select
        {{ dbt.concat(["shared.account_id", "'|'", "shared.program_id"]) }} as plan_item_id,
        shared.account_id,
        shared.program_id,
        shared.as_of_date,
        cast({{ dbt.date_trunc('quarter', 'shared.as_of_date') }} as date) as quarter_start_date,
        shared.tier,
        shared.plan_tier,
        shared.cluster_id,
        shared.owner_id,
        shared.program_name,
        shared.channel,
        shared.cost_basis,
        shared.cadence,
        cast(shared.runs_per_quarter as {{ dbt.type_int() }}) as runs_per_quarter,
        cast(shared.unit_cost_usd as {{ double }}) as unit_cost_usd,
        cast(shared.cost_group_accounts as {{ dbt.type_int() }}) as cost_group_accounts,
        cast(
            shared.unit_cost_usd * shared.runs_per_quarter / shared.cost_group_accounts as {{ double }}
        ) as planned_cost_usd,
        shared.is_requested,
        cast(shared.requested_by as {{ string }}) as requested_by
    from shared
)

select * from final
