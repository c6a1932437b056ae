{#- One row per account with a G2 buyer-intent signal in the var
    intent_g2_window_days days up to the as-of date (the current as-of date only):
    how many, the latest, and their weighted sum: each weighs its activity type
    (seed g2_activity_weights; 0 for a type missing from it) x 0.5 ^ (age / var
    intent_g2_half_life_days). Signals reach accounts through their domains
    (int_signal_domains_matched_to_accounts). -#}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

g2_signals as (
    select * from {{ ref('stg_intent__g2_signals') }}
),

g2_domains as (
    select * from {{ ref('int_signal_domains_matched_to_accounts') }}
    where record_source = 'g2' and account_id is not null
),

g2_weights as (
    select * from {{ ref('g2_activity_weights') }}
),

g2_facts as (
    select
        g2_domains.account_id,
        count(*) as g2_signal_count,
        max(g2_signals.signal_date) as last_g2_signal_date,
        cast(sum(cast(
            coalesce(g2_weights.weight, 0)
            * {{ decay_weight(dbt.datediff('g2_signals.signal_date', 'as_of.as_of_date', 'day'),
                             var('intent_g2_half_life_days')) }}
            as {{ exact_decimal() }}
        )) as {{ type_double() }}) as g2_weighted_signal
    from g2_signals
    cross join as_of
    inner join g2_domains
        on lower(trim(g2_signals.domain)) = g2_domains.domain
    left join g2_weights
        on g2_signals.activity_type = g2_weights.activity_type
    where
        g2_signals.signal_date <= as_of.as_of_date
        and g2_signals.signal_date
        > {{ dbt.dateadd('day', -1 * var('intent_g2_window_days'), 'as_of.as_of_date') }}
    group by g2_domains.account_id
),

final as (
    select
        g2_facts.account_id,
        as_of.as_of_date,
        cast(g2_facts.g2_signal_count as {{ dbt.type_int() }}) as g2_signal_count,
        g2_facts.g2_weighted_signal,
        g2_facts.last_g2_signal_date
    from g2_facts
    cross join as_of
)

select * from final
