{#- One row per CRM opportunity with its master account and the checks that
    make its data untrustworthy. Nothing is dropped: facts use amount_usable (null
    when the amount is negative or above var('identity_absurd_amount_usd')) and
    skip opportunities without an account; data_quality_issues lists each flag. -#}
with

opportunities as (
    select * from {{ ref('stg_crm__opportunities') }}
),

crm_map as (
    select * from {{ ref('int_crm_accounts_mapped_to_masters') }}
),

-- The data's own today (latest event date), not the as-of date: a backtest as of
-- an earlier date must still see later closes as ordinary open deals.
reference_date as (
    select as_of.latest_event_date from {{ ref('int_as_of_date') }} as as_of
),

checked as (
    select
        opportunities.opportunity_id,
        crm_map.account_id,
        opportunities.account_id as crm_account_id,
        opportunities.opportunity_name,
        opportunities.opportunity_type,
        opportunities.stage_name,
        opportunities.amount,
        coalesce(opportunities.is_closed, false) as is_closed,
        coalesce(opportunities.is_won, false) as is_won,
        opportunities.close_date,
        opportunities.created_date,
        opportunities.invalid_values,
        nullif(trim(opportunities.account_id), '') is null as is_missing_account,
        nullif(trim(opportunities.account_id), '') is not null
        and crm_map.account_id is null as is_unknown_account,
        coalesce(opportunities.amount < 0, false) as is_negative_amount,
        coalesce(opportunities.amount > {{ var('identity_absurd_amount_usd') }}, false) as is_absurd_amount,
        coalesce(
            opportunities.is_closed and opportunities.close_date > reference_date.latest_event_date, false
        ) as is_closed_in_future
    from opportunities
    left join crm_map
        on opportunities.account_id = crm_map.source_account_id
    cross join reference_date
),

final as (
    select
        checked.opportunity_id,
        checked.account_id,
        checked.crm_account_id,
        checked.opportunity_name,
        checked.opportunity_type,
        checked.stage_name,
        checked.amount,
        case
            when not checked.is_negative_amount and not checked.is_absurd_amount then checked.amount
        end as amount_usable,
        checked.is_closed,
        checked.is_won,
        checked.close_date,
        checked.created_date,
        checked.invalid_values,
        checked.is_missing_account,
        checked.is_unknown_account,
        checked.is_negative_amount,
        checked.is_absurd_amount,
        checked.is_closed_in_future,
        not(
            checked.is_missing_account
            or checked.is_unknown_account
            or checked.is_negative_amount
            or checked.is_absurd_amount
            or checked.is_closed_in_future
            or checked.invalid_values is not null
        ) as is_clean
    from checked
)

select * from final
