{#- The published form of int_icp_backtest_outcomes (where the logic and its
    unit tests live), same grain and columns: one row per account judged by the
    backtest. -#}
with

outcomes as (
    select * from {{ ref('int_icp_backtest_outcomes') }}
),

final as (
    select
        account_id,
        backtest_cutoff_date,
        as_of_date,
        fit_score,
        estimated_win_probability,
        fit_grade,
        score_decile,
        is_excluded,
        evidence_level,
        has_history,
        closed_deals,
        won_deals,
        lost_deals,
        is_won
    from outcomes
)

select * from final
