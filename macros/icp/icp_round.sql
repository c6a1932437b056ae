{#- round(expr, digits) on a double: Postgres rounds only numerics. -#}
{% macro icp_round(expr, digits) -%}
    {{ return(adapter.dispatch('icp_round', 'abm_warehouse')(expr, digits)) }}
{%- endmacro %}

{% macro default__icp_round(expr, digits) -%}
    round(cast({{ expr }} as {{ dbt.type_numeric() }}), {{ digits }})
{%- endmacro %}

{% macro duckdb__icp_round(expr, digits) -%}
    round({{ expr }}, {{ digits }})
{%- endmacro %}
