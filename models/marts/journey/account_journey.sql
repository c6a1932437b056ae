{#- One row per universe account per as-of date (incremental by as_of_date, like
    the scores): the journey stage it is in, the date it first entered each stage
    (int_journey_stage_dates: from event history, so history and velocity exist
    from the first run) and the days between stages. current_stage is the
    furthest stage whose condition holds on the as-of date; furthest_stage the
    furthest ever entered. -#}
{{ config(**partitioned_incremental('as_of_date')) }}
{%- set stages = ['qualified', 'aware', 'engaged', 'mqa', 'opportunity', 'customer'] -%}
with

stage_dates as (
    select * from {{ ref('int_journey_stage_dates') }}
),

staged as (
    select
        stage_dates.*,
        {{ journey_current_stage('stage_dates') }} as current_stage,
        case
            {%- for stage in stages | reverse %}
                when stage_dates.{{ stage }}_date is not null then '{{ stage }}'
            {%- endfor %}
            else 'known'
        end as furthest_stage
    from stage_dates
),

final as (
    select
        staged.account_id,
        staged.as_of_date,
        staged.current_stage,
        cast(case staged.current_stage
            when 'known' then 0
            {%- for stage in stages %}
                when '{{ stage }}' then {{ loop.index }}
            {%- endfor %}
        end as {{ dbt.type_int() }}) as current_stage_order,
        staged.furthest_stage,
        case staged.current_stage
            when 'known' then staged.known_date
            {%- for stage in stages %}
                when '{{ stage }}' then staged.{{ stage }}_date
            {%- endfor %}
        end as current_stage_entered_date,
        cast({{ dbt.datediff(
            'case staged.current_stage when \'known\' then staged.known_date'
            ~ ' when \'qualified\' then staged.qualified_date when \'aware\' then staged.aware_date'
            ~ ' when \'engaged\' then staged.engaged_date when \'mqa\' then staged.mqa_date'
            ~ ' when \'opportunity\' then staged.opportunity_date else staged.customer_date end',
            'staged.as_of_date', 'day') }} as {{ dbt.type_bigint() }}) as days_since_current_stage_entered,
        staged.known_date,
        {%- for stage in stages %}
            staged.{{ stage }}_date as {{ stage }}_entered_date,
        {%- endfor %}
        {#- Velocity between consecutive stages; null when either is missing or
            the later stage came first (out of order). #}
        {%- for stage in stages %}
            {%- set previous = 'known' if loop.first else stages[loop.index0 - 1] %}
            cast(case
                when staged.{{ stage }}_date >= staged.{{ previous }}_date
                    then {{ dbt.datediff('staged.' ~ previous ~ '_date', 'staged.' ~ stage ~ '_date', 'day') }}
            end as {{ dbt.type_bigint() }}) as days_{{ previous }}_to_{{ stage }},
        {%- endfor %}
        staged.window_points as engagement_window_points,
        staged.is_qualified,
        staged.is_aware,
        staged.is_engaged,
        staged.is_mqa,
        staged.has_open_opportunity,
        staged.is_customer
    from staged
)

select * from final
