{#- The config of an incremental model whose rows belong to one value of a date
    column (an as-of date, a week): a run adds or replaces the partitions it
    computes and keeps the others. Engines differ in how they replace rows, so
    the choice lives here, not in the models:
    `{{ config(**partitioned_incremental('as_of_date')) }}`. -#}
{% macro partitioned_incremental(partition_column, unique_key=none, pre_hook=none) -%}
    {{ return(adapter.dispatch('partitioned_incremental', 'abm_warehouse')(
        partition_column, unique_key, pre_hook)) }}
{%- endmacro %}

{#- delete+insert on the unique key (the partition column unless a finer key
    is given); a pre-hook may delete further rows first. -#}
{% macro default__partitioned_incremental(partition_column, unique_key, pre_hook) -%}
    {%- set settings = {
        'materialized': 'incremental',
        'unique_key': unique_key or partition_column,
        'incremental_strategy': 'delete+insert',
        'on_schema_change': 'append_new_columns',
    } -%}
    {%- if pre_hook -%}
        {%- do settings.update({'pre_hook': pre_hook}) -%}
    {%- endif -%}
    {{ return(settings) }}
{%- endmacro %}

{#- Local Spark without Delta: insert_overwrite of whole partitions only, so a
    finer key and row-deleting pre-hooks do not apply. -#}
{% macro spark__partitioned_incremental(partition_column, unique_key, pre_hook) -%}
    {{ return({
        'materialized': 'incremental',
        'unique_key': partition_column,
        'incremental_strategy': 'insert_overwrite',
        'partition_by': [partition_column],
        'on_schema_change': 'append_new_columns',
    }) }}
{%- endmacro %}

{#- True where an incremental run can replace single rows inside a partition
    (delete+insert); false where it can only overwrite whole partitions. -#}
{% macro incremental_replaces_rows() -%}
    {{ return(adapter.dispatch('incremental_replaces_rows', 'abm_warehouse')()) }}
{%- endmacro %}

{% macro default__incremental_replaces_rows() -%}
    {{ return(true) }}
{%- endmacro %}

{% macro spark__incremental_replaces_rows() -%}
    {{ return(false) }}
{%- endmacro %}
