{#- One row per owner per tier with an owner capacity (var
    tiers_owner_capacity) at the as-of date: the owner's capacity in that tier
    (seed owner_capacity_overrides, else the var) and the slots the rules may
    fill (capacity less the owner's active sales overrides into that tier).
    Owners are the CRM users and every owner of a universe account. The one
    home of the owner capacity rule: int_tiers_allocated fills the slots,
    int_owner_loads_measured reports them. -#}
{%- set owner_capacity = var('tiers_owner_capacity') -%}
{%- set int = dbt.type_int() -%}
with

overridden as (
    select * from {{ ref('int_tiers_overridden') }}
),

tier_inputs as (
    select * from {{ ref('int_tier_inputs_joined') }}
),

users as (
    select * from {{ ref('stg_crm__users') }}
),

owner_capacity_overrides as (
    select * from {{ ref('owner_capacity_overrides') }}
),

as_of as (
    select {{ as_of_date() }} as as_of_date
),

tier_capacities as (
    {%- for tier, capacity in owner_capacity.items() %}
        {% if not loop.first %}union all{% endif %}
        select
            '{{ tier }}' as tier,
            {{ tier[-1] }} as tier_rank,
            {{ capacity | int }} as default_capacity
    {%- endfor %}
),

owners as (
    select users.user_id as owner_id
    from users
    where users.user_id is not null
    union
    select tier_inputs.owner_id
    from tier_inputs
    where tier_inputs.owner_id is not null
),

override_usage as (
    select
        tier_inputs.owner_id,
        overridden.override_rank as tier_rank,
        count(*) as override_accounts
    from overridden
    inner join tier_inputs
        on overridden.account_id = tier_inputs.account_id
    where overridden.override_rank <= 3 and tier_inputs.owner_id is not null
    group by tier_inputs.owner_id, overridden.override_rank
),

final as (
    select
        -- ids
        owners.owner_id,
        tier_capacities.tier,
        -- numerics
        cast(tier_capacities.tier_rank as {{ int }}) as tier_rank,
        cast(coalesce(owner_capacity_overrides.capacity, tier_capacities.default_capacity) as {{ int }})
            as capacity,
        cast(coalesce(override_usage.override_accounts, 0) as {{ int }}) as override_accounts,
        cast(
            coalesce(owner_capacity_overrides.capacity, tier_capacities.default_capacity)
            - coalesce(override_usage.override_accounts, 0) as {{ int }}
        ) as rule_slots,
        -- dates
        as_of.as_of_date
    from owners
    cross join tier_capacities
    cross join as_of
    left join owner_capacity_overrides
        on
            owners.owner_id = owner_capacity_overrides.owner_id
            and tier_capacities.tier = owner_capacity_overrides.tier
    left join override_usage
        on
            owners.owner_id = override_usage.owner_id
            and tier_capacities.tier_rank = override_usage.tier_rank
)

select * from final
