{#- One row per cutoff date the ICP learns at: `scoring` (the as-of date; the
    whole universe is scored) and `backtest` (var icp_backtest_days earlier; only
    accounts with closed deals are scored, to be judged on what happened after).
    Every ICP model downstream is keyed by cutoff_name, so one SQL learns at any
    cutoff. -#}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

cutoffs as (
    select
        'scoring' as cutoff_name,
        as_of.as_of_date as cutoff_date,
        as_of.as_of_date,
        true as scores_whole_universe
    from as_of

    union all

    select
        'backtest' as cutoff_name,
        cast(
            {{ dbt.dateadd('day', -1 * var('icp_backtest_days'), 'as_of.as_of_date') }} as date
        ) as cutoff_date,
        as_of.as_of_date,
        false as scores_whole_universe
    from as_of
),

final as (
    select
        cutoff_name,
        cast(cutoff_date as date) as cutoff_date,
        cast(as_of_date as date) as as_of_date,
        scores_whole_universe
    from cutoffs
)

select * from final
