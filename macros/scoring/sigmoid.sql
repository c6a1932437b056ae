{#- The logistic function 1 / (1 + e^-x), from log-odds to a probability. -#}
{% macro sigmoid(expr) -%}
    (1.0 / (1.0 + exp(-1.0 * ({{ expr }}))))
{%- endmacro %}
