{#- dbt-spark 1.11 drops listagg's order_by_clause (with a warning) and builds the
    list in arbitrary order; Spark 4 has listagg ... within group (order by ...), so
    the lists read the same as on DuckDB. Found by dispatch before dbt-spark's own. -#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if limit_num -%}
        {{ exceptions.raise_compiler_error('listagg limit_num is not supported on Spark') }}
    {%- endif -%}
    listagg({{ measure }}, {{ delimiter_text }})
    {%- if order_by_clause %} within group ({{ order_by_clause }}){% endif %}
{%- endmacro %}
