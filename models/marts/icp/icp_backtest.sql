{#- One row per breakdown of the backtest: `overall` (one row: the AUC and its
    verdict), `decile` (10 = lowest scores, 1 = highest) and `grade` (A-D): the
    outcomes judged after the cutoff, wins, losses, win rate and lift against the
    overall win rate. judged_on: accounts (won when any deal in the window won)
    when they reach the minimums below, else deals (each closed deal of the
    window, scored by its account's fit), so a CRM where every account wins
    sometimes is still judged. AUC is the Mann-Whitney rank statistic: the
    chance that a won outcome outscored a lost one (ties count half).
    auc_status: too_few_outcomes (below var icp_backtest_min_outcomes, or fewer
    wins or losses than var icp_backtest_min_per_class), fail (below var
    icp_backtest_auc_fail_below), warn (below var icp_backtest_auc_warn_below),
    pass. training_mode: how the ICP learned (int_icp_training_modes) at the
    as-of date, backtest_training_mode at the backtest cutoff. -#}
{%- set min_outcomes = var('icp_backtest_min_outcomes') -%}
{%- set min_per_class = var('icp_backtest_min_per_class') -%}
with

outcomes as (
    select * from {{ ref('int_icp_backtest_outcomes') }}
),

cutoffs as (
    select * from {{ ref('int_icp_cutoffs') }}
    where cutoff_name = 'backtest'
),

modes as (
    select * from {{ ref('int_icp_training_modes') }}
),

account_counts as (
    select
        count(*) as outcomes,
        sum(case when is_won then 1 else 0 end) as wins
    from outcomes
),

unit as (
    select
        case
            when
                outcomes >= {{ min_outcomes }}
                and wins >= {{ min_per_class }}
                and outcomes - wins >= {{ min_per_class }}
                then 'accounts'
            else 'deals'
        end as judged_on
    from account_counts
),

units as (
    select
        outcomes.fit_score,
        outcomes.fit_grade,
        outcomes.score_decile,
        case
            when unit.judged_on = 'deals' then coalesce(outcomes.won_deals, 0)
            when outcomes.is_won then 1
            else 0
        end as wins,
        case
            when unit.judged_on = 'deals' then coalesce(outcomes.lost_deals, 0)
            when outcomes.is_won then 0
            else 1
        end as losses
    from outcomes
    cross join unit
),

by_score as (
    select
        fit_score,
        sum(wins) as wins,
        sum(losses) as losses
    from units
    group by fit_score
),

ranked as (
    select
        wins,
        losses,
        coalesce(sum(losses) over (
            order by fit_score rows between unbounded preceding and 1 preceding
        ), 0) as losses_below
    from by_score
),

overall as (
    select
        sum(wins + losses) as outcomes,
        sum(wins) as wins,
        sum(losses) as losses,
        case
            when sum(wins) > 0 and sum(losses) > 0
                then sum(wins * (losses_below + losses / 2.0)) / (cast(sum(wins) as {{ type_double() }}) * sum(losses))
        end as auc
    from ranked
),

breakdowns as (
    select
        'decile' as breakdown,
        cast(score_decile as {{ dbt.type_string() }}) as bucket,
        sum(wins + losses) as outcomes,
        sum(wins) as wins,
        cast(avg(cast(fit_score as {{ exact_decimal() }})) as {{ type_double() }}) as average_fit_score
    from units
    group by score_decile

    union all

    select
        'grade' as breakdown,
        fit_grade as bucket,
        sum(wins + losses) as outcomes,
        sum(wins) as wins,
        cast(avg(cast(fit_score as {{ exact_decimal() }})) as {{ type_double() }}) as average_fit_score
    from units
    group by fit_grade

    union all

    select
        'overall' as breakdown,
        'all' as bucket,
        sum(wins + losses) as outcomes,
        sum(wins) as wins,
        cast(avg(cast(fit_score as {{ exact_decimal() }})) as {{ type_double() }}) as average_fit_score
    from units
),

verdict as (
    select
        overall.auc,
        overall.outcomes as total_outcomes,
        1.0 * overall.wins / nullif(overall.outcomes, 0) as overall_win_rate,
        case
            when
                coalesce(overall.outcomes, 0) < {{ min_outcomes }}
                or coalesce(overall.wins, 0) < {{ min_per_class }}
                or coalesce(overall.losses, 0) < {{ min_per_class }}
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
            (cast(breakdowns.wins as {{ type_double() }}) / nullif(breakdowns.outcomes, 0))
            / nullif(verdict.overall_win_rate, 0) as {{ type_double() }}
        ) as lift,
        cast(breakdowns.average_fit_score as {{ type_double() }}) as average_fit_score,
        cast(case when breakdowns.breakdown = 'overall' then verdict.auc end as {{ type_double() }}) as auc,
        cast(verdict.total_outcomes as {{ dbt.type_int() }}) as total_outcomes,
        verdict.auc_status,
        cast({{ var('icp_backtest_auc_warn_below') }} as {{ type_double() }}) as auc_warn_below,
        cast({{ var('icp_backtest_auc_fail_below') }} as {{ type_double() }}) as auc_fail_below,
        cast(unit.judged_on as {{ dbt.type_string() }}) as judged_on,
        cast(scoring_mode.training_mode as {{ dbt.type_string() }}) as training_mode,
        cast(scoring_mode.mode_reason as {{ dbt.type_string() }}) as training_mode_reason,
        cast(backtest_mode.training_mode as {{ dbt.type_string() }}) as backtest_training_mode
    from breakdowns
    cross join cutoffs
    cross join verdict
    cross join unit
    left join modes as scoring_mode
        on scoring_mode.cutoff_name = 'scoring'
    left join modes as backtest_mode
        on backtest_mode.cutoff_name = 'backtest'
)

select * from final
