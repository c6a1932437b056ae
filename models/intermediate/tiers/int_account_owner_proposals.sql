{#- One row per targeted account (tier_1-3 at the latest as-of date of
    int_account_tiers) without an active owner - a net-new company, or a CRM
    account whose owner is missing or no longer an active user: its territory
    (seed territories: the most specific match on region, industry and size band
    that has an active owner in seed territory_owners; '*' matches anything)
    and the owner proposed there. Within a territory the accounts, best first
    (tier, priority_score, account_id), go round-robin to its active owners in
    order of current load (targeted accounts they own), least loaded first. -#}
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

territories as (
    select * from {{ ref('territories') }}
),

territory_owners as (
    select * from {{ ref('territory_owners') }}
),

latest as (
    select max(tiers.as_of_date) as as_of_date
    from tiers
),

active_users as (
    select
        users.user_id,
        users.user_name
    from users
    where users.is_active
),

targeted as (
    select
        tiers.account_id,
        tiers.tier_rank,
        tiers.priority_score,
        tiers.size_band,
        accounts.owner_id,
        accounts.region,
        accounts.industry,
        active_users.user_id is not null as has_active_owner
    from tiers
    inner join latest
        on tiers.as_of_date = latest.as_of_date
    left join accounts
        on tiers.account_id = accounts.account_id
    left join active_users
        on accounts.owner_id = active_users.user_id
    where tiers.tier_rank <= 3
),

owner_loads as (
    select
        targeted.owner_id,
        count(*) as current_load
    from targeted
    where targeted.has_active_owner
    group by targeted.owner_id
),

staffed_owners as (
    select
        territory_owners.territory,
        territory_owners.owner_id,
        active_users.user_name as owner_name,
        coalesce(owner_loads.current_load, 0) as current_load,
        row_number() over (
            partition by territory_owners.territory
            order by coalesce(owner_loads.current_load, 0) asc, territory_owners.owner_id asc
        ) as owner_order,
        count(*) over (partition by territory_owners.territory) as owner_count
    from territory_owners
    inner join active_users
        on territory_owners.owner_id = active_users.user_id
    left join owner_loads
        on territory_owners.owner_id = owner_loads.owner_id
),

territory_matches as (
    select
        targeted.account_id,
        territories.territory,
        row_number() over (
            partition by targeted.account_id
            order by
                case when territories.region = '*' then 0 else 1 end
                + case when territories.industry = '*' then 0 else 1 end
                + case when territories.size_band = '*' then 0 else 1 end desc,
                territories.territory asc
        ) as match_order
    from targeted
    inner join territories
        on
            (territories.region = '*' or targeted.region = territories.region)
            and (territories.industry = '*' or targeted.industry = territories.industry)
            and (territories.size_band = '*' or targeted.size_band = territories.size_band)
    where
        not targeted.has_active_owner
        and territories.territory in (select staffed_owners.territory from staffed_owners)
),

territory_queue as (
    select
        targeted.account_id,
        targeted.owner_id,
        territory_matches.territory,
        row_number() over (
            partition by territory_matches.territory
            order by targeted.tier_rank asc, targeted.priority_score desc, targeted.account_id asc
        ) as territory_seq
    from territory_matches
    inner join targeted
        on territory_matches.account_id = targeted.account_id
    where territory_matches.match_order = 1
),

final as (
    select
        -- ids
        territory_queue.account_id,
        staffed_owners.owner_id as proposed_owner_id,
        -- strings
        territory_queue.territory,
        staffed_owners.owner_name as proposed_owner_name,
        case when territory_queue.owner_id is null then 'unowned' else 'orphaned' end as owner_status,
        -- numerics
        staffed_owners.current_load as proposed_owner_load
    from territory_queue
    inner join staffed_owners
        on
            territory_queue.territory = staffed_owners.territory
            and mod(territory_queue.territory_seq - 1, staffed_owners.owner_count) + 1 = staffed_owners.owner_order
)

select * from final
