{#- One row per universe account at the as-of date: the tier it should have
    after stability (desired_rank), before overrides and capacity. An account the
    rules now put below its previous tier (a rules-based one, int_tiers_previous_run,
    and the account still a possible new-logo target) counts one more run below
    the bar (runs_below_bar) and keeps its previous tier (is_held) until it has
    been below for var tiers_hysteresis_runs runs; otherwise it wants its rule
    tier. Excluded and expansion accounts want no tier (null). -#}
{%- set hysteresis_runs = var('tiers_hysteresis_runs') -%}
with

rules_evaluated as (
    select * from {{ ref('int_tier_rules_evaluated') }}
),

previous_run as (
    select * from {{ ref('int_tiers_previous_run') }}
),

counted as (
    select
        rules_evaluated.account_id,
        rules_evaluated.rule_miss_reason,
        rules_evaluated.rule_tier_rank,
        rules_evaluated.is_excluded,
        rules_evaluated.is_expansion,
        rules_evaluated.as_of_date,
        previous_run.tier as previous_tier,
        previous_run.tier_rank as previous_tier_rank,
        previous_run.as_of_date as previous_as_of_date,
        case
            when
                previous_run.tier_rank <= 3
                and previous_run.tier_source != 'override'
                and not rules_evaluated.is_excluded
                and not rules_evaluated.is_expansion
                and coalesce(rules_evaluated.rule_tier_rank, 4) > previous_run.tier_rank
                then coalesce(previous_run.runs_below_bar, 0) + 1
            else 0
        end as runs_below_bar
    from rules_evaluated
    left join previous_run
        on rules_evaluated.account_id = previous_run.account_id
),

stabilized as (
    select
        -- ids
        counted.account_id,
        -- strings
        counted.previous_tier,
        counted.rule_miss_reason,
        -- numerics
        counted.rule_tier_rank,
        counted.previous_tier_rank,
        counted.runs_below_bar,
        case
            when counted.is_excluded or counted.is_expansion then null
            when counted.runs_below_bar > 0 and counted.runs_below_bar < {{ hysteresis_runs }}
                then counted.previous_tier_rank
            else counted.rule_tier_rank
        end as desired_rank,
        -- booleans
        counted.is_excluded,
        counted.is_expansion,
        counted.runs_below_bar > 0 and counted.runs_below_bar < {{ hysteresis_runs }} as is_held,
        -- dates
        counted.as_of_date,
        counted.previous_as_of_date
    from counted
),

final as (
    select * from stabilized
)

select * from final
