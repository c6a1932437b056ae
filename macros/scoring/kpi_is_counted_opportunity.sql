{#- True when an opportunity type counts as pipeline / win rate / journey
    opportunity: its type is in var kpi_opportunity_types, or it is untyped and
    var kpi_count_untyped_opportunities is true. -#}
{% macro kpi_is_counted_opportunity(type_expr) -%}
    {{ opportunity_type_in(type_expr, var('kpi_opportunity_types'), var('kpi_count_untyped_opportunities')) }}
{%- endmacro %}
