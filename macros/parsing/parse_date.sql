{#- A date from text, in the same formats as parse_timestamp (a timestamp with
    an offset gives its UTC date). -#}
{% macro parse_date(expr) -%}
    cast({{ parse_timestamp(expr) }} as date)
{%- endmacro %}
