{#- One row per universe account: its tier at the latest as-of date in
    account_tiers (a backtest of an earlier date does not change it). The source
    of the tier-history snapshot (snapshots/account_tiers_snapshot.yml). -#}
{{ config(materialized='view') }}
with

tiers as (
    select * from {{ ref('int_account_tiers') }}
),

latest as (
    select max(tiers.as_of_date) as as_of_date
    from tiers
),

final as (
    select
        tiers.account_id,
        tiers.as_of_date,
        tiers.tier,
        tiers.tier_rank,
        tiers.motion,
        tiers.tier_source,
        tiers.reason_code,
        tiers.tier_reason,
        tiers.account_program,
        tiers.fit_score,
        tiers.intent_score,
        tiers.engagement_score
    from tiers
    inner join latest
        on tiers.as_of_date = latest.as_of_date
)

select * from final
