{#- One row per cutoff and account that had a closed opportunity of an outcome
    type (var icp_outcome_opportunity_types) by the cutoff date: the ICP's
    training set. Point in time: only deals created and closed on or before the
    cutoff count, so nothing that happened later leaks in. is_won when any of
    them was won; best customers (var icp_best_customer_min_deal_cycles won deal
    cycles or more by the cutoff) weigh var icp_best_customer_weight. What the
    account adds to the wins and losses is given for both account-level training
    (won_weight, lost_weight) and deal-level training (won_deal_weight,
    lost_deal_weight); int_icp_training_modes chooses. -#}
{%- set best_weight -%}
    case
        when won_deals > 0 and won_deal_cycles >= {{ var('icp_best_customer_min_deal_cycles') }}
            then {{ var('icp_best_customer_weight') }}
        else 1.0
    end
{%- endset -%}
with

cutoffs as (
    select * from {{ ref('int_icp_cutoffs') }}
),

opportunities as (
    select * from {{ ref('int_opportunities_checked') }}
    where
        account_id is not null
        and is_closed
        and close_date is not null
),

closed_by_cutoff as (
    select
        cutoffs.cutoff_name,
        cutoffs.cutoff_date,
        opportunities.account_id,
        opportunities.is_won,
        opportunities.close_date,
        {{ icp_is_outcome_type('opportunities.opportunity_type') }} as is_outcome_type,
        {{ opportunity_type_in(
            'opportunities.opportunity_type',
            var('icp_deal_cycle_types'),
            var('icp_count_untyped_opportunities')
        ) }} as is_deal_cycle_type
    from opportunities
    inner join cutoffs
        on
            opportunities.close_date <= cutoffs.cutoff_date
            and coalesce(opportunities.created_date, opportunities.close_date) <= cutoffs.cutoff_date
),

per_account as (
    select
        cutoff_name,
        cutoff_date,
        account_id,
        sum(case when is_outcome_type then 1 else 0 end) as closed_deals,
        sum(case when is_outcome_type and is_won then 1 else 0 end) as won_deals,
        sum(case when is_deal_cycle_type and is_won then 1 else 0 end) as won_deal_cycles,
        max(case when is_outcome_type then close_date end) as last_close_date
    from closed_by_cutoff
    group by
        cutoff_name,
        cutoff_date,
        account_id
),

final as (
    select
        cutoff_name,
        cutoff_date,
        account_id,
        cast(closed_deals as {{ dbt.type_int() }}) as closed_deals,
        cast(won_deals as {{ dbt.type_int() }}) as won_deals,
        cast(won_deal_cycles as {{ dbt.type_int() }}) as won_deal_cycles,
        cast({{ best_weight }} as {{ type_double() }}) as sample_weight,
        won_deals > 0 as is_won,
        cast(case when won_deals > 0 then {{ best_weight }} else 0 end as {{ type_double() }}) as won_weight,
        cast(case when won_deals > 0 then 0 else 1 end as {{ type_double() }}) as lost_weight,
        cast(won_deals * {{ best_weight }} as {{ type_double() }}) as won_deal_weight,
        cast(closed_deals - won_deals as {{ type_double() }}) as lost_deal_weight,
        won_deals > 0
        and won_deal_cycles >= {{ var('icp_best_customer_min_deal_cycles') }} as is_best_customer,
        last_close_date
    from per_account
    where closed_deals > 0
)

select * from final
