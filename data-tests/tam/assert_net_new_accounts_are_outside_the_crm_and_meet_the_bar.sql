-- net_new_accounts lists only companies not in the CRM that reach a tier of var
-- net_new_tiers or a fit grade of var net_new_fit_grades (and are not excluded),
-- and every such company is listed. Returns the accounts that break either way.
{% set listed_tiers = "'" ~ var('net_new_tiers') | join("', '") ~ "'" %}
{% set listed_grades = "'" ~ var('net_new_fit_grades') | join("', '") ~ "'" %}
with

net_new as (
    select * from {{ ref('net_new_accounts') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

tiers as (
    select * from {{ ref('account_tiers') }}
),

current_tiers as (
    select * from tiers
    where as_of_date = {{ as_of_date() }}
),

eligible as (
    select accounts.account_id
    from accounts
    inner join current_tiers
        on accounts.account_id = current_tiers.account_id
    where
        not accounts.is_in_crm
        and (
            current_tiers.tier in ({{ listed_tiers }})
            or (
                current_tiers.fit_grade in ({{ listed_grades }})
                and not coalesce(current_tiers.is_excluded, false)
            )
        )
),

listed_but_not_eligible as (
    select
        net_new.account_id,
        'listed but in the CRM or below the bar' as issue
    from net_new
    left join eligible
        on net_new.account_id = eligible.account_id
    where eligible.account_id is null
),

eligible_but_not_listed as (
    select
        eligible.account_id,
        'eligible but not listed' as issue
    from eligible
    left join net_new
        on eligible.account_id = net_new.account_id
    where net_new.account_id is null
),

final as (
    select * from listed_but_not_eligible
    union all
    select * from eligible_but_not_listed
)

select * from final
