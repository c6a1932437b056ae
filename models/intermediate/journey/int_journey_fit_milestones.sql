{#- One row per account scored for fit on or before the as-of date (the current
    as-of date only; int_account_fit_scores keeps every run): its first scored
    run, the first run that qualified it (fit grade in var
    journey_qualified_fit_grades and not excluded) and whether it is qualified
    in the run of the as-of date. -#}
{%- set grades = var('journey_qualified_fit_grades') -%}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

fit_scores as (
    select * from {{ ref('int_account_fit_scores') }}
),

fit_runs as (
    select
        fit_scores.account_id,
        fit_scores.as_of_date as run_date,
        coalesce(
            fit_scores.fit_grade in ({{ "'" ~ grades | join("', '") ~ "'" }})
            and not fit_scores.is_excluded,
            false
        ) as is_qualified
    from fit_scores
    cross join as_of
    where fit_scores.as_of_date <= as_of.as_of_date
),

milestones as (
    select
        fit_runs.account_id,
        max(case when fit_runs.run_date = as_of.as_of_date and fit_runs.is_qualified then 1 else 0 end)
            as is_qualified_now,
        min(fit_runs.run_date) as first_run_date,
        min(case when fit_runs.is_qualified then fit_runs.run_date end) as first_qualified_run_date
    from fit_runs
    cross join as_of
    group by fit_runs.account_id
),

final as (
    select
        milestones.account_id,
        as_of.as_of_date,
        milestones.is_qualified_now = 1 as is_qualified_now,
        milestones.first_run_date,
        milestones.first_qualified_run_date
    from milestones
    cross join as_of
)

select * from final
