{#- One row per account with a closed opportunity of an outcome type between the
    backtest cutoff (var icp_backtest_days before the as-of date) and the as-of
    date: its fit as learned and scored at the cutoff, whether it won (any such
    deal won) and its won and lost deals (the backtest judges deals when the
    accounts are too few). The rows behind the marts icp_backtest and
    icp_backtest_outcomes. -#}
with

scores as (
    select * from {{ ref('int_icp_account_scores') }}
    where cutoff_name = 'backtest'
),

cutoffs as (
    select * from {{ ref('int_icp_cutoffs') }}
    where cutoff_name = 'backtest'
),

opportunities as (
    select * from {{ ref('int_opportunities_checked') }}
    where
        account_id is not null
        and is_closed
        and {{ icp_is_outcome_type('opportunity_type') }}
),

outcomes as (
    select
        opportunities.account_id,
        count(*) as closed_deals,
        sum(case when opportunities.is_won then 1 else 0 end) as won_deals,
        max(case when opportunities.is_won then 1 else 0 end) = 1 as is_won
    from opportunities
    cross join cutoffs
    where
        opportunities.close_date > cutoffs.cutoff_date
        and opportunities.close_date <= cutoffs.as_of_date
    group by opportunities.account_id
),

joined as (
    select
        outcomes.account_id,
        scores.cutoff_date as backtest_cutoff_date,
        scores.as_of_date,
        scores.fit_score,
        scores.estimated_win_probability,
        scores.fit_grade,
        scores.is_excluded,
        scores.evidence_level,
        scores.has_history,
        outcomes.closed_deals,
        outcomes.won_deals,
        outcomes.is_won
    from outcomes
    inner join scores
        on outcomes.account_id = scores.account_id
),

final as (
    select
        account_id,
        backtest_cutoff_date,
        as_of_date,
        fit_score,
        estimated_win_probability,
        fit_grade,
        cast(ntile(10) over (order by fit_score desc, account_id asc) as {{ dbt.type_int() }}) as score_decile,
        is_excluded,
        evidence_level,
        has_history,
        cast(closed_deals as {{ dbt.type_int() }}) as closed_deals,
        cast(won_deals as {{ dbt.type_int() }}) as won_deals,
        cast(closed_deals - won_deals as {{ dbt.type_int() }}) as lost_deals,
        is_won
    from joined
)

select * from final
