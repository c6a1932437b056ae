{#- A set-returning select-list expression: one row per element of a delimited
    string ('a;b' -> 'a', 'b'). Use it alone in a select list. -#}
{% macro unnest_split(expr, delimiter) -%}
    {{ return(adapter.dispatch('unnest_split', 'abm_warehouse')(expr, delimiter)) }}
{%- endmacro %}

{% macro default__unnest_split(expr, delimiter) -%}
    unnest(string_to_array({{ expr }}, '{{ delimiter }}'))
{%- endmacro %}

{% macro duckdb__unnest_split(expr, delimiter) -%}
    unnest(string_split({{ expr }}, '{{ delimiter }}'))
{%- endmacro %}

{% macro spark__unnest_split(expr, delimiter) -%}
    explode(split({{ expr }}, '[{{ delimiter }}]'))
{%- endmacro %}
