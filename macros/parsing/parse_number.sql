{#- A number from text: '$', spaces and underscores are dropped, and commas only
    where they separate thousands (a comma followed by exactly three digits per
    group: '$1,200.50' -> 1200.5). Anything else - a decimal comma ('1234567,89',
    '100,5'), 'n/a', 'unknown', '1,2OO', 'inf' - is null, so the value is flagged
    invalid instead of becoming another number. Returns a float. -#}
{% macro parse_number(expr) -%}
    {{ return(adapter.dispatch('parse_number', 'abm_warehouse')(expr)) }}
{%- endmacro %}

{% macro _number_text(expr) -%}
    {{ regexp_replace_all(expr, '[$_ ]', '') }}
{%- endmacro %}

{#- Digits with optional thousands commas, an optional fraction and exponent. -#}
{% macro _number_pattern() -%}
    [+-]?(([0-9]{1,3}(,[0-9]{3})+|[0-9]+)([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?
{%- endmacro %}

{% macro default__parse_number(expr) -%}
    case
        when {{ _number_text(expr) }} ~ '^{{ _number_pattern() }}$'
            then cast(replace({{ _number_text(expr) }}, ',', '') as {{ dbt.type_float() }})
    end
{%- endmacro %}

{% macro duckdb__parse_number(expr) -%}
    case
        when regexp_full_match({{ _number_text(expr) }}, '{{ _number_pattern() }}')
            then try_cast(replace({{ _number_text(expr) }}, ',', '') as double)
    end
{%- endmacro %}

{% macro spark__parse_number(expr) -%}
    case
        when {{ _number_text(expr) }} rlike '^{{ _number_pattern() }}$'
            then cast(replace({{ _number_text(expr) }}, ',', '') as double)
    end
{%- endmacro %}
