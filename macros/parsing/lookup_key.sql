{#- Key used to join free text to a seed map: lower case, trimmed, inner
    whitespace collapsed, so ' Computer   Software' finds 'computer software'. -#}
{% macro lookup_key(expr) -%}
    lower(trim({{ regexp_replace_all(expr, '\\s+', ' ') }}))
{%- endmacro %}
