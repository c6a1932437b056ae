{#- One row per month of the KPI history (var kpi_history_months back to the
    as-of month): its bounds and the account_tiers run its events count for.
    tier_basis run: the latest run on or before the month end. Months before the
    first run use the first run (tier_basis rules_backfill), whose rule_tier
    counts rather than its tier (int_kpi_account_months says why). -#}
{%- set months_back = var('kpi_history_months') | int -%}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

tier_runs as (
    select distinct account_tiers.as_of_date as run_date
    from {{ ref('int_account_tiers') }} as account_tiers
    cross join as_of
    where account_tiers.as_of_date <= as_of.as_of_date
),

month_numbers as (
    {{ dbt.generate_series(months_back + 1) }}
),

months as (
    select
        cast({{ dbt.dateadd(
            'month',
            '-1 * (' ~ (months_back + 1) ~ ' - month_numbers.generated_number)',
            dbt.date_trunc('month', 'as_of.as_of_date')) }} as date) as month_start_date
    from month_numbers
    cross join as_of
),

month_bounds as (
    select
        months.month_start_date,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'months.month_start_date')) }} as date) as month_end_date
    from months
),

month_runs as (
    select
        month_bounds.month_start_date,
        month_bounds.month_end_date,
        max(case when tier_runs.run_date <= month_bounds.month_end_date then tier_runs.run_date end) as last_run_date,
        min(tier_runs.run_date) as first_run_date
    from month_bounds
    cross join tier_runs
    group by month_bounds.month_start_date, month_bounds.month_end_date
),

final as (
    select
        month_runs.month_start_date,
        month_runs.month_end_date,
        coalesce(month_runs.last_run_date, month_runs.first_run_date) as tier_run_date,
        case when month_runs.last_run_date is null then 'rules_backfill' else 'run' end as tier_basis
    from month_runs
)

select * from final
