{#- `column` of the first of `relations` that has it: `r1.column` for one relation,
    `coalesce(r1.column, r2.column, ...)` for more (the key of rows lined up by full
    outer joins). -#}
{% macro coalesced_column(relations, column) -%}
    {%- if relations | length == 1 -%}
        {{ relations[0] }}.{{ column }}
    {%- else -%}
        coalesce({{ relations | join('.' ~ column ~ ', ') }}.{{ column }})
    {%- endif -%}
{%- endmacro %}
