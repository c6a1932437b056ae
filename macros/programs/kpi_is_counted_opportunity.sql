{#- True when an opportunity type counts as pipeline / win rate / journey
    opportunity: its type is in var kpi_opportunity_types, or it is untyped and
    var kpi_count_untyped_opportunities is true. -#}
{% macro kpi_is_counted_opportunity(type_expr) -%}
    {%- set types = var('kpi_opportunity_types') -%}
    ({{ type_expr }} in ({% for t in types %}'{{ t }}'{{ ', ' if not loop.last }}{% endfor %})
    {%- if var('kpi_count_untyped_opportunities') %} or {{ type_expr }} is null{% endif %})
{%- endmacro %}
