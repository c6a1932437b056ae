{#- The last `n` dot-separated labels of a host ('a.b.co.uk', 2 -> 'co.uk').
    `n` is a literal integer; the caller only asks for n <= the host's label count. -#}
{% macro host_suffix(host, n) -%}
    {{ return(adapter.dispatch('host_suffix', 'abm_warehouse')(host, n)) }}
{%- endmacro %}

{% macro default__host_suffix(host, n) -%}
    {%- set label_count = '(length(' ~ host ~ ') - length(replace(' ~ host ~ ", '.', '')) + 1)" -%}
    {%- set parts = [] -%}
    {%- for offset in range(n - 1, -1, -1) -%}
        {%- do parts.append(dbt.split_part(host, "'.'", label_count ~ ' - ' ~ offset)) -%}
        {%- if offset > 0 -%}{%- do parts.append("'.'") -%}{%- endif -%}
    {%- endfor -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}

{% macro duckdb__host_suffix(host, n) -%}
    array_to_string(string_split({{ host }}, '.')[-{{ n }}:], '.')
{%- endmacro %}

{#- dbt-spark's split_part needs a literal part number; Spark slices the array as
    DuckDB does (split() takes a regex: '[.]' is a literal dot). -#}
{% macro spark__host_suffix(host, n) -%}
    array_join(slice(split({{ host }}, '[.]'), -{{ n }}, {{ n }}), '.')
{%- endmacro %}
