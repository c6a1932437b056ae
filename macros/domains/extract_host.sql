{#- The host name in a URL, a bare domain or an e-mail address: lower case,
    without scheme, user info or e-mail local part, path, query, fragment, port,
    surrounding whitespace and leading/trailing dots. Null when nothing is left.
    'https://www.Acme.co.uk/about' -> 'www.acme.co.uk'; 'Jane@Mail.Acme.com' -> 'mail.acme.com'.
    Every pattern is anchored, so one replacement each is enough on every engine. -#}
{% macro extract_host(expr) -%}
    {{ return(adapter.dispatch('extract_host', 'abm_warehouse')(expr)) }}
{%- endmacro %}

{% macro _host_without_url_parts(expr) -%}
    regexp_replace(
        regexp_replace(
            regexp_replace(
                regexp_replace(lower(trim({{ expr }})), '^[a-z][a-z0-9+.-]*://', ''),
                '[/?#].*$', ''
            ),
            '^.*@', ''
        ),
        ':[0-9]*$', ''
    )
{%- endmacro %}

{% macro default__extract_host(expr) -%}
    nullif(
        trim(regexp_replace(regexp_replace({{ _host_without_url_parts(expr) }}, '^[.]+', ''), '[.]+$', '')),
        ''
    )
{%- endmacro %}

{% macro duckdb__extract_host(expr) -%}
    nullif(trim({{ _host_without_url_parts(expr) }}, '. '), '')
{%- endmacro %}
