{#- True when an opportunity type (normalized, e.g. new_business) is one whose
    closed outcome teaches the ICP (var icp_outcome_opportunity_types); untyped
    opportunities count when var icp_count_untyped_opportunities. -#}
{% macro icp_is_outcome_type(column) -%}
    {{ opportunity_type_in(column, var('icp_outcome_opportunity_types'), var('icp_count_untyped_opportunities')) }}
{%- endmacro %}

{#- True when the type is in `types`, or is null and `count_untyped`. -#}
{% macro opportunity_type_in(column, types, count_untyped) -%}
    coalesce(
        {{ column }} in ({% for value in types %}'{{ value }}'{{ ', ' if not loop.last }}{% endfor %})
        {%- if count_untyped %} or {{ column }} is null{% endif %},
        false
    )
{%- endmacro %}
