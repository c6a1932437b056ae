{#- Generic test: the combination of `columns` identifies a row (no two rows
    share it and none of its parts is null). Dispatched: DuckDB first groups one
    64-bit hash per row (duplicate_hashes) and groups the key itself only for
    the rows whose hash repeats. -#}
{% test unique_combination(model, columns) %}
    {{ return(adapter.dispatch('test_unique_combination', 'abm_warehouse')(model, columns)) }}
{% endtest %}

{% macro default__test_unique_combination(model, columns) %}
    select
        {{ columns | join(', ') }},
        count(*) as row_count
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1 or {{ columns | join(' is null or ') }} is null
{% endmacro %}

{#- The same failing keys as the default: repeated complete keys, then keys with a
    null part (once each, however often they repeat). -#}
{% macro duckdb__test_unique_combination(model, columns) %}
    {%- set key = columns | join(', ') -%}
    with

    repeated_hashes as (
        {{ duplicate_hashes(model, key) }}
    )

    select
        {{ key }},
        count(*) as row_count
    from {{ model }}
    where
        hash({{ key }}) in (select value_hash from repeated_hashes)
        and {{ columns | join(' is not null and ') }} is not null
    group by {{ key }}
    having count(*) > 1

    union all

    select
        {{ key }},
        count(*) as row_count
    from {{ model }}
    where {{ columns | join(' is null or ') }} is null
    group by {{ key }}
{% endmacro %}

{#- dbt's built-in `unique` test on DuckDB (a root-project macro overrides dbt's
    default__test_unique): the same failing rows as dbt's, found the same way as
    duckdb__test_unique_combination. -#}
{% macro duckdb__test_unique(model, column_name) %}
    with

    repeated_hashes as (
        {{ duplicate_hashes(model, column_name, where=column_name ~ ' is not null') }}
    )

    select
        {{ column_name }} as unique_field,
        count(*) as n_records
    from {{ model }}
    where
        {{ column_name }} is not null
        and hash({{ column_name }}) in (select value_hash from repeated_hashes)
    group by {{ column_name }}
    having count(*) > 1
{% endmacro %}

{#- The 64-bit hashes (DuckDB's hash()) that more than one row of `model` has for
    `key` (a column list or an expression): every repeated key, and by chance a few
    distinct keys that share a hash, which the caller's exact grouping then drops.
    Grouping one integer per row instead of the key's strings: 12.2 s -> 7.4 s for
    the unique test of int_icp_account_attributes at a million accounts, 7.5 s ->
    4.3 s for a `unique` test on a concatenated key. -#}
{% macro duplicate_hashes(model, key, where=none) %}
    select hash({{ key }}) as value_hash
    from {{ model }}
    {%- if where %}
    where {{ where }}
    {%- endif %}
    group by hash({{ key }})
    having count(*) > 1
{% endmacro %}
