{#- round(expr, digits) on a double: Postgres rounds only numerics. -#}
{% macro round_double(expr, digits) -%}
    {{ return(adapter.dispatch('round_double', 'abm_warehouse')(expr, digits)) }}
{%- endmacro %}

{% macro default__round_double(expr, digits) -%}
    round(cast({{ expr }} as {{ dbt.type_numeric() }}), {{ digits }})
{%- endmacro %}

{% macro duckdb__round_double(expr, digits) -%}
    round({{ expr }}, {{ digits }})
{%- endmacro %}

{#- Spark rounds a double as a double (HALF_UP); the default's decimal cast would
    change the type the contracts expect. -#}
{% macro spark__round_double(expr, digits) -%}
    round({{ expr }}, {{ digits }})
{%- endmacro %}
