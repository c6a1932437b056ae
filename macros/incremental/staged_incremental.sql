{#- Incremental staging of an append-only raw table (raw is append-only: ingestion
    never changes or deletes a loaded row, corrections come as new rows). A run
    stages only the raw rows loaded after the stored table's latest `_loaded_at`
    and, per key, keeps the latest version over them and the stored row: the latest
    version is a maximum, so the result equals a full build. The stored rows carry
    the version of the logic that made them (`logic_version`); a run with other
    logic (the model's per-row SQL as rendered, macros included, or a seed it
    reads) drops the table and stages every raw row again. -#}

{#- The config: delete+insert on the staged key where rows can be replaced; a
    table rebuilt by every run where they cannot (Spark without Delta). -#}
{% macro staged_incremental(unique_key) -%}
    {{ return(adapter.dispatch('staged_incremental', 'abm_warehouse')(unique_key)) }}
{%- endmacro %}

{% macro default__staged_incremental(unique_key) -%}
    {{ return({
        'materialized': 'incremental',
        'unique_key': unique_key,
        'incremental_strategy': 'delete+insert',
        'on_schema_change': 'sync_all_columns',
    }) }}
{%- endmacro %}

{% macro spark__staged_incremental(unique_key) -%}
    {{ return({'materialized': 'table'}) }}
{%- endmacro %}

{#- The version of the logic in `rendered_sql` (a model's per-row SQL, rendered):
    its md5 together with the checksums of the seeds the model reads. The
    database's name is left out (a warehouse file moved or renamed keeps its
    staged rows). Empty at parse time. -#}
{% macro logic_version(rendered_sql) -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set text = rendered_sql | trim -%}
    {%- if target.database -%}
        {%- set text = text | replace(adapter.quote(target.database) ~ '.', '') -%}
    {%- endif -%}
    {%- set parts = [text] -%}
    {%- for node_id in model.depends_on.nodes | sort -%}
        {%- if node_id.startswith('seed.') and node_id in graph.nodes -%}
            {%- do parts.append(node_id ~ '=' ~ graph.nodes[node_id].checksum.checksum) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(local_md5(parts | join('\n'))) }}
{%- endmacro %}

{#- Before an incremental run of the model (dbt run/build; never while SQL is only
    compiled, shown or unit-tested): when any stored row of `relation` was made by
    logic other than `version` (or the table predates logic versions), drop the
    table, so the run builds it from all of raw again, whatever columns the stored
    one had. It runs while the model's SQL is rendered, before `is_incremental()` is
    asked (the model's SQL is then a full build's): a pre-hook could not see the
    rendered per-row SQL the version comes from. -#}
{% macro forget_rows_of_other_logic(relation, version) -%}
    {%- if execute and is_incremental() and model.resource_type == 'model'
        and flags.WHICH in ['run', 'build', 'retry'] -%}
        {%- set stored_columns = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
        {%- set stale = true -%}
        {%- if 'logic_version' in stored_columns -%}
            {%- set other = run_query(
                "select count(*) from " ~ relation
                ~ " where logic_version is null or logic_version <> '" ~ version ~ "'"
            ) -%}
            {%- set stale = other.columns[0].values()[0] > 0 -%}
        {%- endif -%}
        {%- if stale -%}
            {%- do log(relation.identifier ~ ": stored rows were staged by other logic; staging every raw row again", info=true) -%}
            {#- the cached relation (with its type): dropping it also leaves the cache -#}
            {%- do adapter.drop_relation(adapter.get_relation(relation.database, relation.schema, relation.identifier)) -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- The where-condition of an incremental run's raw rows: loaded after the latest
    row stored in `relation` (every row when it stores none). -#}
{% macro loaded_after_stored(relation) -%}
    _loaded_at > coalesce(
        (select max(stored._loaded_at) from {{ relation }} as stored),
        cast('1900-01-01' as {{ dbt.type_timestamp() }})
    )
{%- endmacro %}

{#- The CTEs after a staging model's per-row logic (CTE `staged`: one row per key
    from the delivered rows) up to `final`. On an incremental run the stored rows
    of the delivered keys compete with the new rows (the latest version over both
    wins); `spans` ({column: 'min' or 'max'}) are columns aggregated over every
    version instead (a first-seen date), so over both. `final` is `columns` and the
    logic version. -#}
{% macro staged_latest_ctes(keys, updated_at, columns, version, spans={}) -%}
    {%- set keys = [keys] if keys is string else keys -%}
    {%- if is_incremental() %}
stored as (
    select
        {%- for column in columns %}
        stored.{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ this }} as stored
    inner join (select distinct {{ keys | join(', ') }} from staged) as delivered_keys
        on
            {%- for key in keys %}
            {{ 'and ' if not loop.first }}stored.{{ key }} = delivered_keys.{{ key }}
            {%- endfor %}
),

candidates as (
    select {{ columns | join(', ') }} from staged
    union all
    select {{ columns | join(', ') }} from stored
),

{%- if spans %}

spanned as (
    select
        {%- for column in columns %}
        {% if column in spans -%}
            {{ spans[column] }}({{ column }}) over (partition by {{ keys | join(', ') }}) as {{ column }}
        {%- else -%}
            {{ column }}
        {%- endif %}{{ ',' if not loop.last }}
        {%- endfor %}
    from candidates
),
{%- endif %}

latest as (
    {{ latest_version('spanned' if spans else 'candidates', keys, updated_at) }}
),
    {%- else %}
latest as (
    select * from staged
),
    {%- endif %}

final as (
    select
        {%- for column in columns %}
        latest.{{ column }},
        {%- endfor %}
        '{{ version }}' as logic_version
    from latest
)
{%- endmacro %}
