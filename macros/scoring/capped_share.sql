{#- A component on a 0-1 scale: value / target, capped at 1 (0 when null). -#}
{% macro capped_share(value, target) -%}
    least(1.0, coalesce(cast({{ value }} as {{ type_double() }}), 0) / {{ target }})
{%- endmacro %}
