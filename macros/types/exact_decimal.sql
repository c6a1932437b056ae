{#- Type to aggregate fractional values in: decimal sums are exact, so their result
    does not depend on the order parallel threads add rows in (double sums do, in
    the last bits), and two runs on the same inputs publish identical marts. Ten
    decimals keep far more precision than any score, weight or amount needs. -#}
{% macro exact_decimal() -%}
    decimal(38, 10)
{%- endmacro %}
