{#- A number from text: '$', commas, spaces and underscores are dropped
    ('$1,200.50' -> 1200.5); anything that is then not a plain decimal or
    scientific number ('n/a', 'unknown', '1,2OO', 'inf') is null. Returns a float. -#}
{% macro parse_number(expr) -%}
    {{ return(adapter.dispatch('parse_number', 'abm_warehouse')(expr)) }}
{%- endmacro %}

{% macro _number_text(expr) -%}
    {{ regexp_replace_all(expr, '[$,_ ]', '') }}
{%- endmacro %}

{% macro default__parse_number(expr) -%}
    case
        when {{ _number_text(expr) }} ~ '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$'
            then cast({{ _number_text(expr) }} as {{ dbt.type_float() }})
    end
{%- endmacro %}

{% macro duckdb__parse_number(expr) -%}
    case
        when regexp_full_match({{ _number_text(expr) }}, '[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?')
            then try_cast({{ _number_text(expr) }} as double)
    end
{%- endmacro %}

{% macro spark__parse_number(expr) -%}
    case
        when {{ _number_text(expr) }} rlike '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$'
            then cast({{ _number_text(expr) }} as double)
    end
{%- endmacro %}
