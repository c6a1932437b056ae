{#- An 8-byte float on every engine (dbt.type_float() is 4 bytes on DuckDB and
    Spark, too coarse for revenue). -#}
{% macro identity_type_double() -%}
    {{ return(adapter.dispatch('identity_type_double', 'abm_warehouse')()) }}
{%- endmacro %}

{% macro default__identity_type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__identity_type_double() -%}
    double
{%- endmacro %}

{% macro spark__identity_type_double() -%}
    double
{%- endmacro %}
