{%- set as_of_var = var('as_of_date', '') | string | trim -%}

with

opportunities as (
    select * from {{ ref('stg_crm__opportunities') }}
),

tasks as (
    select * from {{ ref('stg_crm__tasks') }}
),

activities as (
    select * from {{ ref('stg_engagement__activities') }}
),

bombora_surges as (
    select * from {{ ref('stg_intent__bombora_surges') }}
),

g2_signals as (
    select * from {{ ref('stg_intent__g2_signals') }}
),

-- Dates that say something happened. A close date or task date after the
-- record's own last modification is a plan, not an event, so it is left out.
event_dates as (
    select max(created_date) as event_date from opportunities
    union all
    select max(close_date) as event_date from opportunities
    where close_date <= cast(last_modified_at as date)
    union all
    select max(activity_date) as event_date from tasks
    where activity_date <= cast(last_modified_at as date)
    union all
    select max(activity_date) as event_date from activities
    union all
    select max(week_start_date) as event_date from bombora_surges
    union all
    select max(signal_date) as event_date from g2_signals
),

latest as (
    select max(event_date) as latest_event_date
    from event_dates
),

final as (
    select
        {% if as_of_var -%}
            cast('{{ as_of_var }}' as date) as as_of_date,
            'var' as as_of_source,
        {%- else -%}
            latest_event_date as as_of_date,
            'latest_event' as as_of_source,
        {%- endif %}
        latest_event_date
    from latest
)

select * from final
