{#- Trimmed text, or null when blank or a placeholder such as 'n/a' (var
    missing_value_tokens). A placeholder is a missing value, not an invalid one. -#}
{% macro clean_value(expr) -%}
    case
        when lower(trim({{ expr }})) in (
            {%- for token in var('missing_value_tokens') -%}
                '{{ token }}'{{ ', ' if not loop.last }}
            {%- endfor -%}
        ) then null
        else trim({{ expr }})
    end
{%- endmacro %}
