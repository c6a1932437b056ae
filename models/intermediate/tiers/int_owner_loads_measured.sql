{#- One row per CRM user per tier with an owner capacity (var
    tiers_owner_capacity) at the latest as-of date of int_account_tiers: the
    owner's capacity in that tier (int_tier_owner_slots),
    the targeted accounts of that tier the owner carries (owns in the CRM) and
    those proposed to the owner (int_account_owner_proposals), and what is left.
    The allocation (int_tiers_allocated) applies the same capacity to owned
    accounts; proposals come after it and may take an owner past capacity,
    which is_over_capacity shows. -#}
{%- set int = dbt.type_int() -%}
with

tiers as (
    select * from {{ ref('int_account_tiers') }}
),

accounts as (
    select * from {{ ref('int_accounts') }}
),

users as (
    select * from {{ ref('stg_crm__users') }}
),

proposals as (
    select * from {{ ref('int_account_owner_proposals') }}
),

owner_slots as (
    select * from {{ ref('int_tier_owner_slots') }}
),

latest as (
    select max(tiers.as_of_date) as as_of_date
    from tiers
),

current_tiers as (
    select
        tiers.account_id,
        tiers.tier_rank,
        accounts.owner_id,
        proposals.proposed_owner_id
    from tiers
    inner join latest
        on tiers.as_of_date = latest.as_of_date
    left join accounts
        on tiers.account_id = accounts.account_id
    left join proposals
        on tiers.account_id = proposals.account_id
),

owned_counts as (
    select
        current_tiers.owner_id,
        current_tiers.tier_rank,
        count(*) as account_count
    from current_tiers
    where current_tiers.owner_id is not null
    group by current_tiers.owner_id, current_tiers.tier_rank
),

proposed_counts as (
    select
        current_tiers.proposed_owner_id as owner_id,
        current_tiers.tier_rank,
        count(*) as account_count
    from current_tiers
    where current_tiers.proposed_owner_id is not null
    group by current_tiers.proposed_owner_id, current_tiers.tier_rank
),

loads as (
    select
        users.user_id as owner_id,
        users.user_name as owner_name,
        users.is_active,
        owner_slots.tier,
        owner_slots.capacity,
        coalesce(owned_counts.account_count, 0) as owned_accounts,
        coalesce(proposed_counts.account_count, 0) as proposed_accounts
    from users
    inner join owner_slots
        on users.user_id = owner_slots.owner_id
    left join owned_counts
        on owner_slots.owner_id = owned_counts.owner_id and owner_slots.tier_rank = owned_counts.tier_rank
    left join proposed_counts
        on owner_slots.owner_id = proposed_counts.owner_id and owner_slots.tier_rank = proposed_counts.tier_rank
),

final as (
    select
        -- ids
        loads.owner_id,
        loads.tier,
        -- strings
        loads.owner_name,
        -- numerics
        cast(loads.capacity as {{ int }}) as capacity,
        cast(loads.owned_accounts as {{ int }}) as owned_accounts,
        cast(loads.proposed_accounts as {{ int }}) as proposed_accounts,
        cast(loads.capacity - loads.owned_accounts - loads.proposed_accounts as {{ int }}) as remaining_capacity,
        -- booleans
        coalesce(loads.is_active, false) as is_active,
        loads.owned_accounts >= loads.capacity as is_at_capacity,
        loads.owned_accounts + loads.proposed_accounts > loads.capacity as is_over_capacity,
        -- dates
        latest.as_of_date
    from loads
    cross join latest
)

select * from final
