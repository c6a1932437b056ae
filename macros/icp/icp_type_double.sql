{#- An 8-byte float on every engine (dbt.type_float() is 4 bytes on DuckDB and
    Spark, too coarse for log-odds sums). -#}
{% macro icp_type_double() -%}
    {{ return(adapter.dispatch('icp_type_double', 'abm_warehouse')()) }}
{%- endmacro %}

{% macro default__icp_type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__icp_type_double() -%}
    double
{%- endmacro %}

{% macro spark__icp_type_double() -%}
    double
{%- endmacro %}
