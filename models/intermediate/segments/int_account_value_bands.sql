{#- One row per universe account at the as-of date: whether it is a customer
    (account_tiers, else dim_accounts), its lifetime value, average ACV and won
    deal cycles (fct_account_snapshots), and for customers the value bands of
    seed value_bands (highest lower edge at or below the value, macro
    value_band). A key customer reaches the key lifetime-value band or
    at least var segments_key_customer_min_deal_cycles deal cycles. -#}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

accounts as (
    select * from {{ ref('int_accounts') }}
),

tiers as (
    select account_tiers.*
    from {{ ref('int_account_tiers') }} as account_tiers
    inner join as_of
        on account_tiers.as_of_date = as_of.as_of_date
),

snapshots as (
    select account_snapshots.*
    from {{ ref('int_account_snapshots') }} as account_snapshots
    inner join as_of
        on account_snapshots.as_of_date = as_of.as_of_date
),

value_bands as (
    select * from {{ ref('value_bands') }}
),

valued as (
    select
        accounts.account_id,
        as_of.as_of_date,
        coalesce(tiers.is_customer, accounts.is_customer, false) as is_customer,
        snapshots.lifetime_value,
        snapshots.average_annual_contract_value,
        coalesce(snapshots.deal_cycles, 0) as deal_cycles
    from accounts
    cross join as_of
    left join tiers
        on accounts.account_id = tiers.account_id
    left join snapshots
        on accounts.account_id = snapshots.account_id
),

lifetime_value_bands as (
    {{ value_band('valued', 'lifetime_value', 'valued.lifetime_value') }}
),

acv_bands as (
    {{ value_band('valued', 'acv', 'valued.average_annual_contract_value') }}
),

final as (
    select
        valued.account_id,
        valued.as_of_date,
        valued.is_customer,
        valued.lifetime_value,
        valued.average_annual_contract_value,
        valued.deal_cycles,
        lifetime_value_bands.value_band as lifetime_value_band,
        acv_bands.value_band as acv_band,
        valued.is_customer
        and (
            lifetime_value_bands.value_band = 'key'
            or valued.deal_cycles >= {{ var('segments_key_customer_min_deal_cycles') }}
        ) as is_key_customer
    from valued
    left join lifetime_value_bands
        on valued.account_id = lifetime_value_bands.account_id
    left join acv_bands
        on valued.account_id = acv_bands.account_id
)

select * from final
