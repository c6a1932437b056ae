{#- Incremental settings of a history table keyed by as_of_date (a run replaces
    its own date): setting 'strategy' -> incremental_strategy, 'partition_by' ->
    partition_by. delete+insert of the date, unpartitioned, by default; on Spark
    (no delete) an insert_overwrite of the as_of_date partition. -#}
{% macro as_of_date_incremental(setting) -%}
    {{ return(adapter.dispatch('as_of_date_incremental', 'abm_warehouse')(setting)) }}
{%- endmacro %}

{% macro default__as_of_date_incremental(setting) -%}
    {{ return({'strategy': 'delete+insert', 'partition_by': none}[setting]) }}
{%- endmacro %}

{% macro spark__as_of_date_incremental(setting) -%}
    {{ return({'strategy': 'insert_overwrite', 'partition_by': ['as_of_date']}[setting]) }}
{%- endmacro %}
