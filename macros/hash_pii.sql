{#- sha256 hex digest of a personal value, lower-cased and trimmed first so
    'Jane@Acme.com ' and 'jane@acme.com' hash alike. Same hex on every engine. -#}
{% macro hash_pii(expr) -%}
    {{ return(adapter.dispatch('hash_pii', 'abm_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__hash_pii(expr) -%}
    sha2(lower(trim({{ expr }})), 256)
{%- endmacro %}

{% macro duckdb__hash_pii(expr) -%}
    sha256(lower(trim({{ expr }})))
{%- endmacro %}

{% macro postgres__hash_pii(expr) -%}
    encode(sha256(convert_to(lower(trim({{ expr }})), 'UTF8')), 'hex')
{%- endmacro %}
