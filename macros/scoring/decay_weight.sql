{#- Exponential decay weight 0.5 ^ (age / half-life): 1 at age 0, 0.5 at one
    half-life. Ages below zero (events after the as-of date) never reach here; the
    callers filter them out. power() is portable (DuckDB, Postgres, Spark). -#}
{% macro decay_weight(age_days, half_life_days) -%}
    power(0.5, cast({{ age_days }} as {{ type_double() }}) / {{ half_life_days }})
{%- endmacro %}
