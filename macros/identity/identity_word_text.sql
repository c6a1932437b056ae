{#- Lower-cased text with every run of non-alphanumeric characters turned into one
    space and a space on each side, so rule patterns match whole words only
    (' cto ' must not match 'director'). -#}
{% macro identity_word_text(expr) -%}
    {{ return(adapter.dispatch('identity_word_text', 'abm_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__identity_word_text(expr) -%}
    {{ dbt.concat(["' '", "regexp_replace(lower(coalesce(" ~ expr ~ ", '')), '[^a-z0-9]+', ' ', 'g')", "' '"]) }}
{%- endmacro %}

{% macro duckdb__identity_word_text(expr) -%}
    {{ dbt.concat(["' '", "regexp_replace(lower(coalesce(" ~ expr ~ ", '')), '[^a-z0-9]+', ' ', 'g')", "' '"]) }}
{%- endmacro %}

{% macro spark__identity_word_text(expr) -%}
    {{ dbt.concat(["' '", "regexp_replace(lower(coalesce(" ~ expr ~ ", '')), '[^a-z0-9]+', ' ')", "' '"]) }}
{%- endmacro %}
