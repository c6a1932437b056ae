{#- Salted sha256 hex digest of a personal value: the salt (env ABM_PII_SALT) first,
    then the value lower-cased and trimmed, so 'Jane@Acme.com ' and 'jane@acme.com'
    hash alike and the key cannot be looked up in a table of hashed emails without
    the salt. Same hex on every engine. -#}
{% macro hash_pii(expr) -%}
    {{ return(adapter.dispatch('hash_pii', 'abm_warehouse')(expr)) }}
{%- endmacro %}

{% macro pii_salted(expr) -%}
    {{ dbt.concat([dbt.string_literal(env_var('ABM_PII_SALT', '')), 'lower(trim(' ~ expr ~ '))']) }}
{%- endmacro %}

{% macro default__hash_pii(expr) -%}
    sha2({{ pii_salted(expr) }}, 256)
{%- endmacro %}

{% macro duckdb__hash_pii(expr) -%}
    sha256({{ pii_salted(expr) }})
{%- endmacro %}

{% macro postgres__hash_pii(expr) -%}
    encode(sha256(convert_to({{ pii_salted(expr) }}, 'UTF8')), 'hex')
{%- endmacro %}
