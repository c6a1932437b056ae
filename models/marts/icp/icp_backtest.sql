{#- One row per breakdown of the backtest: `overall` (one row: the AUC and its
    verdict), `decile` (10 = lowest scores, 1 = highest) and `grade` (A-D): the
    accounts judged, their wins and losses after the cutoff, win rate and lift
    against the overall win rate. AUC is the Mann-Whitney rank statistic: the
    chance that a won account outscored a lost one (ties count half).
    auc_status: too_few_outcomes (below var icp_backtest_min_outcomes, or fewer
    wins or losses than var icp_backtest_min_per_class), fail (below var
    icp_backtest_auc_fail_below), warn (below var icp_backtest_auc_warn_below),
    pass. -#}
with

outcomes as (
    select * from {{ ref('int_icp_backtest_outcomes') }}
),

cutoffs as (
    select * from {{ ref('int_icp_cutoffs') }}
    where cutoff_name = 'backtest'
),

ranked as (
    select
        is_won,
        rank() over (order by fit_score)
        + (count(*) over (partition by fit_score) - 1) / 2.0 as score_rank
    from outcomes
),

auc as (
    select
        count(*) as outcomes,
        sum(case when is_won then 1 else 0 end) as wins,
        sum(case when is_won then 0 else 1 end) as losses,
        sum(case when is_won then score_rank else 0 end) as won_rank_sum
    from ranked
),

overall as (
    select
        outcomes,
        wins,
        losses,
        case
            when wins > 0 and losses > 0
                then (won_rank_sum - wins * (wins + 1) / 2.0) / (1.0 * wins * losses)
        end as auc
    from auc
),

breakdowns as (
    select
        'decile' as breakdown,
        cast(score_decile as {{ dbt.type_string() }}) as bucket,
        count(*) as outcomes,
        sum(case when is_won then 1 else 0 end) as wins,
        cast(avg(cast(fit_score as {{ exact_decimal() }})) as {{ type_double() }}) as average_fit_score
    from outcomes
    group by score_decile

    union all

    select
        'grade' as breakdown,
        fit_grade as bucket,
        count(*) as outcomes,
        sum(case when is_won then 1 else 0 end) as wins,
        cast(avg(cast(fit_score as {{ exact_decimal() }})) as {{ type_double() }}) as average_fit_score
    from outcomes
    group by fit_grade

    union all

    select
        'overall' as breakdown,
        'all' as bucket,
        count(*) as outcomes,
        sum(case when is_won then 1 else 0 end) as wins,
        cast(avg(cast(fit_score as {{ exact_decimal() }})) as {{ type_double() }}) as average_fit_score
    from outcomes
),

verdict as (
    select
        overall.auc,
        overall.outcomes as total_outcomes,
        overall.wins as total_wins,
        1.0 * overall.wins / nullif(overall.outcomes, 0) as overall_win_rate,
        case
            when
                overall.outcomes < {{ var('icp_backtest_min_outcomes') }}
                or overall.wins < {{ var('icp_backtest_min_per_class') }}
                or overall.losses < {{ var('icp_backtest_min_per_class') }}
                or overall.auc is null
                then 'too_few_outcomes'
            when overall.auc < {{ var('icp_backtest_auc_fail_below') }} then 'fail'
            when overall.auc < {{ var('icp_backtest_auc_warn_below') }} then 'warn'
            else 'pass'
        end as auc_status
    from overall
),

final as (
    select
        {{ dbt.concat(['breakdowns.breakdown', "':'", 'breakdowns.bucket']) }} as backtest_row_id,
        cutoffs.cutoff_date as backtest_cutoff_date,
        cutoffs.as_of_date,
        breakdowns.breakdown,
        breakdowns.bucket,
        cast(breakdowns.outcomes as {{ dbt.type_int() }}) as outcomes,
        cast(breakdowns.wins as {{ dbt.type_int() }}) as wins,
        cast(breakdowns.outcomes - breakdowns.wins as {{ dbt.type_int() }}) as losses,
        cast(1.0 * breakdowns.wins / nullif(breakdowns.outcomes, 0) as {{ type_double() }}) as win_rate,
        cast(
            (1.0 * breakdowns.wins / nullif(breakdowns.outcomes, 0))
            / nullif(verdict.overall_win_rate, 0) as {{ type_double() }}
        ) as lift,
        cast(breakdowns.average_fit_score as {{ type_double() }}) as average_fit_score,
        cast(case when breakdowns.breakdown = 'overall' then verdict.auc end as {{ type_double() }}) as auc,
        cast(verdict.total_outcomes as {{ dbt.type_int() }}) as total_outcomes,
        verdict.auc_status,
        cast({{ var('icp_backtest_auc_warn_below') }} as {{ type_double() }}) as auc_warn_below,
        cast({{ var('icp_backtest_auc_fail_below') }} as {{ type_double() }}) as auc_fail_below
    from breakdowns
    cross join cutoffs
    cross join verdict
)

select * from final
