{#- An 8-byte float on every engine (dbt.type_float() is 4 bytes on DuckDB and
    Spark, too coarse for log-odds sums). -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'abm_warehouse')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}
