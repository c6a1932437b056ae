{#- Every run of characters that is neither a letter, a digit nor whitespace
    becomes one space. Letters of any script are kept ('Яндекс' stays). -#}
{% macro remove_punctuation(expr) -%}
    {{ return(adapter.dispatch('remove_punctuation', 'abm_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__remove_punctuation(expr) -%}
    {{ regexp_replace_all(expr, '[^[:alnum:][:space:]]+', ' ') }}
{%- endmacro %}

{#- RE2's [:alnum:] is ASCII only; \pL and \pN are Unicode letters and digits. -#}
{% macro duckdb__remove_punctuation(expr) -%}
    {{ regexp_replace_all(expr, '[^\\pL\\pN\\s]+', ' ') }}
{%- endmacro %}

{#- Java regexes read [:alnum:] inside brackets as the letters ':alnum', so the
    default would strip every other letter on Spark; \pL and \pN as on DuckDB
    (profiles.yml keeps Spark's string literals raw, as DuckDB's). -#}
{% macro spark__remove_punctuation(expr) -%}
    {{ regexp_replace_all(expr, '[^\\pL\\pN\\s]+', ' ') }}
{%- endmacro %}
