{#- The raw layer where the engine cannot read the DuckDB warehouse. DuckDB reads
    `raw` in place (nothing to do); on Spark, an on-run-start hook declares each
    source table over its Parquet folder under the lake
    (orchestration/lib/ingest/lake.py writes <lake>/raw/<identifier>/), so the
    models' `source()` calls are the same on every engine. The tables come from
    the project's sources, not from a list kept here. -#}
{% macro create_raw_tables() -%}
    {{ return(adapter.dispatch('create_raw_tables', 'abm_warehouse')()) }}
{%- endmacro %}

{% macro default__create_raw_tables() -%}
    {{ return('') }}
{%- endmacro %}

{% macro spark__create_raw_tables() -%}
    {%- if execute -%}
        {%- set lake = env_var('ABM_LAKE_DIR', 'data/lake') -%}
        {%- set schemas = [] -%}
        {%- for node in graph.sources.values() -%}
            {%- if node.schema not in schemas -%}
                {%- do run_query('create schema if not exists ' ~ node.schema) -%}
                {%- do schemas.append(node.schema) -%}
            {%- endif -%}
            {%- set relation = node.schema ~ '.' ~ node.identifier -%}
            {#- An external table: dropping it leaves the files; re-declaring it each
                run picks up the files the latest export wrote. -#}
            {%- do run_query('drop table if exists ' ~ relation) -%}
            {%- do run_query(
                'create table ' ~ relation ~ ' using parquet location '
                ~ "'" ~ lake ~ '/raw/' ~ node.identifier ~ "'") -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}
