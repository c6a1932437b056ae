{#- Comma-separated names of the columns whose raw value was present but could
    not be used (parsed is null), or null when every value is clean.
    checks: list of [column_name, raw_expr, parsed_expr]. -#}
{% macro list_invalid_values(checks) -%}
    nullif(
        concat_ws(
            ','
            {%- for check in checks %},
            case when {{ check[1] }} is not null and {{ check[2] }} is null then '{{ check[0] }}' end
            {%- endfor %}
        ),
        ''
    )
{%- endmacro %}
