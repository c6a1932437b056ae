{#- One row per CRM user per tier with an owner capacity (var
    tiers_owner_capacity) at the latest as-of date: the owner's load against
    capacity - accounts owned in the tier, accounts proposed to the owner
    (territory rules), what is left. The published form of
    int_owner_loads_measured. -#}
with

loads as (
    select * from {{ ref('int_owner_loads_measured') }}
),

final as (
    select
        loads.owner_id,
        loads.tier,
        loads.owner_name,
        loads.capacity,
        loads.owned_accounts,
        loads.proposed_accounts,
        loads.remaining_capacity,
        loads.is_active,
        loads.is_at_capacity,
        loads.is_over_capacity,
        loads.as_of_date
    from loads
)

select * from final
